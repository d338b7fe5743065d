import type { FunctionTrafficTarget } from './functionSpec';
import type {
  FunctionHealth,
  FunctionRuntime,
  FunctionSortKey,
  SortOrder,
} from './values';

/**
 * The REST API of the Atonix Serverless backend (`/api/atonix-serverless`): what each route
 * answers and which query parameters it takes. The backend builds these objects, the frontend
 * renders them; neither redefines them.
 */

/** A Kubernetes condition status, as the controllers report it. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** One route of traffic to a revision, from a Knative Service's `status.traffic`. */
export interface TrafficTarget {
  revisionName: string;
  percent: number;
  /** The tag that gives this revision its own URL, when one is set. */
  tag?: string;
  /** True when the target follows the latest ready revision. */
  latest: boolean;
  /** The tag's own URL, when the route has one. */
  url?: string;
}

/** How a function scales; the values the runtime reads, not what the spec asked for. */
export interface FunctionAutoscaling {
  /** `kpa.autoscaling.knative.dev`, `hpa.autoscaling.knative.dev`, or `openfaas` for OpenFaaS. */
  class: string;
  /** `rps`, `concurrency`, `cpu`, `memory` or a custom metric name. */
  metric: string;
  target?: number;
  minScale: number;
  maxScale?: number;
  initialScale?: number;
}

/** What makes a function run besides HTTP: a Knative Trigger or an event source that sinks into it. */
export interface FunctionTriggerStatus {
  kind: 'Trigger' | 'RabbitmqSource' | 'KafkaSource';
  name: string;
  /** The Broker a Trigger subscribes to, or a source's sink Broker. */
  broker?: string;
  /** A Trigger's attribute filters (`spec.filter.attributes`). */
  filters?: Record<string, string>;
  /** Where a source reads from: a RabbitMQ queue/exchange or Kafka topics. */
  source?: string;
  ready: ConditionStatus;
  reason?: string;
  message?: string;
}

/** The Flux Kustomization that applies the function's manifests. */
export interface FunctionFluxStatus {
  kustomization: string;
  /** Namespace of the Kustomization (usually `flux-system` or the team's namespace). */
  namespace: string;
  ready: ConditionStatus;
  /** `status.lastAppliedRevision`, e.g. `main@sha1:2f1e…`. */
  revision?: string;
  message?: string;
}

/**
 * One function as a cluster reports it, derived from its Knative Service (with Revisions, Route,
 * Triggers, sources) or its OpenFaaS Function (with Deployment), and the Flux Kustomization.
 */
export interface FunctionStatus {
  cluster: string;
  namespace: string;
  team: string;
  name: string;
  runtime: FunctionRuntime;
  /** The runtime's Ready condition (Knative) or deployment availability (OpenFaaS). */
  ready: ConditionStatus;
  reason?: string;
  message?: string;
  url?: string;
  latestCreatedRevision?: string;
  latestReadyRevision?: string;
  traffic: TrafficTarget[];
  replicas: { desired: number; actual: number };
  /** True when the function runs no pods because it scaled to zero, not because it is broken. */
  scaledToZero: boolean;
  autoscaling: FunctionAutoscaling;
  critical: boolean;
  /** The spec's own cold-start objective (ms), when it sets one; else the default of its kind applies. */
  coldStartObjectiveMs?: number;
  triggers: FunctionTriggerStatus[];
  flux?: FunctionFluxStatus;
  /** `kind:namespace/name` of the catalog entity that describes this function, when there is one. */
  entityRef?: string;
  /**
   * Entity ref of the owning group: the catalog entity's `spec.owner`. Absent while the function is
   * not linked to its entity (then `notLinked` says why): an owner is never guessed from the team
   * label, and the permission rule "owned by one of the user's groups" then matches nobody.
   */
  owner?: string;
  /** Why the function is not linked to a catalog entity yet; absent once it is. */
  notLinked?: string;
  /** When the backend last heard from the cluster about this function (ISO 8601). */
  observedAt: string;
  /**
   * True while the backend cannot reach the cluster: the status is the last known one, and
   * `staleSeconds` says how old it is.
   */
  stale: boolean;
  staleSeconds?: number;
}

/**
 * An environment variable of a function. Values that come from a Secret are given as the
 * reference only; literal values that look like secrets are replaced by `redacted: true`.
 */
export type FunctionEnvVar =
  | { name: string; value: string }
  | { name: string; redacted: true }
  | {
      name: string;
      secretKeyRef: { name: string; key: string };
    }
  | {
      name: string;
      configMapKeyRef: { name: string; key: string };
    };

/** A Knative Revision (or the one OpenFaaS deployment) of a function. */
export interface FunctionRevision {
  name: string;
  ready: ConditionStatus;
  reason?: string;
  message?: string;
  image?: string;
  /** `status.actualReplicas` of a Knative Revision; available replicas of an OpenFaaS Deployment. */
  actualReplicas: number;
  desiredReplicas?: number;
  createdAt?: string;
  trafficPercent: number;
}

/** `GET /functions/:cluster/:namespace/:name`: the status plus what only one function needs. */
export interface FunctionDetails extends FunctionStatus {
  image?: string;
  env: FunctionEnvVar[];
  revisions: FunctionRevision[];
}

/**
 * Query of `GET /functions`. Multi-valued filters accept repeated parameters or a comma-separated
 * list; a function matches when it matches any value of each given filter.
 */
export interface FunctionListQuery {
  team?: string[];
  cluster?: string[];
  runtime?: FunctionRuntime[];
  health?: FunctionHealth[];
  scaledToZero?: boolean;
  /** Only functions with a firing alert (among those whose metrics the caller may read). */
  alerting?: boolean;
  /** Substring match on the function name. */
  search?: string;
  /** Default `name`. */
  sort?: FunctionSortKey;
  /** Default `asc`. */
  order?: SortOrder;
  /** Zero-based offset; default 0. */
  offset?: number;
  /** Page size; default 50, at most 500. */
  limit?: number;
}

/** Per-cluster state of the backend's watch connection. */
export interface ClusterSyncStatus {
  name: string;
  /** True once the first full list succeeded and the watches are running. */
  synced: boolean;
  stale: boolean;
  /** When the cache last heard from this cluster (ISO 8601); absent before the first list. */
  lastSyncAt?: string;
  /** The last error while listing or watching, when there is one. */
  error?: string;
}

/**
 * A function's traffic over the last 5 minutes, from the backend's periodic fleet-wide Prometheus
 * snapshot (not a live query). A figure is `null` where there was nothing to measure: no series,
 * no requests (error rate) or no latency samples (p95).
 */
export interface FunctionFleetMetrics {
  /** Requests per second. */
  requestRate: number | null;
  /** Share of 5xx responses, 0..1. */
  errorRate: number | null;
  p95LatencyMs: number | null;
  /**
   * Starts from zero in the last hour, all revisions; `null` where the runtime records none, or
   * for a function with neither a start nor a request in the hour.
   */
  coldStarts1h: number | null;
  /** Highest p95 wait for a start from zero in the last hour, slowest revision; `null` without one. */
  coldStartP95Ms: number | null;
}

/** A row of the fleet list: the status plus its traffic figures, or why they are missing. */
export interface FunctionListItem extends FunctionStatus {
  metrics: FunctionFleetMetrics | Unavailable;
  /** Firing alerts, gated like `metrics`. */
  alerts?: FunctionFleetAlerts | Unavailable;
}

/** `GET /functions`. */
export interface FunctionListResponse {
  items: FunctionListItem[];
  /** Functions matching the filters, before pagination. */
  totalCount: number;
  offset: number;
  limit: number;
  clusters: ClusterSyncStatus[];
}

/** `GET /entity/:kind/:namespace/:name`: the functions a catalog entity describes. */
export interface EntityFunctionsResponse {
  entityRef: string;
  items: FunctionStatus[];
}

/**
 * The shape of a part of a response that could not be produced (Prometheus or Loki down, slow or
 * not configured). The rest of the response is unaffected.
 */
export interface Unavailable {
  unavailable: string;
}

/** True when a metrics or logs part is the unavailable shape. */
export function isUnavailable<T extends object>(
  part: T | Unavailable,
): part is Unavailable {
  return typeof (part as Unavailable).unavailable === 'string';
}

/** The time windows the metrics route accepts. */
export const METRICS_WINDOWS = ['5m', '15m', '1h', '6h', '24h', '7d'] as const;
/** A time window of the metrics route. */
export type MetricsWindow = (typeof METRICS_WINDOWS)[number];

/** Query of `GET /functions/:cluster/:namespace/:name/metrics`. */
export interface FunctionMetricsQuery {
  /** Default `1h`. */
  window?: MetricsWindow;
}

/** One chart line: `[unix seconds, value]` pairs from a Prometheus range query. */
export interface MetricSeries {
  /** What the line is, e.g. `requests/s`, `p95 ms`, or a revision name. */
  label: string;
  points: Array<[number, number]>;
}

/** The figures of one function over one window. A number is `null` where there was no traffic. */
export interface FunctionMetrics {
  window: MetricsWindow;
  /** Requests per second, averaged over the window. */
  requestRate: number;
  /** Latency quantiles in milliseconds. */
  latency: { p50: number | null; p95: number | null; p99: number | null };
  /** Share of 5xx responses, 0..1; `null` without requests. */
  errorRate: number | null;
  /** Ready pods now. */
  replicas: number;
  /**
   * Scale-from-zero events in the window: times the function's ready pod count went from 0 to
   * more than 0 (Knative: `kn_revision_pods_count`; OpenFaaS: `gateway_service_count`).
   */
  coldStarts: number;
  /**
   * Starts from zero measured by the platform's recording rules; absent for a runtime that records
   * none (OpenFaaS).
   */
  coldStart?: FunctionColdStarts;
  /** Chart series over the window. */
  series: {
    requestRate: MetricSeries[];
    /** Three lines: `p50 ms`, `p95 ms` and `p99 ms`. */
    latency: MetricSeries[];
    errorRate: MetricSeries[];
    replicas: MetricSeries[];
  };
}

/**
 * How often requests waited for a start from zero and how long, from the platform's per-revision
 * recorded series (`atonix_revision:cold_starts:count1h`, `atonix_revision:cold_start_ms:p95_5m`).
 */
export interface FunctionColdStarts {
  /** Starts from zero in the last hour, all revisions. */
  count1h: number;
  /**
   * The highest 5-minute p95 of the wait in the last hour, slowest revision; `null` when no request
   * waited in the hour.
   */
  p95Ms: number | null;
  /** The p95 the function's objective allows (the default for a critical or standard function). */
  objectiveMs: number;
  /** The same two figures per revision, revisions with a start or a wait only. */
  revisions: Array<{ revision: string; count1h: number; p95Ms: number | null }>;
  /** Over the window, each point looking an hour back: `starts in 1h` and `p95 ms`. */
  series: MetricSeries[];
}

/** `GET /functions/:cluster/:namespace/:name/metrics`. */
export type FunctionMetricsResponse = FunctionMetrics | Unavailable;

/** Query of `GET /functions/:cluster/:namespace/:name/logs`. */
export interface FunctionLogsQuery {
  /** How far back, as a duration (`15m`, `1h`, `24h`); default `1h`. */
  since?: string;
  /** At most this many lines; default 200, at most 1000. */
  limit?: number;
  /** Only this Knative revision's pods. */
  revision?: string;
  /** `backward` (newest first, the default) or `forward`. */
  direction?: 'backward' | 'forward';
  /** Only lines that contain this text (case-sensitive). */
  filter?: string;
}

/** One log line from Loki. */
export interface FunctionLogLine {
  /** ISO 8601 with nanoseconds dropped to milliseconds. */
  timestamp: string;
  line: string;
  /** The stream's labels (pod, container, revision…). */
  labels: Record<string, string>;
}

/** Log lines of one function. */
export interface FunctionLogs {
  lines: FunctionLogLine[];
  /** True when more lines matched than `limit` let through. */
  truncated: boolean;
  /** The LogQL query that was run, so users can take it to Grafana. */
  query: string;
}

/** `GET /functions/:cluster/:namespace/:name/logs`. */
export type FunctionLogsResponse = FunctionLogs | Unavailable;

/**
 * One alert about a function, as its cluster's Alertmanager reports it: alerts labelled with the
 * function's `team` and `function` (the ones rendered from its objectives).
 */
export interface FunctionAlert {
  /** Alertmanager's fingerprint of the alert's labels. */
  fingerprint: string;
  /** The alert's name (`alertname`), e.g. `FunctionErrorBudgetFastBurn`. */
  name: string;
  /** `info`, `warning` or `critical`. */
  severity: string;
  state: 'firing' | 'resolved';
  summary?: string;
  description?: string;
  startsAt: string;
  /** When it resolved (resolved alerts only). */
  endsAt?: string;
  labels: Record<string, string>;
}

/** `GET /functions/:cluster/:namespace/:name/alerts`: firing now, and resolved recently. */
export interface FunctionAlerts {
  firing: FunctionAlert[];
  /** Newest first; kept for `atonix.alerts.resolvedRetentionHours` (default 24). */
  resolved: FunctionAlert[];
}

export type FunctionAlertsResponse = FunctionAlerts | Unavailable;

/** The Functions page's alert column: how many alerts fire and the most urgent severity. */
export interface FunctionFleetAlerts {
  firing: number;
  severity?: string;
}

/** A commit the portal made to the GitOps repository (the local portal's stand-in for a pull request). */
export interface GitopsCommit {
  /** The full commit SHA. */
  commit: string;
  /** Its first line. */
  subject: string;
  /** Who asked for it in the portal (a user entity ref). */
  requestedBy: string;
  /** ISO 8601. */
  committedAt: string;
}

/**
 * `GET /functions/:cluster/:namespace/:name/traffic`: the traffic the function's `function.yaml`
 * asks for in the GitOps repository, the revisions git has named (what a split or rollback may
 * route to), and the portal's change Flux has not applied yet, if any. What the cluster routes now
 * is `FunctionStatus.traffic`.
 */
export interface FunctionTrafficView {
  /** `function.yaml`'s path in the GitOps repository. */
  file: string;
  /** The revision the spec creates now (the candidate), when it names one. */
  revisionName?: string;
  traffic: FunctionTrafficTarget[];
  /** Revision names the git history of `function.yaml` holds, the current one included. */
  namedRevisions: string[];
  /** The newest traffic change from the portal, while Flux has not applied it. */
  pending?: GitopsCommit;
  /** The newest traffic change from the portal, once Flux has applied it (its commit or a later one). */
  applied?: GitopsCommit;
  /** With `publishTarget: github`: the function's traffic pull request while it is open. */
  pullRequest?: TrafficPullRequest;
  /**
   * With `publishTarget: github`, when GitHub could not be asked about the pull request: why. The
   * rest of the view is read from git and stands.
   */
  pullRequestUnknown?: string;
}

/** An open pull request of the function-traffic template (branch `traffic-<function>`) on GitHub. */
export interface TrafficPullRequest {
  number: number;
  /** Its page on GitHub. */
  url: string;
  title: string;
  /** The split the pull request's `function.yaml` proposes. */
  traffic: FunctionTrafficTarget[];
  /** When it was opened, ISO 8601. */
  openedAt: string;
}

/**
 * A change through GitOps the portal started as a scaffolder task (`/create/tasks/<taskId>`): a
 * commit to the local GitOps repository, or a pull request on GitHub. `POST …/traffic` and
 * `POST …/secrets` answer it.
 */
export interface GitopsChangeTask {
  taskId: string;
}

/**
 * The events topic on which the backend announces where functions run (Backstage's events
 * service): one event per burst of changes, never while nothing changes. The catalog module keeps
 * its drift view from it instead of re-reading `GET /functions`.
 */
export const FUNCTION_PLACEMENTS_TOPIC =
  'atonix-serverless.function-placements';

/** A function as the catalog module's drift check needs it: where it runs and whose it is. */
export type FunctionPlacement = Pick<
  FunctionStatus,
  'cluster' | 'namespace' | 'name' | 'team' | 'runtime' | 'critical'
>;

/** The payload of a {@link FUNCTION_PLACEMENTS_TOPIC} event. */
export interface FunctionPlacementsEvent {
  /** Functions that appeared or whose placement (team, criticality) changed. */
  upserted: FunctionPlacement[];
  /** Functions that are gone. */
  removed: Array<
    Pick<FunctionStatus, 'cluster' | 'runtime' | 'namespace' | 'name'>
  >;
  /** Every cluster's sync state now: drift is only judged on synced, fresh clusters. */
  clusters: ClusterSyncStatus[];
}

/**
 * `POST /functions/:cluster/:namespace/:name/secrets`: a Secret of the function's team to write
 * (encrypted with SOPS to the team's public keys, committed through GitOps), one key at a time.
 */
export interface FunctionSecretRequest {
  /** The Secret's name in the team namespace; an existing Secret of that name is replaced. */
  name: string;
  key: string;
  /** Sent once, never returned or logged. */
  value: string;
  /** An env var of the function to read this key (its secretKeyRef). */
  envName?: string;
}

/** The scaffolder task that encrypts and commits the secret. */
export type FunctionSecretResponse = GitopsChangeTask;

/**
 * Whether a function runtime runs on every cluster (`GET /runtimes`): the template form asks before
 * a run, so a template whose runtime some cluster lacks says so on its first page.
 */
export interface RuntimeAvailability {
  runtime: FunctionRuntime;
  provided: boolean;
  /** Which clusters lack it and what to do instead; only when not provided. */
  reason?: string;
}
