import type { RuntimeQueries } from '../../extensions';
import { podsQuery, requestQueries } from '../../prometheus/promql';
import { labelSelector } from '../../queryLanguage';

/**
 * PromQL over the OpenFaaS gateway's series (`gateway_function_invocation_total{function_name,
 * code}`, `gateway_functions_seconds_bucket` in seconds, `gateway_service_count`), where
 * `function_name` is `<name>.<namespace>`. Every OpenFaaS metric name the backend reads is in this
 * file.
 */
export function openfaasQueries(
  labels: Record<string, string>,
  group: string[] = [],
): RuntimeQueries {
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
    pods: podsQuery('gateway_service_count', sel),
  };
}

/** OpenFaaS's `function_name` label of a function. */
export function openfaasFunctionName(fn: { namespace: string; name: string }) {
  return `${fn.name}.${fn.namespace}`;
}
