import type { RuntimeQueries } from '../../extensions';
import { podsQuery, requestQueries } from '../../prometheus/promql';
import { labelSelector } from '../../queryLanguage';

/**
 * PromQL over the series Knative (1.19+, OpenTelemetry names) exports: queue-proxy's
 * `kn_serving_invocation_duration_seconds_count|bucket` (seconds, `http_response_status_code`) and
 * the autoscaler's `kn_revision_pods_count`, selected by `k8s_namespace_name` and
 * `kn_configuration_name` (a Knative Service's configuration has its name); the GitOps PodMonitor
 * gives queue-proxy series these names (gitops/infrastructure/configs/base/monitoring/queue-proxy.yaml).
 * Without `labels`, grouped by `group` over every function. Every Knative metric name the backend
 * reads is in this file.
 */
export function knativeQueries(
  labels: Record<string, string>,
  group: string[] = [],
): RuntimeQueries {
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
    pods: podsQuery('kn_revision_pods_count', sel),
    splitBy: 'kn_revision_name',
  };
}
