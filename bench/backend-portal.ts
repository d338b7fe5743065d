// Child process of backend-fleet.ts: a Backstage backend (startTestBackend) with the real auth
// stack (the auth backend with its guest sign-in issuing real user tokens, the real auth, httpAuth,
// userInfo and permissions services), the permission backend with the Atonix policy and the real
// catalog (its database on PostgreSQL) holding one Component per function name, running
// either Atonix Serverless (`atonix`; `idle` is the same backend watching no cluster) or the stock
// Kubernetes backend plugin (`kubernetes`) against the API server, seen as `clusters` clusters.
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import atonixServerlessPlugin from '@internal/backstage-plugin-atonix-serverless-backend';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import permissionModuleAtonixPolicy from '@internal/backstage-plugin-permission-backend-module-atonix-policy';

/**
 * The bench's entities in the real catalog, as an entity provider puts them there: the catalog
 * processes and stitches them like any other, and answers them from its database.
 */
function benchEntities(entities: Entity[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench-entities',
    register(env) {
      env.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'bench',
            async connect(connection) {
              await connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  locationKey: 'bench',
                  entity: {
                    ...entity,
                    metadata: {
                      ...entity.metadata,
                      annotations: {
                        ...entity.metadata.annotations,
                        'backstage.io/managed-by-location': 'url:http://bench/',
                        'backstage.io/managed-by-origin-location':
                          'url:http://bench/',
                      },
                    },
                  },
                })),
              });
            },
          });
        },
      });
    },
  });
}

/**
 * The window's (`reads-start` to `reads-end`) requests as the backend saw them, from the request's
 * head parsed to the answer's last byte handed to the kernel: [path, start, duration], start in
 * ms since the epoch (performance.timeOrigin-based, comparable across the bench's processes).
 */
const served: Array<[string, number, number]> = [];
/** The window's garbage collections: [start, duration], as `served`. */
const pauses: Array<[number, number]> = [];
let recording = false;
/** When the window opened (performance.now()). */
let windowStart = Infinity;

/** The garbage collections of a window (`reads-start` to `reads-end`): count, total and longest. */
const collections = {
  scavenge: { count: 0, ms: 0, maxMs: 0 },
  markCompact: { count: 0, ms: 0, maxMs: 0 },
};
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    const { kind } = (entry as PerformanceEntry & { detail: { kind: number } })
      .detail;
    const gc =
      kind === constants.NODE_PERFORMANCE_GC_MAJOR
        ? collections.markCompact
        : kind === constants.NODE_PERFORMANCE_GC_MINOR
        ? collections.scavenge
        : undefined;
    // Entries arrive after the fact: the forced collections of the memory read just before the
    // window (hundreds of ms at 50,000 functions) are reported once it is open, and are not its own.
    if (gc && entry.startTime >= windowStart) {
      pauses.push([performance.timeOrigin + entry.startTime, entry.duration]);
      gc.count++;
      gc.ms += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }
}).observe({ entryTypes: ['gc'] });

async function main() {
  // ownTeams: how many teams the signed-in bench user belongs to (team-000…).
  const [mode, kubeUrl, perCluster, namespaces, clusterCount, ownTeams] =
    process.argv.slice(2);
  const team = (i: number) =>
    `team-${String(i % Number(namespaces)).padStart(3, '0')}`;
  const entities = Array.from({ length: Number(perCluster) }, (_, i) =>
    functionEntity(
      `fn-${String(i).padStart(5, '0')}`,
      `group:default/${team(i)}`,
      {
        'backstage.io/kubernetes-namespace': team(i),
      },
    ),
  );
  const clusters = Array.from(
    { length: mode === 'idle' ? 0 : Number(clusterCount) },
    (_, c) => ({
      name: `c-${String(c).padStart(2, '0')}`,
      url: kubeUrl,
      serviceAccountToken: 'bench',
      skipTLSVerify: true,
    }),
  );
  const user = 'user:default/bench';
  const config = {
    app: { baseUrl: 'http://localhost:3000' },
    auth: {
      environment: 'development',
      providers: {
        guest: {
          dangerouslyAllowOutsideDevelopment: true,
          userEntityRef: user,
          ownershipEntityRefs: [
            user,
            ...Array.from(
              { length: Number(ownTeams) },
              (_, i) => `group:default/${team(i)}`,
            ),
          ],
        },
      },
    },
    // The portal's policy settings that shape decisions on these routes (app-config.yaml): with
    // a platform-only template type, every user's catalog.entity.read is a conditional decision.
    // PostgreSQL (backend-fleet.ts starts it), databases of their own per backend process.
    backend: {
      database: {
        client: 'pg',
        connection: process.env.ATONIX_BENCH_DATABASE,
        prefix: `bench_${process.pid}_`,
      },
    },
    permission: {
      enabled: true,
      atonix: { templates: { platformOnlyTypes: ['team'] } },
    },
    // The plugin reads the catalog's function entities every 10 s rather than every 60 s, so the
    // reads start sooner after the catalog has processed them; the idle CPU includes those reads.
    atonix: { inventory: { catalogRefreshSeconds: 10 } },
    // Both plugins read their clusters here (Atonix Serverless from the config locators).
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: clusters.map(c => ({
            ...c,
            authProvider: 'serviceAccount',
            skipMetricsLookup: true,
          })),
        },
      ],
      // What a platform team adds so the stock tab shows Knative objects.
      customResources: [
        { group: 'serving.knative.dev', apiVersion: 'v1', plural: 'services' },
        { group: 'serving.knative.dev', apiVersion: 'v1', plural: 'revisions' },
        { group: 'serving.knative.dev', apiVersion: 'v1', plural: 'routes' },
        {
          group: 'serving.knative.dev',
          apiVersion: 'v1',
          plural: 'configurations',
        },
      ],
    },
  };
  const { server } = await startTestBackend({
    features: [
      mode === 'kubernetes'
        ? import('@backstage/plugin-kubernetes-backend')
        : atonixServerlessPlugin,
      import('@backstage/plugin-auth-backend'),
      import('@backstage/plugin-auth-backend-module-guest-provider'),
      import('@backstage/plugin-permission-backend'),
      permissionModuleAtonixPolicy,
      authServiceFactory,
      httpAuthServiceFactory,
      userInfoServiceFactory,
      permissionsServiceFactory,
      databaseServiceFactory,
      import('@backstage/plugin-catalog-backend'),
      benchEntities(entities),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  // Before the backend's own listener, which routes the request at once (and rewrites req.url).
  server.prependListener('request', (req, res) => {
    if (!recording) return;
    const start = performance.now();
    const requestPath = req.url ?? '';
    res.once('finish', () =>
      served.push([
        requestPath,
        performance.timeOrigin + start,
        performance.now() - start,
      ]),
    );
  });
  let profiler: Session | undefined;
  process.on('message', async (message: any) => {
    if (message.type === 'rss') {
      // Twice with a pause: V8 frees dead ArrayBuffers' memory concurrently after a collection, so
      // one read right after a single gc() counted buffers already dead as external memory.
      global.gc?.();
      await new Promise(resolve => setTimeout(resolve, 200));
      global.gc?.();
      process.send!({ type: 'rss', ...process.memoryUsage() });
    } else if (message.type === 'reads-start') {
      for (const gc of Object.values(collections)) {
        Object.assign(gc, { count: 0, ms: 0, maxMs: 0 });
      }
      served.length = 0;
      pauses.length = 0;
      recording = true;
      windowStart = performance.now();
      if (message.profile) {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      process.send!({ type: 'reads-start' });
    } else if (message.type === 'reads-end') {
      recording = false;
      const gc = structuredClone(collections);
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        fs.writeFileSync(message.profile, JSON.stringify(profile));
        profiler.disconnect();
        profiler = undefined;
      }
      process.send!({
        type: 'reads-end',
        gc,
        served: served.splice(0),
        pauses: pauses.splice(0),
      });
    } else if (message.type === 'cpu') {
      // CPU time over a window while nobody calls the backend, as a share of one core.
      const start = process.cpuUsage();
      await new Promise(resolve => setTimeout(resolve, message.ms));
      const used = process.cpuUsage(start);
      process.send!({
        type: 'cpu',
        percent: ((used.user + used.system) / 1000 / message.ms) * 100,
      });
    }
  });
  process.send!({ type: 'ready', port: (server.address() as any).port });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
