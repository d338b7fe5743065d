import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  RootLoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  demoObjects,
  eventually,
  FIXTURE_CRDS,
  KubeApiServerProcess,
} from '@internal/atonix-test-servers';
import {
  backendDatabaseConfig,
  backendTestDatabases,
} from '@internal/atonix-test-servers/postgres';
import atonixServerlessPlugin from '@internal/backstage-plugin-atonix-serverless-backend';
import catalogModuleAtonixServerless from '@internal/backstage-plugin-catalog-backend-module-atonix-serverless';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Production runs the portal as several replicas on one PostgreSQL. Two real backends (catalog,
 * the Atonix catalog module, the Atonix backend watching a real Kubernetes API server, the
 * database-backed scheduler) share one database here, and the catalog must come out as from one:
 * every function once, no entity fought over, the provider's work scheduled once for both.
 */

jest.setTimeout(180_000);

const REPO_ROOT = resolve(__dirname, '../../..');
const databases = backendTestDatabases();
const postgres = databases
  .eachSupportedId()
  .map(([id]) => id)
  .find(id => id.startsWith('POSTGRES'))!;

/** A replica's warnings and errors, and the catalog's conflict and processing-error events. */
interface Trouble {
  logs: string[];
  events: Array<{ topic: string; payload: unknown }>;
}

function recordingRootLogger(trouble: Trouble) {
  const logger = (meta: JsonObject): RootLoggerService => ({
    error: message =>
      trouble.logs.push(`error ${message} ${JSON.stringify(meta)}`),
    warn: message =>
      trouble.logs.push(`warn ${message} ${JSON.stringify(meta)}`),
    info: () => {},
    debug: () => {},
    child: more => logger({ ...meta, ...(more as JsonObject) }),
  });
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => logger({}),
  });
}

function catalogObserver(
  trouble: Trouble,
  captured: { scheduler?: SchedulerService },
) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-observer',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef, scheduler: coreServices.scheduler },
        async init({ events, scheduler }) {
          captured.scheduler = scheduler;
          await events.subscribe({
            id: 'test-observer',
            // The catalog's own topics for an entity two sources emit and for processing errors.
            topics: [
              'experimental.catalog.conflict',
              'experimental.catalog.errors',
            ],
            async onEvent({ topic, eventPayload }) {
              trouble.events.push({ topic, payload: eventPayload });
            },
          });
        },
      });
    },
  });
}

/** The Knative Services and OpenFaaS Functions in the cluster: each is a function. */
const clusterFunctions = demoObjects()
  .filter(
    o => ['Service', 'Function'].includes(o.kind) && o.apiVersion !== 'v1',
  )
  .map(o => o.metadata.name as string);

describe('two portal replicas on one PostgreSQL', () => {
  let kube: KubeApiServerProcess;
  const replicas: Array<{
    backend: TestBackend;
    trouble: Trouble;
    captured: { scheduler?: SchedulerService };
  }> = [];

  beforeAll(async () => {
    kube = await KubeApiServerProcess.start({ crds: FIXTURE_CRDS });
    await kube.apply(...demoObjects());
    const database = await backendDatabaseConfig(databases, postgres);
    for (let i = 0; i < 2; i++) {
      const trouble: Trouble = { logs: [], events: [] };
      const captured: { scheduler?: SchedulerService } = {};
      const backend = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModuleAtonixServerless,
          atonixServerlessPlugin,
          // The real scheduler: global tasks are coordinated through the shared database.
          schedulerServiceFactory,
          recordingRootLogger(trouble),
          catalogObserver(trouble, captured),
          mockServices.rootConfig.factory({
            data: {
              backend: { database },
              catalog: {
                providers: {
                  atonixServerless: {
                    local: {
                      // This checkout's gitops/ folder: its functions and tenants.
                      gitops: {
                        type: 'dir',
                        target: REPO_ROOT,
                        schedule: {
                          frequency: { seconds: 2 },
                          timeout: { seconds: 60 },
                        },
                      },
                    },
                  },
                },
              },
              kubernetes: kube.backstageKubernetesConfig('staging'),
            },
          }),
        ],
      });
      replicas.push({ backend, trouble, captured });
    }
  });

  afterAll(async () => {
    for (const { backend } of replicas) {
      await backend.stop();
    }
    await kube?.stop();
  });

  async function functionEntities(backend: TestBackend): Promise<Entity[]> {
    const response = await fetch(
      `http://localhost:${backend.server.port()}/api/catalog/entities/by-query?filter=kind=component,spec.type=function&limit=500`,
      { headers: { authorization: mockCredentials.service.header() } },
    );
    expect(response.status).toBe(200);
    return (await response.json()).items;
  }

  it('holds each function once, the same on both replicas, with no entity fought over and one provider task per replica', async () => {
    const gitopsFunctions = (
      await Promise.all(
        ['analytics', 'payments', 'search'].map(team =>
          readdir(join(REPO_ROOT, 'gitops/functions', team), {
            withFileTypes: true,
          }).then(
            // A function is a folder with a function.yaml (not the team's secrets/ folder).
            entries =>
              entries
                .filter(
                  e =>
                    e.isDirectory() &&
                    existsSync(
                      join(
                        REPO_ROOT,
                        'gitops/functions',
                        team,
                        e.name,
                        'function.yaml',
                      ),
                    ),
                )
                .map(e => e.name),
            () => [],
          ),
        ),
      )
    ).flat();
    const expected = [
      ...new Set([...gitopsFunctions, ...clusterFunctions]),
    ].sort();
    expect(gitopsFunctions.length).toBeGreaterThan(0);
    expect(clusterFunctions.length).toBeGreaterThan(0);

    let seen: string[][] = [];
    await eventually(async () => {
      seen = await Promise.all(
        replicas.map(async ({ backend }) =>
          (await functionEntities(backend)).map(e => e.metadata.name).sort(),
        ),
      );
      expect(seen).toEqual([expected, expected]);
    }, 120_000);

    // A few more provider runs on both replicas change nothing.
    await new Promise(r => setTimeout(r, 6_000));
    const [first, second] = await Promise.all(
      replicas.map(({ backend }) => functionEntities(backend)),
    );
    expect(first.map(e => e.metadata.name).sort()).toEqual(expected);
    const uid = (entities: Entity[]) =>
      Object.fromEntries(entities.map(e => [e.metadata.name, e.metadata.uid]));
    expect(uid(second)).toEqual(uid(first));

    for (const { trouble } of replicas) {
      expect(trouble.events).toEqual([]);
      expect(trouble.logs.filter(line => /conflict/i.test(line))).toEqual([]);
    }

    // Each replica runs the provider's refresh as one local task: every replica's processor merges
    // from its own current view, and a replica applies only what changed since its own last
    // emission, the same entities under the same location key, so the two never conflict.
    const providerTasks = await Promise.all(
      replicas.map(async ({ captured }) =>
        (await captured.scheduler!.getScheduledTasks())
          .filter(task => task.id.startsWith('atonix-serverless-functions:'))
          .map(task => `${task.id} (${task.scope})`),
      ),
    );
    expect(providerTasks[0]).toEqual([
      'atonix-serverless-functions:local:refresh (local)',
    ]);
    expect(providerTasks[1]).toEqual(providerTasks[0]);
  });
});
