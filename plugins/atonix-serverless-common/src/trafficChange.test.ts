import { applyTrafficChange, describeTraffic } from './trafficChange';

const canary = {
  revisionName: 'charge-card-v2',
  traffic: [
    { revisionName: 'charge-card-v1', percent: 90, tag: 'stable' },
    { latestRevision: true, percent: 10, tag: 'canary' },
  ],
};

describe('applyTrafficChange', () => {
  it('rolls back to a revision with all traffic, keeping the other tags reachable at 0 %', () => {
    expect(
      applyTrafficChange(canary, {
        action: 'rollback',
        revisionName: 'charge-card-v1',
      }),
    ).toEqual([
      { revisionName: 'charge-card-v1', percent: 100, tag: 'stable' },
      { latestRevision: true, percent: 0, tag: 'canary' },
    ]);
  });

  it('promotes the candidate, the revision the spec creates now, to 100 %', () => {
    expect(applyTrafficChange(canary, { action: 'promote' })).toEqual([
      { latestRevision: true, percent: 100, tag: 'canary' },
      { revisionName: 'charge-card-v1', percent: 0, tag: 'stable' },
    ]);
  });

  it('promotes from Knative’s default when the spec has no split yet', () => {
    expect(
      applyTrafficChange(
        { revisionName: 'charge-card-v2' },
        { action: 'promote' },
      ),
    ).toEqual([{ latestRevision: true, percent: 100 }]);
  });

  it('moves a tag to another revision, adding it at 0 % if it had no route', () => {
    expect(
      applyTrafficChange(canary, {
        action: 'tag',
        revisionName: 'charge-card-v0',
        tag: 'canary',
      }),
    ).toEqual([
      { revisionName: 'charge-card-v1', percent: 90, tag: 'stable' },
      { latestRevision: true, percent: 10 },
      { revisionName: 'charge-card-v0', percent: 0, tag: 'canary' },
    ]);
  });

  it('drops a target left with neither a tag nor a share', () => {
    expect(
      applyTrafficChange(
        {
          traffic: [
            { latestRevision: true, percent: 100 },
            { revisionName: 'charge-card-v1', percent: 0, tag: 'old' },
          ],
        },
        { action: 'tag', revisionName: 'charge-card-v3', tag: 'old' },
      ),
    ).toEqual([
      { latestRevision: true, percent: 100 },
      { revisionName: 'charge-card-v3', percent: 0, tag: 'old' },
    ]);
  });

  it('takes a split as given (the spec rules check it)', () => {
    const traffic = [{ latestRevision: true, percent: 100 }];
    expect(applyTrafficChange(canary, { action: 'split', traffic })).toBe(
      traffic,
    );
  });
});

describe('describeTraffic', () => {
  it('says where each share goes, for a commit subject', () => {
    expect(describeTraffic(canary.traffic)).toBe(
      'charge-card-v1 90 % (stable), latest 10 % (canary)',
    );
  });
});
