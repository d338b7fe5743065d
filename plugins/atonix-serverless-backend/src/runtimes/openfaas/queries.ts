import type { RuntimeQueries } from '../../extensions';
import { RuntimeSeries, runtimeQueries } from '../../prometheus/promql';

/**
 * The OpenFaaS gateway's series (`gateway_function_invocation_total{function_name, code}`, latency
 * in seconds), where `function_name` is `<name>.<namespace>`. Every OpenFaaS metric name the
 * backend reads is in this file.
 */
const OPENFAAS_SERIES: RuntimeSeries = {
  requests: 'gateway_function_invocation_total',
  buckets: 'gateway_functions_seconds_bucket',
  toMs: 1000,
  pods: 'gateway_service_count',
  errors: { regexes: { code: '5..' } },
};

/** OpenFaaS's PromQL, selected by `labels`; without them, grouped by `group` over every function. */
export function openfaasQueries(
  labels: Record<string, string>,
  group: string[] = [],
): RuntimeQueries {
  return runtimeQueries(OPENFAAS_SERIES, labels, group);
}

/** OpenFaaS's `function_name` label of a function. */
export function openfaasFunctionName(fn: { namespace: string; name: string }) {
  return `${fn.name}.${fn.namespace}`;
}
