import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogTemplateKindModule from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { JsonObject } from '@backstage/types';
import {
  GitHubTestServer,
  ScaffolderTaskEvent,
  eventually,
  runScaffolderTask,
} from '@internal/atonix-test-servers';
import { join, resolve } from 'node:path';
import { scaffolderModuleAtonixServerless } from '../module';
import { OWNER, localScaffolderConfig } from './localGit';

export const REPO_ROOT = resolve(__dirname, '../../../..');
const GUEST = 'user:default/guest';
const AS_GUEST = mockCredentials.user.header(GUEST);

export interface TaskResult {
  status: string;
  log: string;
  /** The task (its spec and parameters) and every event, as the scaffolder's API returns them. */
  stored: string;
  /** From the request that created the task to the poll (every 50 ms) that saw it end. */
  durationMs: number;
  /** Each step's duration from its first to its last event (event times have 1 s resolution). */
  steps: Array<{ id: string; durationMs: number }>;
}

/**
 * The local portal's scaffolding in one test backend: the real scaffolder (with the GitHub module
 * and ours) and the real catalog reading catalog/org.yaml and templates/ from this checkout,
 * publishing to the local git server at `gitBaseUrl`; requests are the guest's, a member of payments.
 * With `options.github`, it publishes as production does instead (`publishTarget: github`), to that
 * GitHub stand-in. The clusters run what `options.runtimes` says;
 * `options.database` is the `backend.database` config (default: SQLite in memory).
 */
export async function startScaffolderBackend(
  gitBaseUrl: string,
  options: {
    /** `atonix.clusters.<cluster>.runtimes`; none: what gitops/ installs (Knative only). */
    runtimes?: Record<string, string[]>;
    database?: JsonObject;
    github?: GitHubTestServer;
  } = {},
) {
  const { github } = options;
  const publishing = github
    ? github.publishingConfig({ owner: OWNER })
    : { integrations: {}, atonix: localScaffolderConfig(gitBaseUrl).atonix };
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderGithubModule,
      catalogPlugin,
      catalogTemplateKindModule,
      scaffolderModuleAtonixServerless,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            reading: { allow: [{ host: new URL(gitBaseUrl).host }] },
            ...(options.database && { database: options.database }),
          },
          catalog: {
            rules: [
              { allow: ['Component', 'Location', 'Template', 'Group', 'User'] },
            ],
            locations: [
              { type: 'file', target: join(REPO_ROOT, 'catalog/org.yaml') },
              {
                type: 'file',
                target: join(REPO_ROOT, 'templates/*.yaml'),
              },
            ],
          },
          integrations: publishing.integrations,
          atonix: {
            scaffolder: publishing.atonix.scaffolder,
            clusters: Object.fromEntries(
              Object.entries(options.runtimes ?? {}).map(
                ([cluster, runtimes]) => [cluster, { runtimes }],
              ),
            ),
          },
        },
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () =>
          mockServices.userInfo({
            userEntityRef: GUEST,
            ownershipEntityRefs: [GUEST, 'group:default/payments'],
          }),
      }),
    ],
  });
  const address = backend.server.address();
  if (!address || typeof address === 'string') {
    throw new Error('the test backend did not listen on a TCP port');
  }
  const baseUrl = `http://127.0.0.1:${address.port}`;

  /** The entity, once the catalog has read it (it reads locations in the background). */
  function entityInCatalog(kind: string, name: string) {
    return eventually(
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/${kind}/default/${name}`,
          { headers: { Authorization: AS_GUEST } },
        );
        if (!res.ok) {
          throw new Error(
            `${kind}:default/${name} is not in the catalog: ${res.status}`,
          );
        }
        return res.json();
      },
      60_000,
      250,
    );
  }

  async function runTemplate(
    template: string,
    values: Record<string, unknown>,
    secrets?: Record<string, string>,
  ): Promise<TaskResult> {
    const run = await runScaffolderTask(baseUrl, AS_GUEST, {
      template,
      values,
      secrets,
    });
    const time = (e: ScaffolderTaskEvent) => Date.parse(e.createdAt);
    const stepTimes = new Map<string, { first: number; last: number }>();
    for (const event of run.events) {
      const stepId = event.body.stepId;
      if (stepId) {
        const seen = stepTimes.get(stepId);
        stepTimes.set(stepId, {
          first: seen?.first ?? time(event),
          last: time(event),
        });
      }
    }
    return {
      status: run.status,
      log: run.log,
      stored: JSON.stringify({ task: run.task, events: run.events }),
      durationMs: run.durationMs,
      steps: [...stepTimes].map(([stepId, t]) => ({
        id: stepId,
        durationMs: t.last - t.first,
      })),
    };
  }

  return {
    baseUrl,
    entityInCatalog,
    runTemplate,
    stop: () => backend.stop(),
  };
}
