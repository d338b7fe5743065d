import {
  FunctionColdStarts,
  FunctionFleetMetrics,
  FunctionMetricsResponse,
  FunctionStatus,
  MetricSeries,
  MetricsWindow,
  Unavailable,
  functionObjectives,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixCluster } from '../clusters';
import type {
  FunctionKey,
  FunctionRuntimeModule,
  RuntimeQueries,
} from '../extensions';
import { parseDurationSeconds } from '../queryLanguage';
import { UpstreamClient, orUnavailable } from '../upstream';

/** Chart lines per series (e.g. revisions) and points per line, so one answer stays small. */
const MAX_SERIES = 10;
const POINTS_PER_CHART = 60;
/** The latency chart's lines. */
const LATENCY_QUANTILES = [0.5, 0.95, 0.99];

/** The range of the fleet snapshot's rates: recent enough to sort by, long enough to be steady. */
export const FLEET_METRICS_RANGE = '5m';

/** The fleet figures of a function without series. */
export const NO_FLEET_FIGURES: Readonly<FunctionFleetMetrics> = {
  requestRate: null,
  errorRate: null,
  p95LatencyMs: null,
  coldStarts1h: null,
  coldStartP95Ms: null,
};

/** `<runtime>:<namespace>/<name>`: how the fleet snapshot keys a function. */
export function fleetMetricsKey(fn: FunctionKey): string {
  return `${fn.runtime}:${fn.namespace}/${fn.name}`;
}

type Sample = { metric: Record<string, string>; value: [number, string] };
type RangeSeries = {
  metric: Record<string, string>;
  values: Array<[number, string]>;
};

/**
 * Request rate, latency quantiles, error rate, replicas and cold starts of one function from the
 * cluster's Prometheus, plus chart series, over the PromQL its runtime module gives. Every call has a timeout; when Prometheus is not
 * configured, down, slow or refuses a query the answer is `{ unavailable: <reason> }` and nothing
 * else in the API is affected.
 */
export class PrometheusMetrics extends UpstreamClient {
  async functionMetrics(
    cluster: AtonixCluster,
    queries: RuntimeQueries,
    fn: FunctionStatus,
    window: MetricsWindow,
    now = Date.now(),
  ): Promise<FunctionMetricsResponse> {
    if (!cluster.prometheusUrl) {
      return notConfigured(cluster);
    }
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
      const coldStart = queries.coldStarts
        ? await this.#coldStarts(
            prometheus,
            queries.coldStarts,
            fn,
            start,
            end,
            step,
          )
        : undefined;
      return {
        window,
        // Averaged over the window: rate over the whole window evaluated at its end.
        requestRate: scalar(rate) ?? 0,
        latency: { p50: scalar(p50), p95: scalar(p95), p99: scalar(p99) },
        errorRate: scalar(errorRate),
        replicas: scalar(pods) ?? fn.replicas.actual,
        coldStarts: scalar(cold) ?? 0,
        ...(coldStart && { coldStart }),
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

  /** The recorded cold starts of one function: now per revision, and their trend over the window. */
  async #coldStarts(
    prometheus: string,
    queries: NonNullable<RuntimeQueries['coldStarts']>,
    fn: FunctionStatus,
    start: number,
    end: number,
    step: number,
  ): Promise<FunctionColdStarts> {
    const revision = queries.revisionLabel;
    const [counts, p95s, countSeries, p95Series] = await Promise.all([
      this.#instant(prometheus, queries.count1h(revision), end),
      this.#instant(prometheus, queries.p95Ms(revision), end),
      this.#range(prometheus, queries.count1h(), start, end, step),
      this.#range(prometheus, queries.p95Ms(), start, end, step),
    ]);
    const revisions = new Map<
      string,
      { count1h: number; p95Ms: number | null }
    >();
    const of = (sample: Sample) => {
      const name = sample.metric[revision] ?? '';
      const entry = revisions.get(name) ?? { count1h: 0, p95Ms: null };
      revisions.set(name, entry);
      return entry;
    };
    for (const sample of counts) of(sample).count1h = scalar([sample]) ?? 0;
    for (const sample of p95s) of(sample).p95Ms = scalar([sample]);
    const all = [...revisions.values()];
    const p95 = all.map(r => r.p95Ms).filter((v): v is number => v !== null);
    return {
      count1h: all.reduce((sum, r) => sum + r.count1h, 0),
      p95Ms: p95.length ? Math.max(...p95) : null,
      objectiveMs: functionObjectives({
        critical: fn.critical,
        objectives:
          fn.coldStartObjectiveMs === undefined
            ? undefined
            : { coldStartP95Ms: fn.coldStartObjectiveMs },
      }).coldStartP95Ms,
      revisions: [...revisions]
        .filter(([, r]) => r.count1h > 0 || r.p95Ms !== null)
        .map(([name, r]) => ({ revision: name, ...r }))
        .sort((a, b) => a.revision.localeCompare(b.revision)),
      series: [
        ...toChart(countSeries, 'starts in 1h'),
        ...toChart(p95Series, 'p95 ms'),
      ],
    };
  }

  /**
   * Request rate, error rate and p95 of every function in a cluster over the last
   * {@link FLEET_METRICS_RANGE}, and its recorded cold starts (count in 1 h, p95 wait), keyed by {@link fleetMetricsKey}: one query per figure and runtime,
   * whatever the number of functions. Functions without series are absent.
   */
  async fleetMetrics(
    cluster: AtonixCluster,
    runtimes: Array<Pick<FunctionRuntimeModule, 'fleetQueries'>>,
    now = Date.now(),
  ): Promise<Map<string, FunctionFleetMetrics> | Unavailable> {
    if (!cluster.prometheusUrl) {
      return notConfigured(cluster);
    }
    const range = FLEET_METRICS_RANGE;
    const time = Math.floor(now / 1000);
    return orUnavailable(async () => {
      const result = new Map<string, FunctionFleetMetrics>();
      const figure = (key: string) => {
        let entry = result.get(key);
        if (!entry) {
          entry = { ...NO_FLEET_FIGURES };
          result.set(key, entry);
        }
        return entry;
      };
      await Promise.all(
        runtimes.map(async ({ fleetQueries: { queries, keyOf } }) => {
          const read = (query: string) =>
            this.#instant(cluster.prometheusUrl!, query, time);
          const [rates, errors, p95s, coldStarts, coldStartP95s] =
            await Promise.all([
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
              queries.coldStarts ? read(queries.coldStarts.count1h()) : [],
              queries.coldStarts ? read(queries.coldStarts.p95Ms()) : [],
            ]);
          for (const sample of coldStarts) {
            figure(fleetMetricsKey(keyOf(sample.metric))).coldStarts1h = scalar(
              [sample],
            );
          }
          for (const sample of coldStartP95s) {
            figure(fleetMetricsKey(keyOf(sample.metric))).coldStartP95Ms =
              scalar([sample]);
          }
          for (const sample of rates) {
            figure(fleetMetricsKey(keyOf(sample.metric))).requestRate = scalar([
              sample,
            ]);
          }
          for (const sample of errors) {
            figure(fleetMetricsKey(keyOf(sample.metric))).errorRate = scalar([
              sample,
            ]);
          }
          for (const sample of p95s) {
            figure(fleetMetricsKey(keyOf(sample.metric))).p95LatencyMs = scalar(
              [sample],
            );
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
    const res = await this.fetchUpstream(
      `${base}/api/v1/${endpoint}?${new URLSearchParams(params)}`,
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
