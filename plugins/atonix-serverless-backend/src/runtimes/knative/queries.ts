import type { RuntimeQueries } from '../../extensions';
import { RuntimeSeries, runtimeQueries } from '../../prometheus/promql';

/**
 * The series Knative (1.19+, OpenTelemetry names) exports: queue-proxy's
 * `kn_serving_invocation_duration_seconds_count|bucket` (seconds, `http_response_status_code`) and
 * the autoscaler's `kn_revision_pods_count`, selected by `k8s_namespace_name` and
 * `kn_configuration_name` (a Knative Service's configuration has its name); the GitOps PodMonitor
 * gives queue-proxy series these names (gitops/infrastructure/configs/base/monitoring/queue-proxy.yaml).
 * Every Knative metric name the backend reads is in this file.
 */
const KNATIVE_SERIES: RuntimeSeries = {
  requests: 'kn_serving_invocation_duration_seconds_count',
  buckets: 'kn_serving_invocation_duration_seconds_bucket',
  toMs: 1000,
  pods: 'kn_revision_pods_count',
  errors: { regexes: { http_response_status_code: '5..' } },
  splitBy: 'kn_revision_name',
};

/** Knative's PromQL, selected by `labels`; without them, grouped by `group` over every function. */
export function knativeQueries(
  labels: Record<string, string>,
  group: string[] = [],
): RuntimeQueries {
  return runtimeQueries(KNATIVE_SERIES, labels, group);
}
