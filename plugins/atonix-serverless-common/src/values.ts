/**
 * The value lists the model, the REST API and the UI share, each spelled once: types are derived
 * from these arrays, and the backend validates query parameters against the same arrays.
 */

/**
 * The runtimes a function can run on. Each has one runtime module in the backend (what it watches,
 * how its status is derived, its PromQL) and one renderer in the node library.
 */
export const FUNCTION_RUNTIMES = ['knative', 'openfaas'] as const;
export type FunctionRuntime = (typeof FUNCTION_RUNTIMES)[number];

/** How the UI names each runtime. */
export const FUNCTION_RUNTIME_TITLES: Record<FunctionRuntime, string> = {
  knative: 'Knative',
  openfaas: 'OpenFaaS',
};

/** The health filter of the fleet list. `scaledToZero` functions are healthy and idle. */
export const FUNCTION_HEALTH_STATES = [
  'ready',
  'notReady',
  'unknown',
  'stale',
] as const;
export type FunctionHealth = (typeof FUNCTION_HEALTH_STATES)[number];

/**
 * Sort keys of the fleet list. `requestRate`, `errorRate` and `p95` sort by the fleet metrics;
 * functions without a figure come last in either order.
 */
export const FUNCTION_SORT_KEYS = [
  'name',
  'namespace',
  'team',
  'cluster',
  'ready',
  'observedAt',
  'requestRate',
  'errorRate',
  'p95',
] as const;
export type FunctionSortKey = (typeof FUNCTION_SORT_KEYS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
