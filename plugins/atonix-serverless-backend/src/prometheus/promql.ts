import type { RuntimeQueries } from '../extensions';
import { labelSelector } from '../queryLanguage';

/** A `by (…)` clause over the given labels; none gives the empty string (one total). */
export function byClause(labels: Array<string | undefined>): string {
  const names = labels.filter(Boolean);
  return names.length ? ` by (${names.join(', ')})` : '';
}

/** The series a runtime exports for its functions, by name: what its PromQL is built from. */
export interface RuntimeSeries {
  /** Request counter. */
  requests: string;
  /** Latency histogram buckets. */
  buckets: string;
  /** Multiplier that turns the histogram's unit into milliseconds. */
  toMs: number;
  /** Gauge of the function's ready pods. */
  pods: string;
  /** Matchers that narrow `requests` to server errors (5xx): equal values and regexes. */
  errors: { labels?: Record<string, string>; regexes?: Record<string, string> };
  /** A label to split request-rate charts by. */
  splitBy?: string;
}

/**
 * The queries of {@link RuntimeQueries} over a runtime's series, selected by `labels`. `group`
 * keeps one result per value of those labels (one per function for the fleet snapshot); without
 * it each query gives one total.
 */
export function runtimeQueries(
  series: RuntimeSeries,
  labels: Record<string, string>,
  group: string[] = [],
): RuntimeQueries {
  const { requests, buckets, toMs } = series;
  const selector = labelSelector(labels);
  const errorSelector = labelSelector(
    { ...labels, ...series.errors.labels },
    series.errors.regexes,
  );
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
      `${toMs === 1 ? '' : `${toMs} * `}histogram_quantile(${q}, sum${byClause([
        ...group,
        'le',
      ])} (rate(${buckets}${selector}[${r}])))`,
    pods: offset =>
      `sum(${series.pods}${selector}${offset ? ` offset ${offset}` : ''})`,
    splitBy: series.splitBy,
  };
}
