import type { RuntimeQueries } from '../extensions';

/** A `by (…)` clause over the given labels; none gives the empty string (one total). */
function byClause(labels: Array<string | undefined>): string {
  const names = labels.filter(Boolean);
  return names.length ? ` by (${names.join(', ')})` : '';
}

/**
 * Queries over one request counter and latency histogram, the shape every runtime's series share.
 * `group` keeps one result per value of those labels (one per function for the fleet snapshot);
 * without it each query gives one total.
 */
export function requestQueries(options: {
  requests: string;
  buckets: string;
  /** Multiplier that turns the histogram's unit into milliseconds. */
  toMs: number;
  selector: string;
  errorSelector: string;
  group: string[];
}): Pick<RuntimeQueries, 'requestRate' | 'errorRate' | 'latency'> {
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

/** `sum(<gauge>{…})`, optionally looking back by `offset`. */
export function podsQuery(gauge: string, selector: string) {
  return (offset?: string) =>
    `sum(${gauge}${selector}${offset ? ` offset ${offset}` : ''})`;
}
