import {
  FunctionMetricsResponse,
  FunctionStatus,
  MetricSeries,
  MetricsWindow,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { AtonixCluster } from '../clusters';
import {
  fetchWithTimeout,
  labelSelector,
  parseDurationSeconds,
  queryTimeoutMs,
} from '../queryLanguage';

/** Chart lines per series (e.g. revisions) and points per line, so one answer stays small. */
const MAX_SERIES = 10;
const POINTS_PER_CHART = 60;

interface Queries {
  /** Requests per second; `by` splits it by a label for charts. */
  requestRate(range: string, by?: string): string;
  errorRate(range: string): string;
  latency(quantile: number, range: string): string;
  /** Ready pods of the function, as one series; `offset` looks back in time (`15s`). */
  pods(offset?: string): string;
  /** A label to split request-rate charts by (revision for Knative). */
  splitBy?: string;
}

/**
 * PromQL over the series Knative's queue-proxy and autoscaler export
 * (`revision_app_request_count`, `revision_app_request_latencies_bucket` in ms,
 * `autoscaler_actual_pods`), selected by namespace and configuration (a Knative Service's
 * configuration has its name).
 */
function knativeQueries(fn: FunctionStatus): Queries {
  const labels = { namespace_name: fn.namespace, configuration_name: fn.name };
  const sel = labelSelector(labels);
  const errors = labelSelector({ ...labels, response_code_class: '5xx' });
  return {
    requestRate: (r, by) =>
      `sum${
        by ? ` by (${by})` : ''
      } (rate(revision_app_request_count${sel}[${r}]))`,
    errorRate: r =>
      `sum(rate(revision_app_request_count${errors}[${r}])) / sum(rate(revision_app_request_count${sel}[${r}]))`,
    latency: (q, r) =>
      `histogram_quantile(${q}, sum by (le) (rate(revision_app_request_latencies_bucket${sel}[${r}])))`,
    pods: offset =>
      `sum(autoscaler_actual_pods${sel}${offset ? ` offset ${offset}` : ''})`,
    splitBy: 'revision_name',
  };
}

/**
 * PromQL over the OpenFaaS gateway's series (`gateway_function_invocation_total{function_name,
 * code}`, `gateway_functions_seconds_bucket` in seconds, `gateway_service_count`), where
 * `function_name` is `<name>.<namespace>`.
 */
function openfaasQueries(fn: FunctionStatus): Queries {
  const labels = { function_name: `${fn.name}.${fn.namespace}` };
  const sel = labelSelector(labels);
  const errorSel = `{function_name=${JSON.stringify(
    labels.function_name,
  )},code=~"5.."}`;
  return {
    requestRate: (r, by) =>
      `sum${
        by ? ` by (${by})` : ''
      } (rate(gateway_function_invocation_total${sel}[${r}]))`,
    errorRate: r =>
      `sum(rate(gateway_function_invocation_total${errorSel}[${r}])) / sum(rate(gateway_function_invocation_total${sel}[${r}]))`,
    latency: (q, r) =>
      `1000 * histogram_quantile(${q}, sum by (le) (rate(gateway_functions_seconds_bucket${sel}[${r}])))`,
    pods: offset =>
      `sum(gateway_service_count${sel}${offset ? ` offset ${offset}` : ''})`,
  };
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
      return {
        unavailable: `No Prometheus is configured for cluster "${cluster.name}"; set atonix.clusters.${cluster.name}.prometheus`,
      };
    }
    const queries =
      fn.runtime === 'knative' ? knativeQueries(fn) : openfaasQueries(fn);
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
    try {
      const prometheus = cluster.prometheusUrl;
      const [
        rate,
        errorRate,
        p50,
        p95,
        p99,
        pods,
        cold,
        rateSeries,
        p95Series,
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
        this.#range(
          prometheus,
          queries.latency(0.95, chartRange),
          start,
          end,
          step,
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
          latencyP95: toChart(p95Series, 'p95 ms'),
          errorRate: toChart(errorSeries, 'error rate'),
          replicas: toChart(podSeries, 'ready pods'),
        },
      };
    } catch (error) {
      return { unavailable: (error as Error).message };
    }
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
