import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  Watch,
  makeInformer,
} from '@kubernetes/client-node';
import { eventually } from '../eventually';
import { KubeApiTestServer } from './KubeApiTestServer';
import { knativeFunction, teamNamespace } from '../fixtures/objects';

function kubeConfigFor(server: KubeApiTestServer) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'test', token: 'test' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
    currentContext: 'test',
  });
  return kc;
}

describe('KubeApiTestServer', () => {
  let server: KubeApiTestServer;
  let kc: KubeConfig;

  beforeEach(async () => {
    server = await KubeApiTestServer.start({ bookmarkIntervalMs: 50 });
    server.apply(
      teamNamespace('payments'),
      teamNamespace('search'),
      ...knativeFunction({ namespace: 'payments', name: 'charge' }),
      ...knativeFunction({
        namespace: 'search',
        name: 'indexer',
        critical: true,
      }),
    );
    kc = kubeConfigFor(server);
  });

  afterEach(() => server.stop());

  it('lists custom resources cluster-wide and per namespace, with label selectors', async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const all = await api.listClusterCustomObject({
      group: 'serving.knative.dev',
      version: 'v1',
      plural: 'services',
    });
    expect(all.kind).toBe('ServiceList');
    expect(
      all.items.map((s: KubernetesObject) => s.metadata?.name).sort(),
    ).toEqual(['charge', 'indexer']);
    expect(Number(all.metadata.resourceVersion)).toBeGreaterThan(1);

    const inSearch = await api.listNamespacedCustomObject({
      group: 'serving.knative.dev',
      version: 'v1',
      namespace: 'search',
      plural: 'revisions',
    });
    expect(
      inSearch.items.map((r: KubernetesObject) => r.metadata?.name),
    ).toEqual(['indexer-00001']);

    const critical = await api.listClusterCustomObject({
      group: 'serving.knative.dev',
      version: 'v1',
      plural: 'services',
      labelSelector:
        'atonix.io/critical=true,atonix.io/team in (search,payments)',
    });
    expect(
      critical.items.map((s: KubernetesObject) => s.metadata?.name),
    ).toEqual(['indexer']);
  });

  it('answers a missing object with a NotFound Status body', async () => {
    const res = await fetch(
      `${server.url}/apis/serving.knative.dev/v1/namespaces/payments/services/nope`,
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      code: 404,
    });
  });

  it('feeds an informer: list, then watch events from the listed resourceVersion', async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer(
      kc,
      '/apis/serving.knative.dev/v1/services',
      () =>
        api.listClusterCustomObject({
          group: 'serving.knative.dev',
          version: 'v1',
          plural: 'services',
        }),
    );
    const seen: string[] = [];
    informer.on('add', o => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', o => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', o => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await eventually(() => expect(informer.list()).toHaveLength(2));

    server.update(
      'serving.knative.dev/v1',
      'Service',
      'payments',
      'charge',
      s => {
        (s.status as any).conditions[1].status = 'False';
      },
    );
    server.delete('serving.knative.dev/v1', 'Service', 'search', 'indexer');
    await eventually(() =>
      expect(seen).toEqual(
        expect.arrayContaining(['update charge', 'delete indexer']),
      ),
    );
    expect(
      (informer.get('charge', 'payments') as any).status.conditions[1].status,
    ).toBe('False');
    await informer.stop();
  });

  it('sends BOOKMARK events to watches that allow them', async () => {
    const types: string[] = [];
    const controller = await new Watch(kc).watch(
      '/apis/serving.knative.dev/v1/services',
      { resourceVersion: server.resourceVersion, allowWatchBookmarks: true },
      type => types.push(type),
      () => {},
    );
    await eventually(() => expect(types).toContain('BOOKMARK'));
    controller.abort();
  });

  it('answers a watch from a compacted resourceVersion with 410 Expired, and the informer relists', async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    let lists = 0;
    const informer = makeInformer(
      kc,
      '/apis/serving.knative.dev/v1/services',
      () => {
        lists++;
        return api.listClusterCustomObject({
          group: 'serving.knative.dev',
          version: 'v1',
          plural: 'services',
        });
      },
    );
    await informer.start();
    await eventually(() => expect(informer.list()).toHaveLength(2));

    const stale = server.resourceVersion;
    server.apply(...knativeFunction({ namespace: 'payments', name: 'refund' }));
    server.compactHistory();
    const events: any[] = [];
    await new Watch(kc).watch(
      '/apis/serving.knative.dev/v1/services',
      { resourceVersion: stale },
      (type, object) => events.push({ type, object }),
      () => {},
    );
    await eventually(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });

    await eventually(() => expect(informer.list()).toHaveLength(3));
    expect(lists).toBe(2);
    await informer.stop();
  });

  it('injects faults: 500 with a Status body, and a server that is down then back', async () => {
    server.setFaults({ error500: true });
    const res = await fetch(`${server.url}/api/v1/namespaces`);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ kind: 'Status', code: 500 });
    server.setFaults({});

    await server.setDown(true);
    await expect(fetch(`${server.url}/api/v1/namespaces`)).rejects.toThrow();
    await server.setDown(false);
    const back = await fetch(`${server.url}/api/v1/namespaces`);
    expect((await back.json()).items).toHaveLength(2);
  });
});
