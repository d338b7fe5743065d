import {
  blockedTenantKustomizations,
  demoObjects,
  fluxKustomization,
} from '@internal/atonix-test-servers';
import { FunctionDetails } from '@internal/backstage-plugin-atonix-serverless-common';
import { functionStatus } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import { clusterObjectsOf } from '../runtimes/__testUtils__/clusterObjects';
import { GitOpsFacts, traceFunction } from './traceFunction';

const COMMIT = 'a'.repeat(40);
const GITOPS_HEAD = '4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b';
const IMAGE = `ghcr.io/atonixcorp/charge:${COMMIT}`;

function charge(overrides: Partial<FunctionDetails> = {}): FunctionDetails {
  return {
    ...functionStatus({
      name: 'charge',
      traffic: [
        { revisionName: 'charge-00002', percent: 90, latest: true },
        { revisionName: 'charge-00001', percent: 10, latest: false },
      ],
      flux: {
        kustomization: 'functions-payments',
        namespace: 'flux-system',
        ready: 'True',
      },
    }),
    env: [],
    latestCreatedRevision: 'charge-00002',
    revisions: [
      {
        name: 'charge-00002',
        ready: 'True',
        image: IMAGE,
        actualReplicas: 1,
        trafficPercent: 90,
      },
      {
        name: 'charge-00001',
        ready: 'True',
        image: 'ghcr.io/atonixcorp/charge:old',
        actualReplicas: 0,
        trafficPercent: 10,
      },
    ],
    ...overrides,
  };
}

const gitopsAt = (revision: string, image = IMAGE): GitOpsFacts => ({
  revision,
  functionFile: {
    path: 'gitops/functions/payments/charge/function.yaml',
    content: `apiVersion: atonix.io/v1alpha1\nkind: Function\nname: charge\nteam: payments\nruntime: knative\nimage: ${image}\ntrigger:\n  type: http\n`,
  },
});

/** The trace of `fn` with the GitOps repository at GITOPS_HEAD and payments' Kustomization Ready. */
const traceAtHead = (
  fn: FunctionDetails,
  options?: Parameters<typeof traceFunction>[3],
) =>
  traceFunction(
    fn,
    gitopsAt(GITOPS_HEAD),
    clusterObjectsOf([fluxKustomization({ team: 'payments' })]),
    options,
  );

const states = (trace: ReturnType<typeof traceFunction>) =>
  Object.fromEntries(trace.links.map(l => [l.id, l.state]));

describe('traceFunction', () => {
  it('follows a healthy function from its repository commit to the traffic its revision gets', () => {
    const trace = traceAtHead(charge());
    expect(states(trace)).toEqual({
      'repository-commit': 'ok',
      image: 'ok',
      'gitops-commit': 'ok',
      'flux-applied': 'ok',
      revisions: 'ok',
      traffic: 'ok',
    });
    expect(trace.links[0].value).toBe(COMMIT);
    expect(trace.links[4].value).toBe('charge-00002');
    expect(trace.links[5].value).toBe('90 %');
    expect(trace.firstBroken).toBeUndefined();
    expect(trace.blockedBy).toBeUndefined();
  });

  it('stops at Flux when the GitOps branch moved past what the Kustomization applied, with its message', () => {
    const trace = traceFunction(
      charge(),
      gitopsAt('b'.repeat(40)),
      clusterObjectsOf([fluxKustomization({ team: 'payments', ready: false })]),
    );
    expect(trace.links[trace.firstBroken!]).toMatchObject({
      id: 'flux-applied',
      state: 'broken',
    });
    expect(trace.links[trace.firstBroken!].message).toBe(
      'The GitOps branch is at bbbbbbb, Flux has not applied it (last applied main@sha1:4f3c2b1): Kustomization flux-system/functions-payments is not Ready (BuildFailed): kustomize build failed: accumulating resources: open /tmp/kustomization-1/gitops/functions/payments/missing: no such file or directory',
    );
  });

  it('says a Ready Kustomization applies a new commit at its next interval, and that Sync now asks for it at once', () => {
    const trace = traceFunction(
      charge(),
      gitopsAt('b'.repeat(40)),
      clusterObjectsOf([fluxKustomization({ team: 'payments' })]),
    );
    expect(trace.links[3].message).toContain('"Sync now" asks for it at once');
  });

  it('says when the commit Flux has not applied was merged, from the GitOps commit time', () => {
    const committedAt = '2026-11-29T09:48:00.000Z';
    const trace = traceFunction(
      charge(),
      { ...gitopsAt('b'.repeat(40)), committedAt },
      clusterObjectsOf([fluxKustomization({ team: 'payments', ready: false })]),
      { now: Date.parse('2026-11-29T10:00:30.000Z') },
    );
    expect(trace.links[2]).toMatchObject({
      id: 'gitops-commit',
      at: committedAt,
      message: 'The GitOps branch is at bbbbbbb, merged 12m ago',
    });
    expect(trace.links[trace.firstBroken!]).toMatchObject({
      id: 'flux-applied',
      at: committedAt,
      message: expect.stringMatching(
        /^The GitOps branch is at bbbbbbb, merged 12m ago, Flux has not applied it \(last applied main@sha1:4f3c2b1\): Kustomization flux-system\/functions-payments is not Ready \(BuildFailed\): /,
      ),
    });
  });

  it("links the function repository's commit, where its CI run is listed, when the repository has such a page", () => {
    const onGitHub = traceAtHead(charge(), {
      functionCommitUrl: commit =>
        `https://github.com/atonixcorp/charge/commit/${commit}`,
    });
    expect(onGitHub.links[0]).toMatchObject({
      id: 'repository-commit',
      href: `https://github.com/atonixcorp/charge/commit/${COMMIT}`,
      message: expect.stringContaining('its CI run is listed on the commit'),
    });
    const local = traceAtHead(charge(), { functionCommitUrl: () => undefined });
    expect(local.links[0]).not.toHaveProperty('href');
    expect(local.links[0].message).toContain('no CI run to link');
  });

  it('breaks at the revisions when none runs the image git names, saying what the latest one runs and why', () => {
    const fn = charge();
    fn.revisions[0] = {
      ...fn.revisions[0],
      image: 'ghcr.io/atonixcorp/charge:old',
      ready: 'False',
      message: 'Back-off pulling image',
    };
    const trace = traceAtHead(fn);
    expect(trace.links[trace.firstBroken!]).toEqual({
      id: 'revisions',
      state: 'broken',
      message: `No revision runs ${IMAGE}; the latest, charge-00002, runs ghcr.io/atonixcorp/charge:old and is not Ready: Back-off pulling image`,
    });
    expect(states(trace).traffic).toBe('unknown');
  });

  it('breaks at the traffic when the revision with the new image gets none', () => {
    const fn = charge({
      traffic: [{ revisionName: 'charge-00001', percent: 100, latest: false }],
    });
    fn.revisions = fn.revisions.map(r => ({
      ...r,
      trafficPercent: r.name === 'charge-00001' ? 100 : 0,
    }));
    const trace = traceAtHead(fn);
    expect(trace.links[trace.firstBroken!]).toMatchObject({
      id: 'traffic',
      value: '0 %',
      message: expect.stringContaining('it goes to charge-00001 100 %'),
    });
  });

  /** charge, applied by the search tenant's Kustomization, which is not Ready. */
  const chargeInBlockedSearchTenant = () =>
    charge({
      flux: {
        kustomization: 'functions-search',
        namespace: 'flux-system',
        ready: 'False',
      },
    });

  it('walks dependsOn and the applying Kustomization, and names the deepest not-ready one as the blocker', () => {
    const trace = traceFunction(
      chargeInBlockedSearchTenant(),
      gitopsAt(GITOPS_HEAD),
      clusterObjectsOf(blockedTenantKustomizations('search')),
    );
    expect(
      trace.kustomizations.map(k => [k.name, k.ready, k.appliedBy ?? null]),
    ).toEqual([
      ['functions-search', 'False', 'flux-system/tenants'],
      ['tenants', 'False', null],
      ['infra-configs', 'False', null],
      ['infra-controllers', 'True', null],
    ]);
    expect(trace.blockedBy).toBe('flux-system/infra-configs');
    expect(trace.links[trace.firstBroken!].message).toContain(
      "is not Ready (DependencyNotReady): dependency 'flux-system/tenants' is not ready",
    );
  });

  it('lists a dependency the portal cannot see as not found, and blocks on it', () => {
    const [own] = blockedTenantKustomizations('search').slice(-1);
    const trace = traceFunction(
      chargeInBlockedSearchTenant(),
      gitopsAt(GITOPS_HEAD),
      clusterObjectsOf([own]),
    );
    expect(trace.kustomizations[1]).toMatchObject({
      name: 'tenants',
      found: false,
      ready: 'Unknown',
    });
    expect(trace.blockedBy).toBe('flux-system/tenants');
  });

  it('marks git-side links unknown when the GitOps repository cannot be read, and still checks the cluster side', () => {
    const trace = traceFunction(
      charge(),
      { unavailable: 'https://git.example.com is unreachable' },
      clusterObjectsOf(demoObjects().filter(o => o.kind === 'Kustomization')),
    );
    expect(states(trace)).toMatchObject({
      'repository-commit': 'unknown',
      image: 'unknown',
      'flux-applied': 'ok',
      revisions: 'ok',
      traffic: 'ok',
    });
    expect(trace.links[1].message).toContain('is unreachable');
  });
});
