import { eventually } from './eventually';

/** An event of a scaffolder task, as `GET /v2/tasks/:id/events` returns it. */
export interface ScaffolderTaskEvent {
  createdAt: string;
  body: { message?: string; stepId?: string };
}

/** How a scaffolder task ended. */
export interface ScaffolderTaskRun {
  /** `completed`, `failed` or `cancelled`. */
  status: string;
  /** Every event's message, one a line: a failed task's log says why. */
  log: string;
  /** The task (its spec and parameters) as the scaffolder's API returns it. */
  task: { status: string; [key: string]: unknown };
  events: ScaffolderTaskEvent[];
  /** From the request that created the task to the poll that saw it end. */
  durationMs: number;
}

/**
 * Runs `template` through the scaffolder's task API of the backend at `baseUrl`, as the Create page
 * does, with `authorization` as the caller's `Authorization` header, and polls the task every
 * `pollMs` until it ends (for at most `timeoutMs`). A task the scaffolder refuses to create is an
 * error with its HTTP status and body.
 */
export async function runScaffolderTask(
  baseUrl: string,
  authorization: string,
  run: {
    template: string;
    values: Record<string, unknown>;
    secrets?: Record<string, string>;
  },
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<ScaffolderTaskRun> {
  const { timeoutMs = 150_000, pollMs = 50 } = options;
  const headers = { Authorization: authorization };
  const tasks = `${baseUrl}/api/scaffolder/v2/tasks`;
  const startedAt = Date.now();
  const created = await fetch(tasks, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      templateRef: `template:default/${run.template}`,
      values: run.values,
      secrets: run.secrets,
    }),
  });
  if (created.status !== 201) {
    throw new Error(
      `POST ${tasks} for ${run.template}: ${
        created.status
      } ${await created.text()}`,
    );
  }
  const { id } = await created.json();
  const task = await eventually(
    async () => {
      const body = await (await fetch(`${tasks}/${id}`, { headers })).json();
      if (!['completed', 'failed', 'cancelled'].includes(body.status)) {
        throw new Error(`task ${id} of ${run.template} is ${body.status}`);
      }
      return body;
    },
    timeoutMs,
    pollMs,
  );
  const durationMs = Date.now() - startedAt;
  const events: ScaffolderTaskEvent[] = await (
    await fetch(`${tasks}/${id}/events`, { headers })
  ).json();
  return {
    status: task.status,
    log: events.map(e => e.body.message ?? '').join('\n'),
    task,
    events,
    durationMs,
  };
}
