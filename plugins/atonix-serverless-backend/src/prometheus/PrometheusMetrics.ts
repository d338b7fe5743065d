import {
  FunctionFleetMetrics,
  FunctionMetricsResponse,
  FunctionStatus,
  MetricSeries,
  MetricsWindow,
  Unavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { AtonixCluster } from '../clusters';
import { labelSelector, parseDurationSeconds } from '../queryLanguage';
import { fetchWithTimeout, orUnavailable, queryTimeoutMs } from '../upstream';

/** Chart lines per series (e.g. revisions) and points per line, so one answer stays small. */
const MAX_SERIES = 10;
const POINTS_PER_CHART = 60;
/** The latency chart's lines. */
const LATENCY_QUANTILES = [0.5, 0.95, 0.99];

interface Queries {
  /** Requests per second; `by` splits it further by a label for charts. */
  requestRate(range: string, by?: string): string;
  /** Share of 5xx responses; 0 with requests but no 5xx series, nothing without requests. */
  errorRate(range: string): string;
  latency(quantile: number, range: string): string;
  /** Ready pods of the function, as one series; `offset` looks back in time (`15s`). */
  pods(offset?: string): string;
  /** A label to split request-rate charts by (revision for Knative). */
  splitBy?: string;
}

/** A `by (…)` clause over the given labels; none gives the empty string (one total). */
function byClause(labels: Array<string | undefined>): string {
  const names = labels.filter(Boolean);
  return names.length ? ` by (${names.join(', ')})` : '';
}

/**
 * Queries over one request counter and latency histogram. `group` keeps one result per value of
 * those labels (one per function for the fleet snapshot); without it each query gives one total.
 */
function requestQueries(options: {
  requests: string;
  buckets: string;
  /** Multiplier that turns the histogram's unit into milliseconds. */
  toMs: number;
  selector: string;
  errorSelector: string;
  group: string[];
}): Pick<Queries, 'requestRate' | 'errorRate' | 'latency'> {
  const { requests, buckets, selector, errorSelector, group } = options;
  const by = byClause(group);
  const all = (r: string) => `sum${by} (rate(${requests}${selector}[${r}]))`;
  return {
    requestRate: (r, split) =>
      `sum${byClause([...group, split])} (rate(${requests}${selector}[${r}]))`,
    // Counters for 5xx exist only once a 5xx happened: without them the share is 0, not unknown.
    errorRate: r =>
      `(sum${by} (rate(${requests}${errorSelector}[${r}])) or 0 * ${all(
        r,
      )}) / ${all(r)}`,
    latency: (q, r) =>
      `${
        options.toMs === 1 ? '' : `${options.toMs} * `
      }histogram_quantile(${q}, sum${byClause([
        ...group,
        'le',
      ])} (rate(${buckets}${selector}[${r}])))`,
  };
}

/**
 * PromQL over the series Knative (1.19+, OpenTelemetry names) exports: queue-proxy's
 * `kn_serving_invocation_duration_seconds_count|bucket` (seconds, `http_response_status_code`) and
 * the autoscaler's `kn_revision_pods_count`, selected by `k8s_namespace_name` and
 * `kn_configuration_name` (a Knative Service's configuration has its name); the GitOps PodMonitor
 * gives queue-proxy series these names (gitops/infrastructure/configs/base/monitoring/queue-proxy.yaml). Without `labels`, grouped by `group` over every function.
 */
function knativeQueries(
  labels: Record<string, string>,
  group: string[] = [],
): Queries {
  const sel = labelSelector(labels);
  return {
    ...requestQueries({
      requests: 'kn_serving_invocation_duration_seconds_count',
      buckets: 'kn_serving_invocation_duration_seconds_bucket',
      toMs: 1000,
      selector: sel,
      errorSelector: labelSelector(labels, {
        http_response_status_code: '5..',
      }),
      group,
    }),
    pods: offset =>
      `sum(kn_revision_pods_count${sel}${offset ? ` offset ${offset}` : ''})`,
    splitBy: 'kn_revision_name',
  };
}

/**
 * PromQL over the OpenFaaS gateway's series (`gateway_function_invocation_total{function_name,
 * code}`, `gateway_functions_seconds_bucket` in seconds, `gateway_service_count`), where
 * `function_name` is `<name>.<namespace>`.
 */
function openfaasQueries(
  labels: Record<string, string>,
  group: string[] = [],
): Queries {
  const sel = labelSelector(labels);
  return {
    ...requestQueries({
      requests: 'gateway_function_invocation_total',
      buckets: 'gateway_functions_seconds_bucket',
      toMs: 1000,
      selector: sel,
      errorSelector: labelSelector(labels, { code: '5..' }),
      group,
    }),
    pods: offset =>
      `sum(gateway_service_count${sel}${offset ? ` offset ${offset}` : ''})`,
  };
}

function queriesFor(fn: FunctionStatus): Queries {
  return fn.runtime === 'knative'
    ? knativeQueries({
        k8s_namespace_name: fn.namespace,
        kn_configuration_name: fn.name,
      })
    : openfaasQueries({ function_name: `${fn.name}.${fn.namespace}` });
}

/** The range of the fleet snapshot's rates: recent enough to sort by, long enough to be steady. */
export const FLEET_METRICS_RANGE = '5m';

/** `<runtime>:<namespace>/<name>`: how the fleet snapshot keys a function. */
export function fleetMetricsKey(fn: {
  runtime: FunctionStatus['runtime'];
  namespace: string;
  name: string;
}): string {
  return `${fn.runtime}:${fn.namespace}/${fn.name}`;
}

type Sample = { metric: Record<string, string>; value: [number, string] };
type RangeSeries = {
  metric: Record<string, string>;
  values: Array<[number, string]>;
};

/**
 * Request rate, latency quantiles, error rate, replicas and cold starts of one function from the
 * cluster's Prometheus, plus chart series. Every call has a timeout; when Prometheus is not
 * configured, down, slow or refuses a query the answer is `{ unavailable: <reason> }` and nothing
 * else in the API is affected.
 */
export class PrometheusMetrics {
  readonly #timeoutMs: number;

  static create(options: { timeoutMs: number }): PrometheusMetrics {
    return new PrometheusMetrics(options.timeoutMs);
  }

  private constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  async functionMetrics(
    cluster: AtonixCluster,
    fn: FunctionStatus,
    window: MetricsWindow,
    now = Date.now(),
  ): Promise<FunctionMetricsResponse> {
    if (!cluster.prometheusUrl) {
      return notConfigured(cluster);
    }
    const queries = queriesFor(fn);
    const windowSeconds = parseDurationSeconds(window)!;
    const step = Math.max(15, Math.ceil(windowSeconds / POINTS_PER_CHART));
    // A rate needs at least two scrapes inside its range; charts use a range of a few steps.
    const chartRange = `${Math.max(60, step * 2)}s`;
    const end = Math.floor(now / 1000);
    const start = end - windowSeconds;
    // Cold starts: evaluation steps (every `coldStep`) at which the ready pod count is above zero
    // and was zero one step earlier, i.e. scale-from-zero events at that resolution.
    const coldStep = Math.max(15, Math.ceil(windowSeconds / 240));
    const coldStarts = `sum(count_over_time((${queries.pods()} > 0 and ${queries.pods(
      `${coldStep}s`,
    )} == 0)[${windowSeconds}s:${coldStep}s]))`;
    const prometheus = cluster.prometheusUrl;
    return orUnavailable(async () => {
      const [
        rate,
        errorRate,
        p50,
        p95,
        p99,
        pods,
        cold,
        rateSeries,
        p50Series,
        p95Series,
        p99Series,
        errorSeries,
        podSeries,
      ] = await Promise.all([
        this.#instant(prometheus, queries.requestRate(window), end),
        this.#instant(prometheus, queries.errorRate(window), end),
        this.#instant(prometheus, queries.latency(0.5, window), end),
        this.#instant(prometheus, queries.latency(0.95, window), end),
        this.#instant(prometheus, queries.latency(0.99, window), end),
        this.#instant(prometheus, queries.pods(), end),
        this.#instant(prometheus, coldStarts, end),
        this.#range(
          prometheus,
          queries.requestRate(chartRange, queries.splitBy),
          start,
          end,
          step,
        ),
        ...LATENCY_QUANTILES.map(q =>
          this.#range(
            prometheus,
            queries.latency(q, chartRange),
            start,
            end,
            step,
          ),
        ),
        this.#range(
          prometheus,
          queries.errorRate(chartRange),
          start,
          end,
          step,
        ),
        this.#range(prometheus, queries.pods(), start, end, step),
      ]);
      return {
        window,
        // Averaged over the window: rate over the whole window evaluated at its end.
        requestRate: scalar(rate) ?? 0,
        latency: { p50: scalar(p50), p95: scalar(p95), p99: scalar(p99) },
        errorRate: scalar(errorRate),
        replicas: scalar(pods) ?? fn.replicas.actual,
        coldStarts: scalar(cold) ?? 0,
        series: {
          requestRate: toChart(rateSeries, 'requests/s', queries.splitBy),
          latency: [
            ...toChart(p50Series, 'p50 ms'),
            ...toChart(p95Series, 'p95 ms'),
            ...toChart(p99Series, 'p99 ms'),
          ],
          errorRate: toChart(errorSeries, 'error rate'),
          replicas: toChart(podSeries, 'ready pods'),
        },
      };
    });
  }

  /**
   * Request rate, error rate and p95 of every function in a cluster over the last
   * {@link FLEET_METRICS_RANGE}, keyed by {@link fleetMetricsKey}: one query per figure and runtime,
   * whatever the number of functions. Functions without series are absent.
   */
  async fleetMetrics(
    cluster: AtonixCluster,
    now = Date.now(),
  ): Promise<Map<string, FunctionFleetMetrics> | Unavailable> {
    if (!cluster.prometheusUrl) {
      return notConfigured(cluster);
    }
    const range = FLEET_METRICS_RANGE;
    const time = Math.floor(now / 1000);
    const runtimes = [
      {
        queries: knativeQueries({}, [
          'k8s_namespace_name',
          'kn_configuration_name',
        ]),
        keyOf: (m: Record<string, string>) =>
          fleetMetricsKey({
            runtime: 'knative',
            namespace: m.k8s_namespace_name ?? '',
            name: m.kn_configuration_name ?? '',
          }),
      },
      {
        queries: openfaasQueries({}, ['function_name']),
        // `<name>.<namespace>`: a function name is a DNS label, so the first dot splits them.
        keyOf: (m: Record<string, string>) => {
          const [name, ...namespace] = (m.function_name ?? '').split('.');
          return fleetMetricsKey({
            runtime: 'openfaas',
            namespace: namespace.join('.'),
            name,
          });
        },
      },
    ];
    return orUnavailable(async () => {
      const result = new Map<string, FunctionFleetMetrics>();
      const figure = (key: string) => {
        let entry = result.get(key);
        if (!entry) {
          entry = { requestRate: null, errorRate: null, p95LatencyMs: null };
          result.set(key, entry);
        }
        return entry;
      };
      await Promise.all(
        runtimes.map(async ({ queries, keyOf }) => {
          const [rates, errors, p95s] = await Promise.all([
            this.#instant(
              cluster.prometheusUrl!,
              queries.requestRate(range),
              time,
            ),
            this.#instant(
              cluster.prometheusUrl!,
              queries.errorRate(range),
              time,
            ),
            this.#instant(
              cluster.prometheusUrl!,
              queries.latency(0.95, range),
              time,
            ),
          ]);
          for (const sample of rates) {
            figure(keyOf(sample.metric)).requestRate = scalar([sample]);
          }
          for (const sample of errors) {
            figure(keyOf(sample.metric)).errorRate = scalar([sample]);
          }
          for (const sample of p95s) {
            figure(keyOf(sample.metric)).p95LatencyMs = scalar([sample]);
          }
        }),
      );
      return result;
    });
  }

  async #instant(base: string, query: string, time: number): Promise<Sample[]> {
    return this.#call(base, 'query', { query, time: String(time) });
  }

  async #range(
    base: string,
    query: string,
    start: number,
    end: number,
    step: number,
  ): Promise<RangeSeries[]> {
    return this.#call(base, 'query_range', {
      query,
      start: String(start),
      end: String(end),
      step: String(step),
    });
  }

  async #call(base: string, endpoint: string, params: Record<string, string>) {
    const what = `Prometheus at ${base}`;
    const res = await fetchWithTimeout(
      `${base}/api/v1/${endpoint}?${new URLSearchParams(params)}`,
      this.#timeoutMs,
      what,
    );
    const text = await res.text();
    let body: { status?: string; error?: string; data?: { result?: any[] } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        `${what} answered ${res.status} with a body that is not Prometheus JSON`,
      );
    }
    if (!res.ok || body.status !== 'success') {
      throw new Error(
        `${what} refused a query (${res.status}): ${
          body.error ?? text.slice(0, 200)
        }`,
      );
    }
    return body.data?.result ?? [];
  }
}

function notConfigured(cluster: AtonixCluster): Unavailable {
  return {
    unavailable: `No Prometheus is configured for cluster "${cluster.name}"; set atonix.clusters.${cluster.name}.prometheus`,
  };
}

/** The single value of an instant query; null when there is no series or it is not a number. */
function scalar(samples: Sample[]): number | null {
  const value = Number(samples[0]?.value?.[1]);
  return samples.length && Number.isFinite(value) ? value : null;
}

function toChart(
  series: RangeSeries[],
  label: string,
  splitBy?: string,
): MetricSeries[] {
  return series.slice(0, MAX_SERIES).map(s => ({
    label: (splitBy && s.metric[splitBy]) || label,
    points: s.values
      .map(([t, v]): [number, number] => [t, Number(v)])
      .filter(([, v]) => Number.isFinite(v)),
  }));
}

/** The metrics reader as a plugin-scoped service; `atonix.queryTimeoutSeconds` bounds each call. */
export const prometheusMetricsServiceRef = createServiceRef<PrometheusMetrics>({
  id: 'atonix-serverless.metrics',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) =>
        PrometheusMetrics.create({ timeoutMs: queryTimeoutMs(config) }),
    }),
});
