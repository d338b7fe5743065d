import {
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
  coreServices,
  RootLoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  EventsService,
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  FUNCTION_PLACEMENTS_TOPIC,
  FunctionListResponse,
  FunctionListItem,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionStatus } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import { eventually } from '@internal/atonix-test-servers';
import express from 'express';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { FunctionEntityProvider } from './FunctionEntityProvider';
import { catalogModuleAtonixServerless } from './module';
import { GitOpsTreeFixture } from './testing/gitopsTree';

type CatalogError = { entity: string; errors: Array<{ message: string }> };

/** The catalog as a user sees it: its REST API, polled until processing has caught up. */
class CatalogReader {
  constructor(readonly backend: TestBackend) {}

  async entities(filter: string): Promise<Entity[]> {
    const response = await fetch(
      `http://localhost:${this.backend.server.port()}/api/catalog/entities/by-query?filter=${encodeURIComponent(
        filter,
      )}&limit=500`,
      { headers: { authorization: mockCredentials.user.header() } },
    );
    if (!response.ok) {
      throw new Error(`catalog answered ${response.status}`);
    }
    return (await response.json()).items;
  }

  async post(path: string, body: unknown): Promise<any> {
    return this.#request('POST', path, body);
  }

  async delete(path: string): Promise<void> {
    await this.#request('DELETE', path);
  }

  async #request(method: string, path: string, body?: unknown) {
    const response = await fetch(
      `http://localhost:${this.backend.server.port()}/api/catalog${path}`,
      {
        method,
        headers: {
          authorization: mockCredentials.user.header(),
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    if (!response.ok) {
      throw new Error(
        `catalog answered ${response.status}: ${await response.text()}`,
      );
    }
    return response.status === 204 ? undefined : response.json();
  }

  async functions(): Promise<Entity[]> {
    const items = await this.entities('kind=component,spec.type=function');
    return items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  /** Polls until `check` passes; processing is asynchronous, so tests wait for the outcome. */
  eventually<T>(read: () => Promise<T>, check: (value: T) => void) {
    return eventually(
      async () => {
        const value = await read();
        check(value);
        return value;
      },
      // Each read refreshes the provider and waits for the catalog to process it, which takes
      // seconds on a loaded CI machine; the copy this replaced allowed 200 such reads.
      40_000,
      100,
    );
  }
}

function status(cluster: string, team: string, name: string): FunctionListItem {
  return {
    ...functionStatus({ cluster, namespace: team, name }),
    metrics: {
      requestRate: null,
      errorRate: null,
      p95LatencyMs: null,
      coldStarts1h: null,
      coldStartP95Ms: null,
    },
  };
}

interface InventoryState {
  response: FunctionListResponse;
  /** How often `GET /functions` was read. */
  reads: number;
  events?: EventsService;
}

/**
 * Stands in for the atonix-serverless backend: its `GET /functions` behind real service auth, and
 * its events service, on which the test announces placements as the backend does.
 */
function inventoryPlugin(state: InventoryState) {
  return createBackendPlugin({
    pluginId: 'atonix-serverless',
    register(reg) {
      reg.registerInit({
        deps: { httpRouter: coreServices.httpRouter, events: eventsServiceRef },
        async init({ httpRouter, events }) {
          state.events = events;
          const router = express.Router();
          router.get('/functions', (req, res) => {
            state.reads++;
            const offset = Number(req.query.offset ?? 0);
            const limit = Number(req.query.limit ?? 50);
            res.json({
              ...state.response,
              items: state.response.items.slice(offset, offset + limit),
              offset,
              limit,
            });
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

/** Hands the test the scheduler the catalog's modules get, to run the provider's task on demand. */
function schedulerCapture(captured: { scheduler?: SchedulerService }) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-scheduler',
    register(reg) {
      reg.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          captured.scheduler = scheduler;
        },
      });
    },
  });
}

/** The catalog API registers only `url` locations by default; the tests register files. */
const allowFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});

function catalogErrorsRecorder(errors: CatalogError[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-errors',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'test-errors',
            topics: ['experimental.catalog.errors'],
            async onEvent(event) {
              errors.push(event.eventPayload as CatalogError);
            },
          });
        },
      });
    },
  });
}

/** The backend's root logger, keeping every warning. */
function recordingRootLogger(warnings: string[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory() {
      const logger: RootLoggerService = {
        error() {},
        info() {},
        debug() {},
        warn(message) {
          warnings.push(message);
        },
        child: () => logger,
      };
      return logger;
    },
  });
}

// Each test starts a real catalog backend and waits for its processing loop.
jest.setTimeout(60_000);

describe('catalogModuleAtonixServerless', () => {
  let root: string;
  let tree: GitOpsTreeFixture;
  let backend: TestBackend | undefined;
  const captured: { scheduler?: SchedulerService } = {};

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'atonix-catalog-'));
    tree = new GitOpsTreeFixture(root);
  });

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await rm(root, { recursive: true, force: true });
  });

  async function start(
    options: {
      catalog?: Record<string, unknown>;
      /** More provider instances, by id, beside `local`. */
      instances?: Record<string, Record<string, unknown>>;
      config?: Record<string, unknown>;
      features?: Parameters<typeof startTestBackend>[0]['features'];
    } = {},
  ) {
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleAtonixServerless,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        // One events bus for every plugin, as in a real backend (the test backend's mock is one
        // per plugin): the backend's placement events reach the catalog module.
        eventsServiceFactory,
        schedulerCapture(captured),
        mockServices.rootConfig.factory({
          data: {
            ...options.config,
            catalog: {
              ...(options.config?.catalog as object | undefined),
              providers: {
                atonixServerless: {
                  local: {
                    gitops: { type: 'dir', target: root },
                    drift: { enabled: false },
                    ...options.catalog,
                  },
                  ...options.instances,
                },
              },
            },
          },
        }),
        ...(options.features ?? []),
      ],
    });
    return new CatalogReader(backend);
  }

  const refresh = () =>
    captured.scheduler!.triggerTask(FunctionEntityProvider.taskId('local'));

  it('registers one Component per function folder and follows the tree as it changes', async () => {
    await tree.writeTenants(['payments', 'analytics']);
    await tree.writeFunction('payments', 'charge', {
      critical: true,
      scaling: { minScale: 1 },
      description: 'Charges a card',
    });
    await tree.writeFunction('analytics', 'ingest', { runtime: 'openfaas' });
    const catalog = await start({
      catalog: {
        gitops: {
          type: 'dir',
          target: root,
          webUrl: 'https://github.com/AtonixCorp/gitops/tree/main',
        },
        drift: { enabled: false },
        functionRepositoryUrl: 'https://github.com/AtonixCorp/{name}',
      },
    });
    await refresh();

    const [charge, ingest] = await catalog.eventually(
      () => catalog.functions(),
      items =>
        expect(items.map(e => e.metadata.name)).toEqual(['charge', 'ingest']),
    );
    expect(charge.spec).toEqual({
      type: 'function',
      lifecycle: 'production',
      owner: 'group:payments',
      dependsOn: ['resource:payments-namespace'],
    });
    expect(charge.metadata.description).toBe('Charges a card');
    expect(charge.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'charge',
      'backstage.io/kubernetes-namespace': 'payments',
      'atonix.io/runtime': 'knative',
      'atonix.io/team': 'payments',
      'atonix.io/gitops-path': 'gitops/functions/payments/charge',
      'atonix.io/critical': 'true',
      'backstage.io/managed-by-location': `file:${root}/gitops/functions/payments/charge/function.yaml`,
      'backstage.io/managed-by-origin-location': `file:${root}/gitops/functions/payments/charge/function.yaml`,
      'backstage.io/source-location':
        'url:https://github.com/AtonixCorp/charge',
    });
    expect(charge.metadata.annotations).not.toHaveProperty('atonix.io/drift');
    expect(charge.metadata.links).toEqual([
      {
        url: 'https://github.com/AtonixCorp/gitops/tree/main/gitops/functions/payments/charge',
        title: 'Deployment manifests (GitOps)',
        icon: 'github',
      },
      {
        url: 'https://github.com/AtonixCorp/charge',
        title: 'Source repository',
        icon: 'github',
      },
    ]);
    expect(ingest.spec?.lifecycle).toBe('experimental');
    expect(ingest.metadata.annotations?.['atonix.io/runtime']).toBe('openfaas');
    expect(ingest.metadata.annotations?.['atonix.io/critical']).toBe('false');

    await tree.writeFunction('payments', 'refund');
    await tree.writeFunction('payments', 'charge', {
      description: 'Charges a card, twice as fast',
    });
    await tree.removeFunction('analytics', 'ingest');
    await refresh();

    const after = await catalog.eventually(
      () => catalog.functions(),
      items => {
        expect(items.map(e => e.metadata.name)).toEqual(['charge', 'refund']);
        expect(items[0].metadata.description).toBe(
          'Charges a card, twice as fast',
        );
      },
    );
    expect(after[0].spec?.lifecycle).toBe('experimental');
  });

  it('registers a Group and a namespace Resource per tenant, and no Group when groups are external', async () => {
    await tree.writeTenants(['payments', 'analytics']);
    let catalog = await start({
      catalog: {
        gitops: { type: 'dir', target: root },
        drift: { enabled: false },
        groups: { parent: 'platform' },
      },
    });
    await refresh();
    const groups = await catalog.eventually(
      () => catalog.entities('kind=group'),
      items =>
        expect(items.map(e => e.metadata.name).sort()).toEqual([
          'analytics',
          'payments',
        ]),
    );
    expect(groups.find(g => g.metadata.name === 'payments')?.spec).toEqual({
      type: 'team',
      children: [],
      parent: 'platform',
    });
    const namespaces = await catalog.eventually(
      () => catalog.entities('kind=resource'),
      items => expect(items).toHaveLength(2),
    );
    expect(
      namespaces.find(r => r.metadata.name === 'payments-namespace')?.spec,
    ).toEqual({
      type: 'kubernetes-namespace',
      owner: 'group:payments',
    });
    await backend!.stop();

    catalog = await start({
      catalog: {
        gitops: { type: 'dir', target: root },
        drift: { enabled: false },
        groups: { source: 'external' },
      },
    });
    await refresh();
    await catalog.eventually(
      () => catalog.entities('kind=resource'),
      items => expect(items).toHaveLength(2),
    );
    expect(await catalog.entities('kind=group')).toEqual([]);
  });

  it('reports a malformed function folder as a processing error with file and reason, and registers the rest', async () => {
    const errors: CatalogError[] = [];
    await tree.writeFunction('payments', 'charge');
    await tree.writeFunction('payments', 'refund');
    await tree.writeFunction('payments', 'broken', {
      scaling: { maxScale: 0 },
    });
    await tree.writeFile(
      'gitops/functions/analytics/ingest/service.yaml',
      'kind: Service\n',
    );
    const catalog = await start({ features: [catalogErrorsRecorder(errors)] });
    await refresh();

    await catalog.eventually(
      async () => errors,
      received =>
        expect(received.map(e => e.entity).sort()).toEqual([
          'component:default/broken',
          'component:default/ingest',
        ]),
    );
    expect(
      errors.find(e => e.entity === 'component:default/broken')?.errors[0]
        .message,
    ).toBe(
      'gitops/functions/payments/broken/function.yaml scaling.maxScale: Too small: expected number to be >=1',
    );
    expect(
      errors.find(e => e.entity === 'component:default/ingest')?.errors[0]
        .message,
    ).toMatch(
      /^gitops\/functions\/analytics\/ingest\/function.yaml is missing: every function folder needs the spec/,
    );
    await catalog.eventually(
      () => catalog.functions(),
      items =>
        expect(items.map(e => e.metadata.name)).toEqual(['charge', 'refund']),
    );
  });

  it('keeps the last good version of a function whose spec breaks, with the error on it', async () => {
    await tree.writeFunction('payments', 'charge', {
      description: 'Charges a card',
    });
    const catalog = await start();
    await refresh();
    await catalog.eventually(
      () => catalog.functions(),
      items => expect(items).toHaveLength(1),
    );

    await tree.writeFile(
      'gitops/functions/payments/charge/function.yaml',
      'apiVersion: atonix.io/v1alpha1\nkind: Function\nspec: [unclosed\n',
    );
    await refresh();

    const [charge] = await catalog.eventually(
      () => catalog.functions(),
      ([entity]) =>
        expect((entity as any).status?.items?.[0]?.error?.message).toMatch(
          /^gitops\/functions\/payments\/charge\/function.yaml \(yaml line 4\): Flow sequence/,
        ),
    );
    expect(charge.metadata.description).toBe('Charges a card');
  });

  it('keeps the entities it has while the GitOps repository cannot be read', async () => {
    await tree.writeFunction('payments', 'charge');
    const catalog = await start();
    await refresh();
    await catalog.eventually(
      () => catalog.functions(),
      items => expect(items).toHaveLength(1),
    );

    await rename(root, `${root}-moved`);
    try {
      await refresh();
      expect(await catalog.functions()).toHaveLength(1);
    } finally {
      await rename(`${root}-moved`, root);
    }
  });

  /** What the templates write into a function's own repository. */
  async function writeCatalogInfo(team: string, name: string) {
    const file = join(root, 'repos', name, 'catalog-info.yaml');
    await tree.writeFile(
      `repos/${name}/catalog-info.yaml`,
      stringifyYaml({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          description: 'Written by the developers',
          tags: ['typescript'],
          annotations: {
            'backstage.io/kubernetes-id': name,
            'backstage.io/kubernetes-namespace': team,
            'atonix.io/team': team,
            'atonix.io/gitops-path': `gitops/functions/${team}/${name}`,
          },
          links: [{ url: `https://ci.example.com/${name}`, title: 'CI' }],
        },
        spec: {
          type: 'function',
          lifecycle: 'experimental',
          owner: `group:${team}`,
        },
      }),
    );
    return file;
  }

  it("makes a function repository's registered catalog-info.yaml the function's one entity, with what GitOps knows", async () => {
    await tree.writeFunction('payments', 'charge', {
      critical: true,
      scaling: { minScale: 1 },
    });
    await tree.writeFunction('payments', 'refund');
    const chargeInfo = await writeCatalogInfo('payments', 'charge');
    const catalog = await start({
      catalog: {
        gitops: { type: 'dir', target: root },
        drift: { enabled: false },
      },
      config: {
        catalog: { locations: [{ type: 'file', target: chargeInfo }] },
      },
    });
    // Until the registered entity is processed the provider's own may show, with the same runtime:
    // wait for the registered one with GitOps facts merged.
    const [charge] = await catalog.eventually(
      () => refresh().then(() => catalog.functions()),
      items => {
        expect(items.map(e => e.metadata.name)).toEqual(['charge', 'refund']);
        expect(items[0].metadata.annotations).toMatchObject({
          'backstage.io/managed-by-location': `file:${chargeInfo}`,
          'atonix.io/runtime': 'knative',
        });
      },
    );
    expect(charge.metadata.description).toBe('Written by the developers');
    expect(charge.metadata.tags).toEqual(['typescript']);
    expect(charge.metadata.annotations).toMatchObject({
      'atonix.io/gitops-path': 'gitops/functions/payments/charge',
      'atonix.io/critical': 'true',
    });
    expect(charge.spec).toMatchObject({
      lifecycle: 'production',
      owner: 'group:payments',
      dependsOn: ['resource:payments-namespace'],
    });

    await tree.removeFunction('payments', 'charge');
    const [stillRegistered] = await catalog.eventually(
      () => refresh().then(() => catalog.functions()),
      items =>
        expect(items[0].metadata.annotations?.['atonix.io/drift']).toBe(
          'not-in-gitops',
        ),
    );
    expect(stillRegistered.metadata.name).toBe('charge');
    expect(stillRegistered.metadata.annotations).not.toHaveProperty(
      'atonix.io/runtime',
    );
  });

  it('lets a catalog-info.yaml registered after the provider take the function over, and gives it back when unregistered', async () => {
    await tree.writeFunction('payments', 'charge');
    const chargeInfo = await writeCatalogInfo('payments', 'charge');
    const catalog = await start({ features: [allowFileLocations] });
    await refresh();
    await catalog.eventually(
      () => catalog.functions(),
      items => expect(items).toHaveLength(1),
    );

    const location = await catalog.post('/locations', {
      type: 'file',
      target: chargeInfo,
    });
    await catalog.eventually(
      () => catalog.functions(),
      ([charge]) =>
        expect(
          charge.metadata.annotations?.['backstage.io/managed-by-location'],
        ).toBe(`file:${chargeInfo}`),
    );
    const [charge] = await catalog.eventually(
      () => refresh().then(() => catalog.functions()),
      items =>
        expect(items.map(e => e.metadata.description)).toEqual([
          'Written by the developers',
        ]),
    );
    expect(charge.metadata.annotations?.['atonix.io/runtime']).toBe('knative');

    await catalog.delete(`/locations/${location.location.id}`);
    await catalog.eventually(
      () => refresh().then(() => catalog.functions()),
      ([back]) =>
        expect(
          back?.metadata.annotations?.['backstage.io/managed-by-location'],
        ).toBe(`file:${root}/gitops/functions/payments/charge/function.yaml`),
    );
  });

  it('repeats no conflict warning while a registered catalog-info.yaml holds a function, however often it refreshes', async () => {
    await tree.writeFunction('payments', 'charge');
    const chargeInfo = await writeCatalogInfo('payments', 'charge');
    const warnings: string[] = [];
    const catalog = await start({
      config: {
        catalog: { locations: [{ type: 'file', target: chargeInfo }] },
      },
      features: [recordingRootLogger(warnings)],
    });
    await catalog.eventually(
      () => refresh().then(() => catalog.functions()),
      ([charge]) =>
        expect(charge.metadata.annotations?.['atonix.io/runtime']).toBe(
          'knative',
        ),
    );
    for (let i = 0; i < 5; i++) await refresh();

    // At most the first emission, when it races the location's first processing, and under the
    // provider's own key: later refreshes emit only what changed.
    const conflicts = warnings.filter(w => w.includes('conflicting entityRef'));
    expect(conflicts.length).toBeLessThanOrEqual(1);
    for (const conflict of conflicts) {
      expect(conflict).toMatch(/now also atonix-serverless:local$/);
    }
  });

  it('marks a registered function without a GitOps folder as not in GitOps', async () => {
    await tree.writeFunction('payments', 'charge');
    const draftInfo = await writeCatalogInfo('payments', 'draft');
    const catalog = await start({
      config: { catalog: { locations: [{ type: 'file', target: draftInfo }] } },
    });
    const draft = await catalog.eventually(
      async () => {
        await refresh();
        return (await catalog.functions()).find(
          e => e.metadata.name === 'draft',
        );
      },
      entity =>
        expect(entity?.metadata.annotations?.['atonix.io/drift']).toBe(
          'not-in-gitops',
        ),
    );
    expect(draft?.metadata.annotations?.['atonix.io/drift-reason']).toBe(
      `Registered from file:${draftInfo} but gitops/functions/payments/draft does not exist: it is not deployed through GitOps (its pull request is not merged yet, or the folder was deleted).`,
    );
  });

  it('merges the GitOps folder into a function registered before its pull request merged, at once rather than at its next scheduled processing', async () => {
    await tree.writeFunction('payments', 'refund');
    const chargeInfo = await writeCatalogInfo('payments', 'charge');
    const warnings: string[] = [];
    const catalog = await start({
      config: {
        catalog: {
          locations: [{ type: 'file', target: chargeInfo }],
          // Far beyond the test's wait: the catalog's own reprocessing cannot be what merges it.
          processingInterval: { minutes: 30 },
        },
      },
      features: [recordingRootLogger(warnings)],
    });
    const registered = () =>
      refresh()
        .then(() => catalog.functions())
        .then(items => items.find(e => e.metadata.name === 'charge'));
    await catalog.eventually(registered, charge =>
      expect(charge?.metadata.annotations?.['atonix.io/drift']).toBe(
        'not-in-gitops',
      ),
    );

    // The function's pull request merges: its folder appears.
    await tree.writeFunction('payments', 'charge', { critical: true });
    const merged = await catalog.eventually(registered, charge =>
      expect(charge?.metadata.annotations).toMatchObject({
        'atonix.io/runtime': 'knative',
        'atonix.io/critical': 'true',
      }),
    );
    expect(merged?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `file:${chargeInfo}`,
      'atonix.io/gitops-path': 'gitops/functions/payments/charge',
    });
    expect(merged?.metadata.annotations).not.toHaveProperty('atonix.io/drift');
    expect(merged?.metadata.description).toBe('Written by the developers');
    // The provider left the function to its registration instead of emitting a rival entity.
    expect(warnings.filter(w => w.includes('conflicting entityRef'))).toEqual(
      [],
    );
  });

  it('shows drift: GitOps functions missing from a synced cluster, and functions running outside GitOps', async () => {
    await tree.writeTenants(['payments']);
    await tree.writeFunction('payments', 'charge');
    await tree.writeFunction('payments', 'refund');
    const state: InventoryState = {
      reads: 0,
      response: {
        items: [
          status('production', 'payments', 'charge'),
          status('staging', 'payments', 'charge'),
          status('staging', 'payments', 'refund'),
          status('production', 'payments', 'legacy-webhook'),
          status('qa', 'payments', 'only-in-qa'),
        ],
        totalCount: 5,
        offset: 0,
        limit: 500,
        clusters: [
          { name: 'production', synced: true, stale: false },
          { name: 'staging', synced: true, stale: false },
          { name: 'qa', synced: false, stale: false },
        ],
      } as FunctionListResponse,
    };
    const catalog = await start({
      catalog: {
        gitops: { type: 'dir', target: root },
        drift: { enabled: true },
      },
      features: [inventoryPlugin(state)],
    });
    await refresh();

    const [charge, legacy, refund] = await catalog.eventually(
      () => catalog.functions(),
      items =>
        expect(items.map(e => e.metadata.name)).toEqual([
          'charge',
          'legacy-webhook',
          'refund',
        ]),
    );
    expect(charge.metadata.annotations?.['atonix.io/drift']).toBe('in-sync');
    expect(refund.metadata.annotations).toMatchObject({
      'atonix.io/drift': 'not-running',
      'atonix.io/drift-reason': expect.stringContaining(
        'gitops/functions/payments/refund is in the GitOps repository but the function does not run in production',
      ),
    });
    expect(legacy.metadata.annotations).toMatchObject({
      'atonix.io/drift': 'not-in-gitops',
      'atonix.io/drift-reason': expect.stringContaining(
        'Runs in production/payments but gitops/functions/payments/legacy-webhook does not exist',
      ),
    });
    expect(legacy.metadata.annotations).not.toHaveProperty(
      'atonix.io/gitops-path',
    );
    expect(legacy.spec?.owner).toBe('group:payments');

    // The backend announces the change; no refresh of the provider is needed, nor a new read.
    const { cluster, namespace, name, team, runtime, critical } = status(
      'production',
      'payments',
      'refund',
    );
    const event: FunctionPlacementsEvent = {
      upserted: [{ cluster, namespace, name, team, runtime, critical }],
      removed: [
        {
          cluster: 'production',
          runtime: 'knative',
          namespace: 'payments',
          name: 'legacy-webhook',
        },
      ],
      clusters: state.response.clusters,
    };
    await state.events!.publish({
      topic: FUNCTION_PLACEMENTS_TOPIC,
      eventPayload: event,
    });
    await catalog.eventually(
      () => catalog.functions(),
      items => {
        expect(items.map(e => e.metadata.name)).toEqual(['charge', 'refund']);
        expect(items[1].metadata.annotations?.['atonix.io/drift']).toBe(
          'in-sync',
        );
      },
    );
    await refresh();
    expect(state.reads).toBe(1);
  });

  it('emits functions without drift when the cluster inventory cannot be read', async () => {
    await tree.writeFunction('payments', 'charge');
    const catalog = await start({
      catalog: {
        gitops: { type: 'dir', target: root },
        drift: { enabled: true },
      },
    });
    await refresh();
    const [charge] = await catalog.eventually(
      () => catalog.functions(),
      items => expect(items).toHaveLength(1),
    );
    expect(charge.metadata.annotations).not.toHaveProperty('atonix.io/drift');
  });

  it('runs one provider per instance under catalog.providers.atonixServerless, each with its own repository', async () => {
    await tree.writeFunction('payments', 'charge');
    const otherRoot = await mkdtemp(join(tmpdir(), 'atonix-catalog-'));
    try {
      await new GitOpsTreeFixture(otherRoot).writeFunction('search', 'indexer');
      const catalog = await start({
        instances: {
          search: {
            gitops: { type: 'dir', target: otherRoot },
            drift: { enabled: false },
          },
        },
      });
      await refresh();
      await captured.scheduler!.triggerTask(
        FunctionEntityProvider.taskId('search'),
      );
      const [charge, indexer] = await catalog.eventually(
        () => catalog.functions(),
        items =>
          expect(items.map(e => e.metadata.name)).toEqual([
            'charge',
            'indexer',
          ]),
      );
      expect(
        charge.metadata.annotations?.['backstage.io/managed-by-location'],
      ).toContain(root);
      expect(
        indexer.metadata.annotations?.['backstage.io/managed-by-location'],
      ).toContain(otherRoot);
    } finally {
      await rm(otherRoot, { recursive: true, force: true });
    }
  });

  it('registers nothing and reads no repository when catalog.providers.atonixServerless is not configured', async () => {
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleAtonixServerless,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        schedulerCapture(captured),
      ],
    });
    await expect(refresh()).rejects.toThrow(/not found/i);
  });
});
