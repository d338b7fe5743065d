import { mockServices } from '@backstage/backend-test-utils';
import {
  FIXTURE_CRDS,
  KubeApiServerProcess,
  demoObjects,
  knativeFunction,
  portalReader,
  eventually as eventuallyWithin,
} from '@internal/atonix-test-servers';
import { FunctionDetails } from '@internal/backstage-plugin-atonix-serverless-common';
import { testCluster } from '../__testUtils__/testCluster';
import { AtonixCluster } from '../clusters';
import { FunctionInventory } from './FunctionInventory';

const logger = mockServices.logger.mock();

// A real server restarting or relisting on a busy machine takes longer than the default wait.
const eventually = <T>(check: () => T | Promise<T>) =>
  eventuallyWithin(check, 30_000);

function clusterAt(server: KubeApiServerProcess, token: string): AtonixCluster {
  return testCluster({
    url: server.url,
    serviceAccountToken: token,
    caData: Buffer.from(server.caData).toString('base64'),
  });
}

async function inventoryOf(cluster: AtonixCluster) {
  return FunctionInventory.create({
    clusters: [cluster],
    logger,
    timing: {
      watchIdleTimeoutMs: 4000,
      retryBaseMs: 100,
      retryMaxMs: 1000,
      listTimeoutMs: 5000,
    },
    auth: mockServices.auth(),
  });
}

jest.setTimeout(180_000);

describe('FunctionInventory on a real Kubernetes API server', () => {
  let server: KubeApiServerProcess;
  let inventory: FunctionInventory;

  const byName = (name: string): FunctionDetails => {
    const fn = inventory.all().find(f => f.name === name);
    if (!fn) throw new Error(`${name} is not in the inventory`);
    return fn;
  };

  beforeAll(async () => {
    server = await KubeApiServerProcess.start({
      users: [{ name: 'nobody' }],
      crds: FIXTURE_CRDS,
    });
    await server.apply(...portalReader(), ...demoObjects());
    inventory = await inventoryOf(
      clusterAt(
        server,
        await server.serviceAccountToken('atonix-portal', 'atonix-portal'),
      ),
    );
    const expected = demoObjects()
      .filter(o =>
        ['serving.knative.dev/v1/Service', 'openfaas.com/v1/Function'].includes(
          `${o.apiVersion}/${o.kind}`,
        ),
      )
      .map(o => o.metadata.name)
      .sort()
      .join();
    await eventually(() => {
      const listed = inventory
        .all()
        .map(f => f.name)
        .sort()
        .join();
      if (!inventory.clusterStatuses()[0].synced || listed !== expected) {
        throw new Error(`listed ${listed}, waiting for ${expected}`);
      }
    });
  });

  afterAll(async () => {
    await inventory?.stop();
    await server?.stop();
  });

  it("reads every function with the portal's read-only ServiceAccount from gitops/", () => {
    expect(inventory.clusterStatuses()[0]).toMatchObject({
      synced: true,
      stale: false,
    });
    expect(byName('charge')).toMatchObject({
      namespace: 'payments',
      runtime: 'knative',
      ready: 'True',
      latestReadyRevision: 'charge-00003',
      traffic: [
        { revisionName: 'charge-00003', percent: 90 },
        { revisionName: 'charge-00002', percent: 10, tag: 'previous' },
      ],
      flux: { kustomization: 'functions-payments', ready: 'True' },
    });
    expect(byName('refund').scaledToZero).toBe(true);
    expect(byName('invoice-pdf').ready).toBe('False');
    expect(byName('on-order-created').triggers.length).toBeGreaterThan(0);
  });

  it('shows a status a controller writes through the status subresource, and a deletion', async () => {
    const [refund] = knativeFunction({ namespace: 'payments', name: 'refund' });
    await server.setStatus(refund, {
      ...(refund as any).status,
      conditions: [
        {
          type: 'ConfigurationsReady',
          status: 'False',
          reason: 'RevisionFailed',
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'RevisionMissing',
          message: 'Configuration "refund" does not have any ready Revision.',
        },
        { type: 'RoutesReady', status: 'True' },
      ],
    });
    await eventually(() =>
      expect(byName('refund').reason).toBe('RevisionMissing'),
    );
    await server.delete(refund);
    await eventually(() =>
      expect(inventory.all().map(f => f.name)).not.toContain('refund'),
    );
  });

  it('serves the last known state, marked stale, while the API server is stopped; after a restart and an etcd compaction it relists (410 Gone) and is current again', async () => {
    await server.setDown(true);
    const stale = await eventually(() => {
      const fn = byName('charge');
      expect(fn.stale).toBe(true);
      return fn;
    });
    expect(stale.ready).toBe('True');
    expect(inventory.clusterStatuses()[0].error).toMatch(/ECONNREFUSED/);

    await server.setDown(false);
    await server.apply(
      ...knativeFunction({ namespace: 'search', name: 'after-restart' }),
    );
    await server.compact();
    await eventually(() => {
      expect(byName('after-restart').stale).toBe(false);
      expect(inventory.clusterStatuses()[0]).toMatchObject({
        synced: true,
        stale: false,
      });
    });
  });

  it('says what the API server forbade when the credentials lack the RBAC to watch', async () => {
    const unauthorized = await inventoryOf(
      clusterAt(server, server.tokenOf('nobody')),
    );
    try {
      const status = await eventually(() => {
        const [cluster] = unauthorized.clusterStatuses();
        expect(cluster.error).toMatch(/403/);
        return cluster;
      });
      expect(status.error).toMatch(/forbidden/i);
      expect(status.synced).toBe(false);
      expect(unauthorized.all()).toEqual([]);
    } finally {
      await unauthorized.stop();
    }
  });
});
