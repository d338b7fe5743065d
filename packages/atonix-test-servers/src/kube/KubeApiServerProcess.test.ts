import { CoreV1Api, CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { KubeApiServerProcess } from './KubeApiServerProcess';
import {
  FIXTURE_CRDS,
  knativeFunction,
  teamNamespace,
} from '../fixtures/objects';

jest.setTimeout(120_000);

describe('KubeApiServerProcess', () => {
  let server: KubeApiServerProcess;

  beforeAll(async () => {
    server = await KubeApiServerProcess.start({
      users: [{ name: 'stranger' }],
      crds: FIXTURE_CRDS,
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves the Kubernetes API over TLS to a client that trusts its CA, with RBAC on', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map(ns => ns.metadata?.name)).toContain(
      'kube-system',
    );

    const stranger = server
      .kubeConfig({ user: 'stranger' })
      .makeApiClient(CoreV1Api);
    await expect(stranger.listNamespace()).rejects.toMatchObject({
      code: 403,
    });
  });

  it('installs the CRDs of Knative, so a Knative Service is stored with its status', async () => {
    const [service] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });
    await server.apply(teamNamespace('payments'), service);
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const stored = await custom.getNamespacedCustomObject({
      group: 'serving.knative.dev',
      version: 'v1',
      namespace: 'payments',
      plural: 'services',
      name: 'charge',
    });
    expect(stored.metadata.uid).toBeTruthy();
    expect(stored.status.conditions).toEqual(
      (service as any).status.conditions,
    );
  });

  it('refuses a field the upstream schema does not have', async () => {
    const [service] = knativeFunction({ namespace: 'payments', name: 'typo' });
    await expect(
      server.apply({
        ...service,
        spec: { ...(service as any).spec, trafic: [] },
      } as any),
    ).rejects.toThrow(/trafic/);
  });

  it('answers 410 Gone to a watch from before a compaction', async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const before = (await core.listNamespace()).metadata!.resourceVersion!;
    await server.apply(teamNamespace('analytics'));
    await server.apply(teamNamespace('search'));
    // A restart empties the watch cache; the compaction removes the history etcd could serve from.
    await server.setDown(true);
    await server.setDown(false);
    await server.apply(teamNamespace('marketing'));
    await server.compact();

    const watched = await new Promise<{ type: string; code?: number }>(
      (resolve, reject) => {
        new Watch(server.kubeConfig())
          .watch(
            '/api/v1/namespaces',
            { resourceVersion: before },
            (type, object) => resolve({ type, code: object?.code }),
            error => (error ? reject(error) : undefined),
          )
          .catch(reject);
      },
    );
    expect(watched).toEqual({ type: 'ERROR', code: 410 });
  });

  it('keeps its objects when stopped and started again on the same port', async () => {
    await server.setDown(true);
    expect(server.isDown).toBe(true);
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    await expect(core.listNamespace()).rejects.toThrow(/ECONNREFUSED/);
    await server.setDown(false);
    const names = (await core.listNamespace()).items.map(
      ns => ns.metadata?.name,
    );
    expect(names).toEqual(expect.arrayContaining(['payments', 'analytics']));
  });
});
