import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KubeApiTestServer,
  demoObjects,
  knativeFunction,
  eventually,
} from '@internal/atonix-test-servers';
import {
  FUNCTION_PLACEMENTS_TOPIC,
  FunctionDetails,
  FunctionFleetMetrics,
  FunctionPlacementsEvent,
  FunctionSortKey,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import { testCluster } from '../__testUtils__/testCluster';
import { AtonixCluster } from '../clusters';
import { FleetMetricsView } from '../prometheus/FleetMetrics';
import { knativeRuntime } from '../runtimes';
import { Interner } from './cachedObject';
import { FunctionInventory } from './FunctionInventory';

const logger = mockServices.logger.mock();

function clusterAt(server: KubeApiTestServer): AtonixCluster {
  return testCluster({
    url: server.url,
    serviceAccountToken: 'test-token',
    skipTLSVerify: true,
    openfaasGateway: 'https://gateway.example.com',
  });
}

/** Changes a Knative Service on `server`. */
function updateService(
  server: KubeApiTestServer,
  namespace: string,
  name: string,
  change: Parameters<KubeApiTestServer['update']>[4],
) {
  server.update('serving.knative.dev/v1', 'Service', namespace, name, change);
}

/** Gives a Knative Service another `backstage.io/kubernetes-id` label. */
const relabel =
  (kubernetesId: string): Parameters<typeof updateService>[3] =>
  service => {
    service.metadata!.labels!['backstage.io/kubernetes-id'] = kubernetesId;
  };

/** Sets a Knative Service's Ready condition to False. */
const notReady: Parameters<typeof updateService>[3] = service => {
  const conditions = (service.status as any).conditions;
  conditions.find((c: { type: string }) => c.type === 'Ready').status = 'False';
};

jest.setTimeout(30_000);

// Derivation, listing and the faults a real API server cannot be made to show on demand (hangs,
// 500s, dropped watches, fast bookmarks), on the fault server. List/watch against the real API
// server, its status subresource, RBAC, a stop and restart and a 410 after compaction are in
// FunctionInventory.apiserver.test.ts.
describe('FunctionInventory', () => {
  let server: KubeApiTestServer;
  let inventory: FunctionInventory;

  const byName = (name: string): FunctionDetails => {
    const fn = inventory.all().find(f => f.name === name);
    if (!fn) throw new Error(`${name} is not in the inventory`);
    return fn;
  };

  /** The function, once the inventory has linked it to its catalog entity of the same name. */
  const linkedByName = (name: string) =>
    eventually(() => {
      const fn = byName(name);
      expect(fn.entityRef).toBe(`component:default/${name}`);
      return fn;
    });

  beforeEach(async () => {
    server = await KubeApiTestServer.start({ bookmarkIntervalMs: 100 });
    server.apply(
      ...demoObjects(),
      ...knativeFunction({
        namespace: 'payments',
        name: 'leaky',
        env: [
          {
            name: 'GITHUB_TOKEN',
            value: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
          },
          { name: 'LOG_LEVEL', value: 'debug' },
          {
            name: 'DB_PASSWORD',
            valueFrom: { secretKeyRef: { name: 'db', key: 'password' } },
          },
        ],
      }),
    );
    inventory = await FunctionInventory.create({
      clusters: [clusterAt(server)],
      logger,
      timing: {
        // Short enough for the hang tests, long enough that a busy CI machine does not look hung.
        watchIdleTimeoutMs: 2000,
        retryBaseMs: 50,
        retryMaxMs: 300,
        listTimeoutMs: 1000,
      },
      catalog: catalogServiceMock({
        entities: [
          functionEntity('charge', 'group:default/payments-core'),
          // As the catalog module writes a function entity: the namespace annotation is the team.
          functionEntity('thumbnail', 'group:default/search', {
            'backstage.io/kubernetes-namespace': 'search',
            'atonix.io/team': 'search',
          }),
          // Another team's function of the same name.
          functionEntity('payments-thumbnail', 'group:default/payments', {
            'backstage.io/kubernetes-id': 'thumbnail',
            'backstage.io/kubernetes-namespace': 'payments',
            'atonix.io/team': 'payments',
          }),
        ],
      }),
      auth: mockServices.auth(),
    });
    await eventually(() => {
      if (
        !inventory.clusterStatuses()[0].synced ||
        inventory.all().length < 7
      ) {
        throw new Error('the inventory has not listed the test cluster yet');
      }
    });
  });

  afterEach(async () => {
    await inventory.stop();
    await server.stop();
  });

  it('derives a Knative function with a traffic split, replicas, autoscaling, Flux and its catalog entity', async () => {
    const charge = await linkedByName('charge');
    expect(charge).toMatchObject({
      cluster: 'staging',
      namespace: 'payments',
      team: 'payments',
      runtime: 'knative',
      ready: 'True',
      url: 'http://charge.payments.example.com',
      latestCreatedRevision: 'charge-00003',
      latestReadyRevision: 'charge-00003',
      traffic: [
        { revisionName: 'charge-00003', percent: 90, latest: false },
        {
          revisionName: 'charge-00002',
          percent: 10,
          tag: 'previous',
          latest: false,
        },
      ],
      replicas: { desired: 3, actual: 3 },
      scaledToZero: false,
      critical: true,
      autoscaling: {
        class: 'kpa.autoscaling.knative.dev',
        metric: 'rps',
        target: 100,
        minScale: 1,
        maxScale: 50,
        initialScale: 1,
      },
      flux: {
        kustomization: 'functions-payments',
        namespace: 'flux-system',
        ready: 'True',
        revision: 'main@sha1:4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
      },
      owner: 'group:default/payments-core',
      stale: false,
    });
    expect(
      charge.revisions.map(r => [r.name, r.trafficPercent, r.actualReplicas]),
    ).toEqual([
      ['charge-00003', 90, 2],
      ['charge-00002', 10, 1],
      ['charge-00001', 0, 0],
    ]);
  });

  it('tells scaled to zero from broken, and reports why a function is not ready', () => {
    expect(byName('refund')).toMatchObject({
      ready: 'True',
      scaledToZero: true,
      replicas: { actual: 0 },
    });
    // No entity names refund: not linked, and no owner guessed from its team.
    expect(byName('refund')).not.toHaveProperty('owner');
    expect(byName('refund').notLinked).toBe(
      'Not linked yet: no catalog entity has backstage.io/kubernetes-id: refund, so its owner is unknown',
    );
    expect(byName('invoice-pdf')).toMatchObject({
      ready: 'False',
      reason: 'RevisionFailed',
      scaledToZero: false,
      latestCreatedRevision: 'invoice-pdf-00002',
      latestReadyRevision: 'invoice-pdf-00001',
    });
    expect(byName('invoice-pdf').message).toContain('Back-off pulling image');
    expect(byName('indexer').flux).toMatchObject({ ready: 'False' });
  });

  it('lists the triggers and event sources that feed a function', () => {
    expect(byName('on-order-created').triggers).toEqual([
      {
        kind: 'Trigger',
        name: 'on-order-created',
        broker: 'default',
        filters: { type: 'com.atonixcorp.order.created' },
        ready: 'True',
      },
      {
        kind: 'RabbitmqSource',
        name: 'orders-queue',
        broker: 'default',
        source: 'orders',
        ready: 'True',
      },
    ]);
    expect(byName('indexer').triggers).toEqual([
      {
        kind: 'KafkaSource',
        name: 'catalog-changes',
        source: 'catalog.changes',
        ready: 'True',
      },
    ]);
  });

  it('derives an OpenFaaS function from its Function and Deployment', () => {
    expect(byName('thumbnail')).toMatchObject({
      runtime: 'openfaas',
      namespace: 'openfaas-fn',
      team: 'search',
      ready: 'True',
      url: 'https://gateway.example.com/function/thumbnail',
      replicas: { desired: 1, actual: 1 },
      autoscaling: {
        class: 'openfaas',
        metric: 'rps',
        target: 50,
        minScale: 0,
        maxScale: 20,
      },
    });
  });

  it('links an OpenFaaS function to its entity by team and name, although it runs in openfaas-fn', async () => {
    const thumbnail = await linkedByName('thumbnail');
    expect(thumbnail).toMatchObject({
      namespace: 'openfaas-fn',
      team: 'search',
      owner: 'group:default/search',
    });
    expect(inventory.list({ runtime: ['openfaas'] }).items[0].entityRef).toBe(
      'component:default/thumbnail',
    );
    // The entity's Serverless tab: its namespace annotation names the team.
    expect(
      inventory.forKubernetesId('thumbnail', 'search').map(f => f.name),
    ).toEqual(['thumbnail']);
    expect(
      inventory.forKubernetesId('thumbnail', 'openfaas-fn').map(f => f.name),
    ).toEqual(['thumbnail']);
    expect(inventory.forKubernetesId('thumbnail', 'payments')).toEqual([]);
    // Knative functions run in their team's namespace and match only there.
    expect(inventory.forKubernetesId('charge', 'search')).toEqual([]);
  });

  it('never returns a secret: references stay references, literal secrets are redacted', () => {
    expect(byName('leaky').env).toEqual([
      { name: 'GITHUB_TOKEN', redacted: true },
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DB_PASSWORD', secretKeyRef: { name: 'db', key: 'password' } },
    ]);
    expect(JSON.stringify(inventory.all())).not.toContain(
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    );
  });

  it('filters, sorts and pages the fleet list', () => {
    const page = inventory.list({
      team: ['payments'],
      sort: 'name',
      order: 'desc',
      limit: 2,
      offset: 1,
    });
    expect(page.totalCount).toBe(5);
    expect(page.items.map(f => f.name)).toEqual(['on-order-created', 'leaky']);
    expect(page.items[0]).not.toHaveProperty('env');
    expect(
      inventory.list({ scaledToZero: true }).items.map(f => f.name),
    ).toEqual(['refund']);
    expect(
      inventory.list({ health: ['notReady'] }).items.map(f => f.name),
    ).toEqual(['invoice-pdf']);
    expect(
      inventory.list({ runtime: ['openfaas'] }).items.map(f => f.name),
    ).toEqual(['thumbnail']);
  });

  it('sorts by request rate, error rate and p95 from the fleet metrics, functions without a figure last', () => {
    let figures: Record<string, FunctionFleetMetrics> = {
      charge: {
        requestRate: 10,
        errorRate: 0.2,
        p95LatencyMs: 60,
        coldStarts1h: 0,
        coldStartP95Ms: null,
      },
      refund: {
        requestRate: 0.5,
        errorRate: 0,
        p95LatencyMs: 150,
        coldStarts1h: 2,
        coldStartP95Ms: 2400,
      },
      'invoice-pdf': {
        requestRate: 2,
        errorRate: null,
        p95LatencyMs: null,
        coldStarts1h: null,
        coldStartP95Ms: null,
      },
    };
    const view = (version: number): FleetMetricsView => ({
      version,
      of: (_cluster, fn) =>
        figures[fn.name] ?? {
          requestRate: null,
          errorRate: null,
          p95LatencyMs: null,
          coldStarts1h: null,
          coldStartP95Ms: null,
        },
    });
    const names = (
      sort: FunctionSortKey,
      order: 'asc' | 'desc',
      metrics: FleetMetricsView = view(1),
    ) =>
      inventory
        .list({ team: ['payments'], sort, order }, undefined, metrics)
        .items.map(f => f.name);
    const withoutFigures = ['leaky', 'on-order-created'];
    expect(names('requestRate', 'desc')).toEqual([
      'charge',
      'invoice-pdf',
      'refund',
      ...withoutFigures,
    ]);
    expect(names('requestRate', 'asc')).toEqual([
      'refund',
      'invoice-pdf',
      'charge',
      ...withoutFigures,
    ]);
    expect(names('errorRate', 'desc')).toEqual([
      'charge',
      'refund',
      'invoice-pdf',
      ...withoutFigures,
    ]);
    expect(names('p95', 'asc')).toEqual([
      'charge',
      'refund',
      'invoice-pdf',
      ...withoutFigures,
    ]);
    expect(
      inventory.list({ search: 'charge' }, undefined, view(1)).items[0].metrics,
    ).toEqual(figures.charge);

    // A new snapshot re-sorts, although the functions themselves did not change.
    figures = {
      ...figures,
      leaky: {
        requestRate: 50,
        errorRate: 0,
        p95LatencyMs: 5,
        coldStarts1h: 0,
        coldStartP95Ms: null,
      },
    };
    expect(names('requestRate', 'desc', view(2))).toEqual([
      'leaky',
      'charge',
      'invoice-pdf',
      'refund',
      'on-order-created',
    ]);

    const down: FleetMetricsView = {
      version: 3,
      of: () => ({ unavailable: 'Prometheus is unreachable' }),
    };
    const page = inventory.list(
      { team: ['payments'], sort: 'p95' },
      undefined,
      down,
    );
    expect(page.items.map(f => f.name)).toEqual([
      'charge',
      'invoice-pdf',
      'leaky',
      'on-order-created',
      'refund',
    ]);
    expect(page.items[0].metrics).toEqual({
      unavailable: 'Prometheus is unreachable',
    });

    // A caller who may not read the metrics of refund and invoice-pdf: their figures are not shown,
    // and a sort on them places both among the functions without figures, in name order, whatever
    // their hidden figures are (else the order would give away which one has more traffic).
    const hidden = {
      visible: (fn: { name: string }) =>
        !['refund', 'invoice-pdf'].includes(fn.name),
      reason: 'not yours',
    };
    const unknownByName = ['invoice-pdf', 'on-order-created', 'refund'];
    for (const [order, shown] of [
      ['asc', ['charge', 'leaky']],
      ['desc', ['leaky', 'charge']],
    ] as const) {
      const sorted = inventory.list(
        { team: ['payments'], sort: 'requestRate', order },
        undefined,
        view(4),
        hidden,
      );
      expect(sorted.items.map(f => f.name)).toEqual([
        ...shown,
        ...unknownByName,
      ]);
      expect(sorted.items[2].metrics).toEqual({ unavailable: 'not yours' });
    }
    // The cached, unrestricted order is not disturbed by a restricted caller's sort.
    expect(names('requestRate', 'desc', view(4))[2]).toBe('invoice-pdf');
    expect(names('requestRate', 'asc', view(4))).toEqual([
      'refund',
      'invoice-pdf',
      'charge',
      'leaky',
      'on-order-created',
    ]);
  });

  it('lists a cluster larger than one page of the API server’s answer', async () => {
    const before = inventory.all().length;
    server.apply(
      ...Array.from({ length: 1_100 }, (_, i) =>
        knativeFunction({ namespace: 'bulk', name: `fn-${i}` }),
      ).flat(),
    );
    const large = await FunctionInventory.create({
      clusters: [clusterAt(server)],
      logger,
    });
    try {
      await eventually(() => {
        expect(large.clusterStatuses()[0].synced).toBe(true);
        expect(large.all()).toHaveLength(before + 1_100);
      });
      expect(large.get('staging', 'bulk', 'fn-1099')?.revisions).toHaveLength(
        1,
      );
    } finally {
      await large.stop();
    }
  });

  it('lists many clusters at start with at most 16 list pages in flight at once', async () => {
    const slow = await KubeApiTestServer.start();
    slow.apply(...knativeFunction({ namespace: 'team-a', name: 'one' }));
    slow.setFaults({ delayMs: 20 });
    // 30 clusters (all at one API server) × every watched resource: hundreds of lists at start.
    const clusters = Array.from({ length: 30 }, (_, i) => ({
      ...clusterAt(slow),
      name: `c-${i}`,
    }));
    const many = await FunctionInventory.create({ clusters, logger });
    try {
      await eventually(() => {
        expect(many.clusterStatuses().every(c => c.synced)).toBe(true);
        expect(many.all()).toHaveLength(30);
      }, 20_000);
      expect(slow.maxReadsInFlight).toBeGreaterThan(1);
      expect(slow.maxReadsInFlight).toBeLessThanOrEqual(16);
    } finally {
      await many.stop();
      await slow.stop();
    }
  });

  it('keeps a named caller view’s rows until a function changes, and never serves them to another view', async () => {
    const names = (team: string) =>
      inventory
        .list({}, fn => fn.team === team, undefined, undefined, `team ${team}`)
        .items.map(f => f.name);
    const payments = names('payments');

    expect(payments).toContain('refund');
    expect(names('search')).toEqual(
      inventory
        .all()
        .filter(f => f.team === 'search')
        .map(f => f.name)
        .sort(),
    );
    expect(names('payments')).toEqual(payments);

    server.delete('serving.knative.dev/v1', 'Service', 'payments', 'refund');
    await eventually(() => {
      expect(names('payments')).toEqual(payments.filter(n => n !== 'refund'));
    });
  });

  it('finds an entity’s functions as they are relabelled and deleted', async () => {
    expect(inventory.forKubernetesId('refund').map(f => f.name)).toEqual([
      'refund',
    ]);

    updateService(server, 'payments', 'refund', relabel('refunds'));
    await eventually(() => {
      expect(inventory.forKubernetesId('refunds').map(f => f.name)).toEqual([
        'refund',
      ]);
    });
    expect(inventory.forKubernetesId('refund')).toEqual([]);

    server.delete('serving.knative.dev/v1', 'Service', 'payments', 'refund');
    await eventually(() => {
      expect(inventory.forKubernetesId('refunds')).toEqual([]);
    });
    expect(inventory.forKubernetesId('charge').map(f => f.name)).toEqual([
      'charge',
    ]);
  });

  it('finds every function an entity describes when several share its kubernetes-id', async () => {
    updateService(server, 'payments', 'invoice-pdf', relabel('charge'));
    await eventually(() => {
      expect(
        inventory
          .forKubernetesId('charge')
          .map(f => f.name)
          .sort(),
      ).toEqual(['charge', 'invoice-pdf']);
    });

    server.delete('serving.knative.dev/v1', 'Service', 'payments', 'charge');
    await eventually(() => {
      expect(inventory.forKubernetesId('charge').map(f => f.name)).toEqual([
        'invoice-pdf',
      ]);
    });
    server.delete(
      'serving.knative.dev/v1',
      'Service',
      'payments',
      'invoice-pdf',
    );
    await eventually(() => {
      expect(inventory.forKubernetesId('charge')).toEqual([]);
    });
  });

  it('keeps one frozen copy of the parts functions have alike, and apart what differs', () => {
    // The statuses the inventory keeps, as the fleet list returns them (details are derived anew).
    const kept = (name: string) =>
      inventory.list({ search: name }).items.find(f => f.name === name)!;
    const refund = kept('refund');
    const invoice = kept('invoice-pdf');
    const indexer = kept('indexer');

    // One Kustomization, one Flux status; the same autoscaling settings and no triggers.
    expect(refund.flux).toBe(invoice.flux);
    expect(refund.autoscaling).toBe(indexer.autoscaling);
    expect(refund.triggers).toBe(invoice.triggers);
    expect(Object.isFrozen(refund.flux)).toBe(true);
    expect(Object.isFrozen(refund.autoscaling)).toBe(true);
    // search's Kustomization fails; charge is critical (min-scale 1); indexer has a Kafka source.
    expect(indexer.flux).toMatchObject({ ready: 'False' });
    expect(refund.flux).toMatchObject({ ready: 'True' });
    expect(kept('charge').autoscaling.minScale).toBe(1);
    expect(refund.autoscaling.minScale).toBe(0);
    expect(indexer.triggers).toHaveLength(1);
    expect(refund.triggers).toEqual([]);
  });

  it('follows shared objects: a failing Kustomization or Broker shows on the functions that use them', async () => {
    server.update(
      'kustomize.toolkit.fluxcd.io/v1',
      'Kustomization',
      'flux-system',
      'functions-payments',
      kustomization => {
        (kustomization.status as any).conditions[0] = {
          type: 'Ready',
          status: 'False',
          reason: 'HealthCheckFailed',
          message: 'health check failed after 2m0s',
        };
      },
    );
    server.delete('eventing.knative.dev/v1', 'Broker', 'payments', 'default');
    await eventually(() => {
      expect(byName('charge').flux).toMatchObject({
        ready: 'False',
        message: 'health check failed after 2m0s',
      });
      expect(byName('on-order-created').triggers[0]).toMatchObject({
        kind: 'Trigger',
        ready: 'Unknown',
        reason: 'BrokerNotReady',
      });
    });
    expect(byName('indexer').flux?.ready).toBe('False');
  });

  it('keeps a quiet cluster fresh: bookmarks and watch timeouts show the watches are alive', async () => {
    // Nothing changes for 2.5 idle timeouts; only bookmarks (every 100 ms) arrive.
    await new Promise(resolve => setTimeout(resolve, 5000));
    expect(inventory.clusterStatuses()[0]).toMatchObject({
      synced: true,
      stale: false,
    });
    expect(byName('charge').stale).toBe(false);
  });

  it('resumes after dropped watches and relists after 410 Gone', async () => {
    server.dropWatches();
    server.apply(
      ...knativeFunction({ namespace: 'search', name: 'after-drop' }),
    );
    await eventually(() => byName('after-drop'));

    server.compactHistory();
    server.apply(
      ...knativeFunction({ namespace: 'search', name: 'after-compaction' }),
    );
    await eventually(() => byName('after-compaction'));
    expect(inventory.clusterStatuses()[0]).toMatchObject({
      synced: true,
      stale: false,
    });
  });

  it('restarts a watch that hangs and marks the state stale meanwhile', async () => {
    server.setFaults({ delayMs: 60_000 });
    server.dropWatches();
    await eventually(() => expect(byName('charge').stale).toBe(true));
    // Long enough for restarted watches to hang again (the idle timeout is 2 s here).
    await new Promise(resolve => setTimeout(resolve, 5000));
    expect(byName('charge')).toMatchObject({ stale: true, ready: 'True' });
    server.setFaults({});
    server.apply(
      ...knativeFunction({ namespace: 'search', name: 'after-hang' }),
    );
    await eventually(() => expect(byName('after-hang').stale).toBe(false));
  });

  it('answers 500s with retries and keeps the last known state', async () => {
    server.setFaults({ error500: true });
    server.dropWatches();
    await eventually(() =>
      expect(inventory.clusterStatuses()[0].error).toContain('500'),
    );
    expect(byName('charge').stale).toBe(true);
    server.setFaults({});
    await eventually(() => expect(byName('charge').stale).toBe(false));
  });
});

describe('FunctionInventory on a cluster without OpenFaaS or Kafka sources', () => {
  afterEach(() => jest.restoreAllMocks());

  it('treats resources whose CRDs are not installed as empty, not as errors', async () => {
    const forget = jest.spyOn(Interner.prototype, 'forget');
    const server = await KubeApiTestServer.start({
      withoutResources: [
        'functions.openfaas.com',
        'kafkasources.sources.knative.dev',
      ],
    });
    server.apply(...knativeFunction({ namespace: 'payments', name: 'charge' }));
    const inventory = await FunctionInventory.create({
      clusters: [clusterAt(server)],
      logger,
      timing: { retryBaseMs: 50, retryMaxMs: 300 },
    });
    try {
      await eventually(() =>
        expect(inventory.clusterStatuses()[0]).toMatchObject({
          synced: true,
          stale: false,
        }),
      );
      expect(inventory.list({}).items.map(f => f.name)).toEqual(['charge']);
      expect(inventory.clusterStatuses()[0].error).toBeUndefined();
      // The interner's tables are emptied once every resource has listed or is known absent, not
      // at every check for the missing CRDs again (every 300 ms here).
      await new Promise(resolve => setTimeout(resolve, 700));
      expect(forget).toHaveBeenCalledTimes(1);
    } finally {
      await inventory.stop();
      await server.stop();
    }
  });
});

describe('FunctionInventory when a function can no longer be derived', () => {
  it('keeps answering the status it last derived, without details, and logs why', async () => {
    const server = await KubeApiTestServer.start();
    server.apply(...knativeFunction({ namespace: 'payments', name: 'charge' }));
    let broken = false;
    const warnings = mockServices.logger.mock();
    const inventory = await FunctionInventory.create({
      clusters: [clusterAt(server)],
      logger: warnings,
      runtimes: [
        {
          ...knativeRuntime,
          deriveFunction: (...args) => {
            if (broken) throw new Error('a field this runtime cannot read');
            return knativeRuntime.deriveFunction(...args);
          },
        },
      ],
    });
    try {
      await eventually(() =>
        expect(inventory.get('staging', 'payments', 'charge')).toMatchObject({
          ready: 'True',
          image: 'ghcr.io/atonixcorp/charge:1a2b3c4',
          revisions: [{ name: 'charge-00001' }],
        }),
      );

      broken = true;
      updateService(server, 'payments', 'charge', notReady);
      await eventually(() =>
        expect(warnings.warn).toHaveBeenCalledWith(
          expect.stringContaining(
            'Could not derive the status of knative function payments/charge',
          ),
        ),
      );

      const fn = inventory.get('staging', 'payments', 'charge')!;
      expect(fn).toMatchObject({ ready: 'True', env: [], revisions: [] });
      expect(fn.image).toBeUndefined();
      expect(warnings.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'Could not derive the details of knative function payments/charge in cluster staging: Error: a field this runtime cannot read',
        ),
      );
    } finally {
      await inventory.stop();
      await server.stop();
    }
  });
});

describe('FunctionInventory without clusters', () => {
  it('starts and lists nothing', async () => {
    const inventory = await FunctionInventory.create({ clusters: [], logger });
    expect(inventory.list({})).toEqual({
      items: [],
      totalCount: 0,
      offset: 0,
      limit: 50,
      clusters: [],
    });
    await inventory.stop();
  });
});

describe('FunctionInventory announcing placements', () => {
  it('announces where functions run once per burst, only what the drift check reads, and nothing while nothing changes', async () => {
    const server = await KubeApiTestServer.start({ bookmarkIntervalMs: 100 });
    server.apply(
      ...knativeFunction({ namespace: 'payments', name: 'charge' }),
      ...knativeFunction({ namespace: 'payments', name: 'refund' }),
    );
    const published: FunctionPlacementsEvent[] = [];
    const inventory = await FunctionInventory.create({
      clusters: [clusterAt(server)],
      logger,
      events: {
        async publish({ topic, eventPayload }) {
          expect(topic).toBe(FUNCTION_PLACEMENTS_TOPIC);
          published.push(eventPayload as FunctionPlacementsEvent);
        },
        async subscribe() {},
      },
    });
    try {
      await eventually(() => {
        expect(published.flatMap(e => e.upserted).map(p => p.name)).toEqual(
          expect.arrayContaining(['charge', 'refund']),
        );
        // Once every resource has listed, within a second (the sync state is checked for changes).
        expect(published.at(-1)!.clusters[0]).toMatchObject({
          name: 'staging',
          synced: true,
          stale: false,
        });
      });
      expect(published.flatMap(e => e.upserted)[0]).toEqual({
        cluster: 'staging',
        namespace: 'payments',
        name: expect.any(String),
        team: 'payments',
        runtime: 'knative',
        critical: false,
      });
      const settled = published.length;

      // Readiness is not a placement: no event.
      updateService(server, 'payments', 'charge', notReady);
      await eventually(() =>
        expect(inventory.get('staging', 'payments', 'charge')?.ready).toBe(
          'False',
        ),
      );
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(published).toHaveLength(settled);

      server.delete('serving.knative.dev/v1', 'Service', 'payments', 'refund');
      await eventually(() =>
        expect(published.at(-1)).toMatchObject({
          upserted: [],
          removed: [
            {
              cluster: 'staging',
              runtime: 'knative',
              namespace: 'payments',
              name: 'refund',
            },
          ],
        }),
      );
      expect(published).toHaveLength(settled + 1);
    } finally {
      await inventory.stop();
      await server.stop();
    }
  });
});

describe('FunctionInventory before the catalog answers', () => {
  it('says "not linked yet" from the first answer, and guesses no owner', async () => {
    const server = await KubeApiTestServer.start({ bookmarkIntervalMs: 100 });
    server.apply(...knativeFunction({ namespace: 'payments', name: 'charge' }));
    const catalog = catalogServiceMock();
    jest.spyOn(catalog, 'getEntities').mockReturnValue(new Promise(() => {}));
    const inventory = await FunctionInventory.create({
      clusters: [clusterAt(server)],
      logger,
      catalog,
      auth: mockServices.auth(),
    });
    try {
      const charge = await eventually(() => {
        const fn = inventory.get('staging', 'payments', 'charge');
        expect(fn).toBeDefined();
        return fn!;
      });
      expect(charge).not.toHaveProperty('owner');
      expect(charge).not.toHaveProperty('entityRef');
      expect(charge.notLinked).toMatch(
        /^Not linked yet: the catalog has not been read since the backend started/,
      );
    } finally {
      await inventory.stop();
      await server.stop();
    }
  });
});
