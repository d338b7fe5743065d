import {
  FunctionHealth,
  FunctionListQuery,
  FunctionSortKey,
  FunctionStatus,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { CompactStatus } from '../extensions';
import type { FleetMetricsView } from '../prometheus/FleetMetrics';

/**
 * The fleet list's engine: filters, sort and the cache of sorted rows. It works on the compact
 * statuses the inventory keeps, so it never builds a response object for a row that is not shown.
 */

/**
 * A function as the inventory keeps it: its compact status, what lists match, sort and return. Its
 * details (env, image, revisions) are derived again from the watched objects when one function is
 * asked for: kept for every function they cost about 200 B each (a revision list and its objects)
 * for an answer few functions are asked for.
 */
export interface Entry {
  cluster: string;
  status: CompactStatus;
  kubernetesId: string;
}

/**
 * A row of the fleet list: the function's entry itself, so that the sorted rows kept for recent
 * queries cost an array slot per function, not an object each.
 */
export type Row = Entry;

/** Functions whose traffic figures the caller may not see, and the reason the list gives them. */
export interface HiddenMetrics {
  visible: (fn: FunctionStatus) => boolean;
  reason: string;
}

/** What a cluster's state is worth now: see `FunctionStatus.observedAt` and `stale`. */
export interface Freshness {
  observedAt: string;
  stale: boolean;
  staleSeconds?: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Sort keys answered from the fleet metrics, and the figure each reads. */
const METRIC_SORT_KEYS = {
  requestRate: 'requestRate',
  errorRate: 'errorRate',
  p95: 'p95LatencyMs',
} as const;

export function isMetricSortKey(
  key: FunctionSortKey,
): key is keyof typeof METRIC_SORT_KEYS {
  return key in METRIC_SORT_KEYS;
}

/** Whether a function passes the query's filters. */
export function matchesQuery(
  fn: CompactStatus,
  stale: boolean,
  query: FunctionListQuery,
): boolean {
  const within = <T>(values: T[] | undefined, value: T) =>
    !values?.length || values.includes(value);
  return (
    within(query.team, fn.team) &&
    within(query.runtime, fn.runtime) &&
    within(query.health, healthOf(fn, stale)) &&
    (query.scaledToZero === undefined ||
      fn.scaledToZero === query.scaledToZero) &&
    (!query.search || fn.name.includes(query.search))
  );
}

/**
 * Sorts `rows` in place by the query's key and order; ties go by name, namespace, cluster. A
 * metrics sort treats the figures of `figuresHidden` rows (those the caller may not see) as
 * unknown.
 */
export function sortRows(
  rows: Row[],
  query: FunctionListQuery,
  freshness: Map<string, Freshness>,
  metrics?: FleetMetricsView,
  figuresHidden?: ReadonlySet<Row>,
): Row[] {
  const key = query.sort ?? 'name';
  const direction = query.order === 'desc' ? -1 : 1;
  const byName = (a: Row, b: Row) =>
    compare(a.status.name, b.status.name) ||
    compare(a.status.namespace, b.status.namespace) ||
    compare(a.cluster, b.cluster);
  if (isMetricSortKey(key)) {
    const field = METRIC_SORT_KEYS[key];
    const figure = new Map<Row, number | null>();
    for (const row of rows) {
      const figures = figuresHidden?.has(row)
        ? undefined
        : metrics?.of(row.cluster, row.status);
      figure.set(
        row,
        figures && !isUnavailable(figures) ? figures[field] : null,
      );
    }
    return rows.sort(
      (a, b) =>
        compareFigures(figure.get(a), figure.get(b), direction) || byName(a, b),
    );
  }
  const sortValue = (row: Row) => {
    if (key === 'cluster') return row.cluster;
    if (key === 'observedAt') return freshness.get(row.cluster)!.observedAt;
    return row.status[key];
  };
  return rows.sort(
    (a, b) => direction * compare(sortValue(a), sortValue(b)) || byName(a, b),
  );
}

/**
 * The sorted rows of recent queries, kept until anything changes, so paging through the fleet
 * sorts once.
 */
export class SortedRowCache {
  readonly #rows = new Map<string, Row[]>();
  #version = '';

  /**
   * The rows of `query` as `view` (a caller's view, or `''` for everyone's), from the cache when
   * neither `version` (of the functions, and of whatever else the rows depend on), the clusters'
   * staleness nor (for a metrics sort) the figures changed since they were sorted. Rows of an
   * older version are dropped as soon as a newer one is asked for: they can never be served again.
   */
  rows(
    query: FunctionListQuery,
    version: string,
    view: string,
    freshness: Map<string, Freshness>,
    metrics: FleetMetricsView | undefined,
    sorted: () => Row[],
  ): Row[] {
    if (query.sort === 'observedAt') {
      return sorted();
    }
    if (version !== this.#version) {
      this.#rows.clear();
      this.#version = version;
    }
    const { offset: _offset, limit: _limit, ...shape } = query;
    const staleness = [...freshness.values()].map(f => f.stale).join();
    // Figures change only the order of a metrics sort; other sorts keep their rows across snapshots.
    const figures =
      query.sort && isMetricSortKey(query.sort) ? metrics?.version ?? '-' : '';
    const key = `${view}|${figures}|${staleness}|${JSON.stringify(shape)}`;
    let rows = this.#rows.get(key);
    if (!rows) {
      rows = sorted();
      if (this.#rows.size >= 32) {
        this.#rows.clear();
      }
      this.#rows.set(key, rows);
    }
    return rows;
  }
}

// Code-point order, not locale order: names are DNS labels, and this runs ~60,000 times per sort.
function compare(a: unknown, b: unknown): number {
  const x = String(a ?? '');
  const y = String(b ?? '');
  if (x === y) {
    return 0;
  }
  return x < y ? -1 : 1;
}

/** Numbers in `direction`; a missing figure comes last either way. */
function compareFigures(
  a: number | null | undefined,
  b: number | null | undefined,
  direction: number,
): number {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return direction * (x - y);
}

function healthOf(fn: CompactStatus, stale: boolean): FunctionHealth {
  if (stale) return 'stale';
  if (fn.ready === 'True') return 'ready';
  if (fn.ready === 'False') return 'notReady';
  return 'unknown';
}
