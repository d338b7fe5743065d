import http2 from 'node:http2';
import net from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import {
  FIXTURE_CRDS,
  KubeApiServerProcess,
  eventually as eventuallyWithin,
  knativeFunction,
  portalReader,
} from '@internal/atonix-test-servers';
import { testCluster } from '../__testUtils__/testCluster';
import type { CachedObject, WatchedResource } from '../extensions';
import { ClusterWatcher } from './ClusterWatcher';
import { CachedCondition, condition } from './fields';
import { FLUX_RESOURCES } from './resources';

// A real server restarting or relisting on a busy machine takes longer than the default wait.
const eventually = <T>(check: () => T | Promise<T>) =>
  eventuallyWithin(check, 40_000);

jest.setTimeout(240_000);

const knative = (plural: string): WatchedResource => ({
  group: 'serving.knative.dev',
  version: 'v1',
  plural,
  fields: {},
});

const RESOURCES = {
  service: { ...knative('services'), fields: { ready: condition('Ready') } },
  revision: knative('revisions'),
  route: knative('routes'),
  kustomization: FLUX_RESOURCES.kustomization,
};

/**
 * A TCP relay in front of the API server: what the server sees as connections, and the faults of
 * a network between them: every connection cut at once, or frozen (nothing passes, nothing is
 * reset, as when the peer is gone without a word) while new connections still get through.
 */
class Relay {
  readonly #server: net.Server;
  readonly #pairs = new Set<[net.Socket, net.Socket]>();
  accepted = 0;

  static async start(upstreamPort: number): Promise<Relay> {
    const relay = new Relay(upstreamPort);
    await new Promise<void>(resolve =>
      relay.#server.listen(0, '127.0.0.1', resolve),
    );
    return relay;
  }

  private constructor(upstreamPort: number) {
    this.#server = net.createServer(client => {
      this.accepted++;
      const upstream = net.connect(upstreamPort, '127.0.0.1');
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.#pairs.add(pair);
      client.pipe(upstream).pipe(client);
      const end = () => {
        this.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
  }

  get url(): string {
    return `https://127.0.0.1:${
      (this.#server.address() as net.AddressInfo).port
    }`;
  }

  /** Connections open now. */
  get open(): number {
    return this.#pairs.size;
  }

  cut() {
    for (const [client] of this.#pairs) client.destroy();
  }

  freeze() {
    for (const [client, upstream] of this.#pairs) {
      client.unpipe();
      upstream.unpipe();
      client.pause();
      upstream.pause();
    }
  }

  async stop() {
    this.cut();
    await new Promise(resolve => this.#server.close(resolve));
  }
}

describe('ClusterWatcher on a real Kubernetes API server', () => {
  let server: KubeApiServerProcess;
  let relay: Relay;
  let token: string;
  const connects = jest.spyOn(http2, 'connect');
  const lists = jest.spyOn(
    CustomObjectsApi.prototype,
    'listClusterCustomObject',
  );
  const http1Watches = jest.spyOn(Watch.prototype, 'watch');
  const watchers: ClusterWatcher[] = [];

  function watch(url: string, caData: string) {
    const changes: string[] = [];
    const watcher = ClusterWatcher.create({
      cluster: testCluster({
        url,
        serviceAccountToken: token,
        caData: Buffer.from(caData).toString('base64'),
      }),
      logger: mockServices.logger.mock(),
      timing: {
        watchIdleTimeoutMs: 3000,
        listTimeoutMs: 3000,
        retryBaseMs: 200,
        retryMaxMs: 1000,
      },
      resources: RESOURCES,
      onChange: (kind: string, object: CachedObject) =>
        changes.push(`${kind} ${object.name}`),
    });
    watchers.push(watcher);
    return { watcher, changes };
  }

  const untilSynced = (watcher: ClusterWatcher) =>
    eventually(() => {
      const status = watcher.syncStatus();
      if (!status.synced) {
        throw new Error(
          `not synced: ${status.error ?? 'no list answered yet'}`,
        );
      }
    });

  /** The Service's Ready condition as `status` or `status:reason`. */
  const readiness = (watcher: ClusterWatcher, name: string) => {
    const ready = watcher.get('service', 'search', name)?.ready as
      | CachedCondition
      | undefined;
    return ready?.reason ? `${ready.status}:${ready.reason}` : ready?.status;
  };

  beforeAll(async () => {
    server = await KubeApiServerProcess.start({ crds: FIXTURE_CRDS });
    await server.apply(
      ...portalReader(),
      ...knativeFunction({ namespace: 'search', name: 'query' }),
    );
    token = await server.serviceAccountToken('atonix-portal', 'atonix-portal');
    relay = await Relay.start(server.port);
  });

  afterEach(() => jest.clearAllMocks());

  afterAll(async () => {
    await Promise.all(watchers.map(w => w.stop()));
    await relay?.stop();
    await server?.stop();
  });

  describe('over HTTP/2', () => {
    let watcher: ClusterWatcher;
    let changes: string[];

    beforeAll(async () => {
      ({ watcher, changes } = watch(relay.url, server.caData));
      await watcher.start();
      await untilSynced(watcher);
    });

    it("watches all of a cluster's resources as streams of one connection", async () => {
      const connectsBefore = connects.mock.calls.length;
      // Each watch ends after its timeout and is renewed: on the same session, no new connection.
      await new Promise(resolve => setTimeout(resolve, 2500));
      expect(connects.mock.calls.length).toBe(connectsBefore);
      // The server's view: the lists' HTTP/1.1 connections closed once answered, one left open.
      expect(lists).toHaveBeenCalledTimes(Object.keys(RESOURCES).length);
      expect(relay.accepted).toBe(1 + Object.keys(RESOURCES).length);
      await eventually(() => expect(relay.open).toBe(1));
      const session = connects.mock.results.at(-1)!
        .value as http2.ClientHttp2Session;
      expect(session.closed).toBe(false);
      // Client streams have odd ids from 1: a watch per resource, then each renewed.
      const streams = (session.state.nextStreamID! - 1) / 2;
      expect(streams).toBeGreaterThanOrEqual(2 * Object.keys(RESOURCES).length);
      expect(http1Watches).not.toHaveBeenCalled();
    });

    it('delivers additions, changes and deletions', async () => {
      const [service, ...rest] = knativeFunction({
        namespace: 'search',
        name: 'suggest',
      });
      await server.apply(service, ...rest);
      await eventually(() => {
        expect(readiness(watcher, 'suggest')).toBe('True');
        expect(watcher.get('route', 'search', 'suggest')).toBeDefined();
      });
      await server.setStatus(service, {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'RevisionMissing' },
        ],
      });
      await eventually(() =>
        expect(readiness(watcher, 'suggest')).toBe('False:RevisionMissing'),
      );
      await server.delete(service);
      await eventually(() =>
        expect(watcher.get('service', 'search', 'suggest')).toBeUndefined(),
      );
      expect(changes).toEqual(
        expect.arrayContaining(['service suggest', 'route suggest']),
      );
    });

    it('reopens a cut connection and resumes every watch where it was, without relisting or losing a change', async () => {
      const [service] = knativeFunction({ namespace: 'search', name: 'query' });
      relay.cut();
      // Written while no watch is open: only a resume from the last resourceVersion brings it.
      await server.setStatus(service, {
        conditions: [{ type: 'Ready', status: 'False', reason: 'ResumeCheck' }],
      });
      await eventually(() => {
        expect(readiness(watcher, 'query')).toBe('False:ResumeCheck');
        expect(watcher.syncStatus().stale).toBe(false);
      });
      expect(connects).toHaveBeenCalledTimes(1);
      expect(lists).not.toHaveBeenCalled();
      await eventually(() => expect(relay.open).toBe(1));
    });

    it('restarts watches on a new connection when theirs hangs without a reset', async () => {
      const [service] = knativeFunction({ namespace: 'search', name: 'query' });
      relay.freeze();
      await server.setStatus(service, {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'WrittenWhileFrozen' },
        ],
      });
      // The frozen connection answers no PING: it is dropped and the watches go to a new one.
      await eventually(() => {
        expect(readiness(watcher, 'query')).toBe('False:WrittenWhileFrozen');
        expect(watcher.syncStatus().stale).toBe(false);
      });
      expect(connects).toHaveBeenCalledTimes(1);
    });

    it('relists when its resourceVersion is gone after a server restart and an etcd compaction (410 Gone)', async () => {
      await server.setDown(true);
      await eventually(() => expect(watcher.syncStatus().stale).toBe(true));
      await server.setDown(false);
      await server.apply(
        ...knativeFunction({ namespace: 'search', name: 'after-restart' }),
      );
      await server.compact();
      await eventually(() => {
        expect(readiness(watcher, 'after-restart')).toBe('True');
        expect(watcher.syncStatus().stale).toBe(false);
      });
      expect(lists).toHaveBeenCalled();
      expect(connects.mock.calls.length).toBeGreaterThanOrEqual(1);
    });
  });

  it('watches over HTTP/1.1 when the server does not offer HTTP/2', async () => {
    const http1Server = await KubeApiServerProcess.start({
      crds: FIXTURE_CRDS,
      http2: false,
    });
    try {
      await http1Server.apply(
        ...portalReader(),
        ...knativeFunction({ namespace: 'search', name: 'query' }),
      );
      token = await http1Server.serviceAccountToken(
        'atonix-portal',
        'atonix-portal',
      );
      const { watcher } = watch(http1Server.url, http1Server.caData);
      await watcher.start();
      await untilSynced(watcher);
      await http1Server.apply(
        ...knativeFunction({ namespace: 'search', name: 'suggest' }),
      );
      await eventually(() =>
        expect(readiness(watcher, 'suggest')).toBe('True'),
      );
      expect(connects).not.toHaveBeenCalled();
      expect(http1Watches).toHaveBeenCalled();
      await watcher.stop();
    } finally {
      await http1Server.stop();
    }
  });
});
