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
import { join, resolve } from 'node:path';
import { scaffolderModuleAtonixServerless } from '../module';
import { localScaffolderConfig } from './localGit';

export const REPO_ROOT = resolve(__dirname, '../../../..');
const GUEST = 'user:default/guest';
const AS_GUEST = { Authorization: mockCredentials.user.header(GUEST) };

export interface TaskResult {
  status: string;
  log: string;
  /** The task (its spec and parameters) and every event, as the scaffolder's API returns them. */
  stored: string;
  /** From the request that created the task to the poll (every 50 ms) that saw it finished. */
  durationMs: number;
  /** Each step's duration from its first to its last event (event times have 1 s resolution). */
  steps: Array<{ id: string; durationMs: number }>;
}

/**
 * The local portal's scaffolding in one test backend: the real scaffolder (with the GitHub module
 * and ours) and the real catalog reading catalog/org.yaml and templates/ from this checkout,
 * publishing to the local git server at `gitBaseUrl`; requests are the guest's, a member of payments.
 * The clusters run what `options.runtimes` says; `options.database` is the `backend.database` config
 * (default: SQLite in memory).
 */
export async function startScaffolderBackend(
  gitBaseUrl: string,
  options: {
    /** `atonix.clusters.<cluster>.runtimes`; none: what gitops/ installs (Knative only). */
    runtimes?: Record<string, string[]>;
    database?: JsonObject;
  } = {},
) {
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
          atonix: {
            ...localScaffolderConfig(gitBaseUrl).atonix,
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

  async function catalogEntity(kind: string, name: string) {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/${kind}/default/${name}`,
      { headers: AS_GUEST },
    );
    return res.ok ? res.json() : undefined;
  }

  async function runTemplate(
    template: string,
    values: Record<string, unknown>,
    secrets?: Record<string, string>,
  ): Promise<TaskResult> {
    const startedAt = Date.now();
    const created = await fetch(`${baseUrl}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers: { ...AS_GUEST, 'content-type': 'application/json' },
      body: JSON.stringify({
        templateRef: `template:default/${template}`,
        values,
        secrets,
      }),
    });
    if (created.status !== 201) {
      throw new Error(
        `POST /v2/tasks: ${created.status} ${await created.text()}`,
      );
    }
    const { id } = await created.json();
    const task = await waitFor(
      `task ${id} of ${template}`,
      async () => {
        const res = await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}`, {
          headers: AS_GUEST,
        });
        const body = await res.json();
        return ['completed', 'failed', 'cancelled'].includes(body.status)
          ? body
          : undefined;
      },
      150_000,
      50,
    );
    const finishedAt = Date.now();
    const events: Array<{
      createdAt: string;
      body: { message?: string; stepId?: string };
    }> = await (
      await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}/events`, {
        headers: AS_GUEST,
      })
    ).json();
    const time = (e: { createdAt: string }) => Date.parse(e.createdAt);
    const stepTimes = new Map<string, { first: number; last: number }>();
    for (const event of events) {
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
      status: task.status,
      log: events.map(e => e.body.message ?? '').join('\n'),
      stored: JSON.stringify({ task, events }),
      durationMs: finishedAt - startedAt,
      steps: [...stepTimes].map(([stepId, t]) => ({
        id: stepId,
        durationMs: t.last - t.first,
      })),
    };
  }

  return {
    baseUrl,
    catalogEntity,
    runTemplate,
    stop: () => backend.stop(),
  };
}

/** Polls `probe` until it returns a value, for at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
}
