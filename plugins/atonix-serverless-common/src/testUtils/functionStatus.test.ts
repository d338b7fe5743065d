import { functionStatus } from './functionStatus';

describe('functionStatus', () => {
  it('derives team and owner from the namespace, as the inventory does', () => {
    const status = functionStatus({ namespace: 'search', name: 'indexer' });
    expect(status).toMatchObject({
      namespace: 'search',
      team: 'search',
      owner: 'group:default/search',
      name: 'indexer',
      runtime: 'knative',
      ready: 'True',
    });
  });

  it('keeps an explicit team and owner', () => {
    const status = functionStatus({
      namespace: 'openfaas-fn',
      team: 'media',
      runtime: 'openfaas',
      owner: 'group:default/platform',
    });
    expect(status.team).toBe('media');
    expect(status.owner).toBe('group:default/platform');
  });
});
