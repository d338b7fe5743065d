import fs from 'node:fs/promises';
import path from 'node:path';
import {
  FunctionSpec,
  formatFunctionSpecIssues,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { parseFunctionFile } from '@internal/backstage-plugin-atonix-serverless-node';
import {
  KubeObject,
  LokiStream,
  SeedSeries,
  blockedTenantKustomizations,
  broker,
  coldStartRecordedSeries,
  fluxKustomization,
  fluxReceiver,
  kafkaSource,
  knativeFunction,
  knativeRevisionSeries,
  openfaasFunction,
  openfaasGatewaySeries,
  rabbitmqSource,
  teamNamespace,
  trigger,
} from '@internal/atonix-test-servers';

/**
 * The demo cluster is the repository's own example functions (`gitops/functions/<team>/<fn>/
 * function.yaml`), as Knative, OpenFaaS and Flux would report them once deployed, with made-up
 * traffic. Nothing here is read back by the portal except through the test servers.
 */

/** How busy a demo function is. */
export interface DemoTraffic {
  rps: number;
  errorShare?: number;
  latencyMs: number;
  /** Ready pods now; 0 shows a function that scaled to zero. */
  replicas: number;
  /** For a function at zero: how long ago its last request came. */
  idleMinutes?: number;
  /** Serve 10 % from the previous revision under the tag `previous` (a canary). */
  canary?: boolean;
}

/**
 * Traffic of the example functions, chosen so the demo shows every state of the UI: a canary with
 * errors, a critical function kept warm, an event-driven function at zero, an OpenFaaS function.
 * A function added to gitops/functions later gets the default.
 */
const EXAMPLE_TRAFFIC: Record<string, DemoTraffic> = {
  'charge-card': {
    rps: 12,
    errorShare: 0.02,
    latencyMs: 60,
    replicas: 2,
    canary: true,
  },
  'fraud-score': { rps: 25, latencyMs: 20, replicas: 2 },
  'order-events': { rps: 0.5, latencyMs: 150, replicas: 0, idleMinutes: 12 },
  'report-export': { rps: 0.3, latencyMs: 800, replicas: 1 },
};
const DEFAULT_TRAFFIC: DemoTraffic = { rps: 1, latencyMs: 40, replicas: 1 };

export function trafficOf(spec: FunctionSpec): DemoTraffic {
  return EXAMPLE_TRAFFIC[spec.name] ?? DEFAULT_TRAFFIC;
}

/** When a function's last request came: now, or `idleMinutes` ago for one at zero. */
function lastRequestAt(traffic: DemoTraffic, now: number): number {
  return now - (traffic.idleMinutes ?? 0) * 60_000;
}

/** Reads every `function.yaml` under `<gitopsDir>/functions`; a broken one stops the demo with its problems. */
export async function readExampleFunctions(
  gitopsDir: string,
): Promise<FunctionSpec[]> {
  const functionsDir = path.join(gitopsDir, 'functions');
  const specs: FunctionSpec[] = [];
  for (const team of await subfolders(functionsDir)) {
    for (const name of await subfolders(path.join(functionsDir, team))) {
      const file = path.join(functionsDir, team, name, 'function.yaml');
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) {
        continue;
      }
      const result = parseFunctionFile(text);
      if (!result.success) {
        throw new Error(
          `${file} is not a valid function spec; fix it or run 'yarn atonix render' on it:\n${formatFunctionSpecIssues(
            result.issues,
          )}`,
        );
      }
      specs.push(result.spec);
    }
  }
  return specs;
}

async function subfolders(dir: string) {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();
}

const revisionName = (name: string, n: number) =>
  `${name}-${String(n).padStart(5, '0')}`;

/** The revisions a demo Knative function has: two for a canary, one otherwise. */
function revisionsOf(spec: FunctionSpec) {
  return trafficOf(spec).canary ? [1, 2] : [1];
}

/** The team whose functions wait on a broken platform Kustomization, so the trace shows a blocker. */
export const BLOCKED_DEMO_TEAM = 'analytics';

/** The path of a team's Flux Receiver webhook in the demo (a real one is a hash of its token). */
export const demoWebhookPath = (team: string) => `/hook/demo-${team}`;

/**
 * What the cluster's API server holds for these functions: namespaces, Flux (each team's
 * Kustomization, `appliedRevision` when known, and Receiver; the {@link BLOCKED_DEMO_TEAM} behind a
 * failing `infra-configs`), Knative, OpenFaaS, eventing.
 */
export function demoKubeObjects(
  specs: FunctionSpec[],
  appliedRevision?: string,
): KubeObject[] {
  const teams = [...new Set(specs.map(spec => spec.team))].sort();
  const objects: KubeObject[] = teams.flatMap(team => [
    teamNamespace(team),
    ...(team === BLOCKED_DEMO_TEAM
      ? blockedTenantKustomizations(team)
      : [fluxKustomization({ team, revision: appliedRevision })]),
    fluxReceiver({
      kustomization: `functions-${team}`,
      webhookPath: demoWebhookPath(team),
    }),
  ]);
  if (specs.some(spec => spec.runtime === 'openfaas')) {
    objects.push(teamNamespace('openfaas-fn', 'platform'));
  }
  for (const spec of specs) {
    const traffic = trafficOf(spec);
    if (spec.runtime === 'openfaas') {
      objects.push(
        ...openfaasFunction({
          name: spec.name,
          team: spec.team,
          image: spec.image,
          replicas: traffic.replicas,
          critical: spec.critical,
        }),
      );
      continue;
    }
    objects.push(...demoKnativeService(spec));
    if (spec.trigger.type === 'cloudevents') {
      const { filters, source } = spec.trigger;
      objects.push(
        broker(spec.team, spec.trigger.broker),
        trigger({
          namespace: spec.team,
          name: spec.name,
          function: spec.name,
          broker: spec.trigger.broker,
          type: filters.type ?? 'com.atonix.event',
        }),
      );
      if (source?.type === 'rabbitmq') {
        objects.push(
          rabbitmqSource({
            namespace: spec.team,
            name: `${spec.name}-source`,
            function: spec.name,
            queue: source.queue,
          }),
        );
      } else if (source?.type === 'kafka') {
        objects.push(
          kafkaSource({
            namespace: spec.team,
            name: `${spec.name}-source`,
            function: spec.name,
            topics: source.topics,
          }),
        );
      }
    }
  }
  return objects;
}

/**
 * A Knative function of the demo as Knative reports it: its revisions (two for a canary), and the
 * traffic split. Seeded, a canary serves 10 % from its previous revision under the tag `previous`;
 * with `followGit`, the split is the one `function.yaml` asks for ({@link demoSplit}), as after Flux
 * applied a traffic change.
 */
export function demoKnativeService(
  spec: FunctionSpec,
  options: { followGit?: boolean } = {},
): KubeObject[] {
  const traffic = trafficOf(spec);
  const revisions = revisionsOf(spec);
  let split: Parameters<typeof knativeFunction>[0]['traffic'];
  if (options.followGit) {
    split = demoSplit(spec, revisions);
  } else if (traffic.canary) {
    split = [
      { revision: 2, percent: 90 },
      { revision: 1, percent: 10, tag: 'previous' },
    ];
  }
  return knativeFunction({
    namespace: spec.team,
    name: spec.name,
    image: spec.image,
    revisions,
    replicas: traffic.replicas,
    critical: spec.critical,
    minScale: spec.scaling.minScale,
    maxScale: spec.scaling.maxScale,
    traffic: split,
  });
}

/**
 * The split of `function.yaml` on the demo's revisions, whose names are Knative's generated ones,
 * not git's: the candidate (`latestRevision`, or the spec's own `revisionName`) is the newest demo
 * revision, a revision git named earlier the one before it.
 */
export function demoSplit(spec: FunctionSpec, revisions: number[]) {
  const newest = revisions[revisions.length - 1];
  const previous = revisions[revisions.length - 2] ?? newest;
  return (spec.traffic ?? [{ latestRevision: true, percent: 100 }]).map(
    target => ({
      revision:
        target.latestRevision || target.revisionName === spec.revisionName
          ? newest
          : previous,
      percent: target.percent,
      latest: target.latestRevision === true,
      ...(target.tag ? { tag: target.tag } : {}),
    }),
  );
}

/** An idle function's ready pods per minute over its 30 seeded minutes: it woke up twice. */
const IDLE_PODS_PER_MINUTE = [0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0];
/** How long requests waited at p95 while it started: above the default objective (5 s). */
const IDLE_COLD_START_P95_MS = 6200;

/**
 * What the platform's cold-start recording rules would have written for an idle function's latest
 * revision over the last hour, from its wake-ups: the count of starts in the hour before each
 * minute, and a p95 wait for the 5 minutes after each start.
 */
function idleColdStarts(
  spec: FunctionSpec,
  revision: string,
  idleMinutes: number,
  now: number,
): SeedSeries[] {
  // Minutes before `now` of each start: the pod count goes from 0 to more in the seeded 30 minutes.
  const startsAgo = IDLE_PODS_PER_MINUTE.flatMap((pods, i) =>
    i > 0 && pods > 0 && IDLE_PODS_PER_MINUTE[i - 1] === 0
      ? [idleMinutes + 30 - i]
      : [],
  );
  const minutes = 60;
  const ago = (k: number) => minutes - k;
  return coldStartRecordedSeries({
    namespace: spec.team,
    service: spec.name,
    revision,
    minutes,
    now,
    countPerMinute: Array.from(
      { length: minutes + 1 },
      (_, k) => startsAgo.filter(a => a >= ago(k) && a < ago(k) + 60).length,
    ),
    p95MsPerMinute: Array.from({ length: minutes + 1 }, (_, k) =>
      startsAgo.some(a => a >= ago(k) && a < ago(k) + 5)
        ? IDLE_COLD_START_P95_MS
        : null,
    ),
  });
}

/**
 * Queue-proxy (Knative) and gateway (OpenFaaS) series for the last 30 minutes, and the recorded cold
 * starts of idle Knative functions for the last hour.
 */
export function demoSeries(
  specs: FunctionSpec[],
  now = Date.now(),
): SeedSeries[] {
  return specs.flatMap(spec => {
    const traffic = trafficOf(spec);
    // An idle function scaled up twice before its last request.
    const end = lastRequestAt(traffic, now);
    if (spec.runtime === 'openfaas') {
      return openfaasGatewaySeries({
        name: spec.name,
        namespace: 'openfaas-fn',
        rps: traffic.rps,
        errorShare: traffic.errorShare,
        latencySeconds: traffic.latencyMs / 1000,
        replicasPerMinute: [traffic.replicas],
        now: end,
      });
    }
    const revisions = revisionsOf(spec);
    const latest = revisionName(spec.name, revisions[revisions.length - 1]);
    const coldStarts = traffic.idleMinutes
      ? idleColdStarts(spec, latest, traffic.idleMinutes, now)
      : [];
    const served = revisions.flatMap(n =>
      knativeRevisionSeries({
        namespace: spec.team,
        service: spec.name,
        revision: revisionName(spec.name, n),
        // A canary's previous revision gets its 10 %.
        rps:
          traffic.canary && n !== revisions[revisions.length - 1]
            ? traffic.rps * 0.1
            : traffic.rps * (traffic.canary ? 0.9 : 1),
        errorShare: traffic.errorShare,
        latencyMs: traffic.latencyMs,
        podsPerMinute: traffic.idleMinutes
          ? IDLE_PODS_PER_MINUTE
          : [traffic.replicas],
        now: end,
      }),
    );
    return [...served, ...coldStarts];
  });
}

/** A few log lines per function and revision, labelled the way the platform's log shipper labels them. */
export function demoLogs(
  specs: FunctionSpec[],
  now = Date.now(),
): LokiStream[] {
  return specs.flatMap(spec => {
    const traffic = trafficOf(spec);
    const namespace = spec.runtime === 'openfaas' ? 'openfaas-fn' : spec.team;
    const end = lastRequestAt(traffic, now);
    const revisions =
      spec.runtime === 'openfaas'
        ? [undefined]
        : revisionsOf(spec).map(n => revisionName(spec.name, n));
    return revisions.map((revision, index) => {
      const lines = [
        `{"level":"info","msg":"listening on :${spec.port}","image":"${spec.image}"}`,
        `{"level":"info","msg":"handled request","status":200,"ms":${traffic.latencyMs}}`,
        ...(traffic.errorShare
          ? [`{"level":"error","msg":"upstream timed out","status":503}`]
          : []),
        `{"level":"info","msg":"handled request","status":200,"ms":${
          traffic.latencyMs + index
        }}`,
      ];
      return {
        stream: {
          namespace,
          backstage_io_kubernetes_id: spec.name,
          pod: `${revision ?? spec.name}-deployment-5c9f7d6b8-abcde`,
          container: 'user-container',
          ...(revision ? { serving_knative_dev_revision: revision } : {}),
        },
        values: lines.map((line, i): [string, string] => [
          `${BigInt(end - (lines.length - i) * 7_000) * 1_000_000n}`,
          line,
        ]),
      };
    });
  });
}
