import type { RuntimeQueries } from '../../extensions';
import {
  RuntimeSeries,
  byClause,
  runtimeQueries,
} from '../../prometheus/promql';
import { labelSelector } from '../../queryLanguage';

/** The label that names a revision on every Knative series read here. */
const REVISION = 'kn_revision_name';

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
  splitBy: REVISION,
};

/**
 * The platform's per-revision cold-start recordings
 * (gitops/infrastructure/configs/base/monitoring/function-alerts.yaml), computed there from the
 * autoscaler's pod counts and the activator's request durations. They name the function
 * `kn_service_name`; the queries here select and group by `kn_configuration_name` (the same name for
 * a Knative Service), so the recordings are read through a copy of the label under that name.
 */
const COLD_START_RECORDINGS = {
  count1h: 'atonix_revision:cold_starts:count1h',
  p95Ms: 'atonix_revision:cold_start_ms:p95_5m',
};

function coldStartQueries(
  labels: Record<string, string>,
  group: string[],
  requestRate: RuntimeQueries['requestRate'],
): NonNullable<RuntimeQueries['coldStarts']> {
  const { kn_configuration_name: name, ...rest } = labels;
  const selector = labelSelector(
    name === undefined ? rest : { ...rest, kn_service_name: name },
  );
  const read = (series: string) =>
    `label_replace(${series}, "kn_configuration_name", "$1", "kn_service_name", "(.*)")`;
  return {
    // The rule records nothing for a revision that never started from zero: a function that served
    // requests in the hour without one counts 0, one without requests has no figure.
    count1h: by =>
      `sum${byClause([...group, by])} (${read(
        `${COLD_START_RECORDINGS.count1h}${selector}`,
      )}) or 0 * ${requestRate('1h', by)}`,
    // A p95 is recorded only for 5 minutes after a start: the highest of the last hour says how long
    // the hour's starts took. Quantiles of different revisions do not add up: the slowest one is
    // the function's, as in the function's own cold-start alert (atonix-serverless-node
    // src/render/alerts.ts).
    p95Ms: by =>
      `max${byClause([...group, by])} (${read(
        `max_over_time(${COLD_START_RECORDINGS.p95Ms}${selector}[1h])`,
      )})`,
    revisionLabel: REVISION,
  };
}

/** Knative's PromQL, selected by `labels`; without them, grouped by `group` over every function. */
export function knativeQueries(
  labels: Record<string, string>,
  group: string[] = [],
): RuntimeQueries {
  const queries = runtimeQueries(KNATIVE_SERIES, labels, group);
  return {
    ...queries,
    coldStarts: coldStartQueries(labels, group, queries.requestRate),
  };
}
