import {
  AlertSeverity,
  FUNCTION_ALERT_LABELS,
  FunctionSpec,
  OBJECTIVE_WINDOW_DAYS,
  coldStartAdvice,
  functionObjectives,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { functionMetadata } from './knative';

/**
 * A function's alerts, derived from its objectives: a PrometheusRule in the team's namespace.
 *
 * The Prometheus Operator forces `namespace="<team>"` onto every selector and every alert of a
 * rule outside the platform namespaces (`enforcedNamespaceLabel` in
 * gitops/infrastructure/controllers/base/kube-prometheus-stack.yaml; prometheus-operator v0.93.0
 * pkg/namespacelabeler/labeler.go:100-114), so these alerts see only the team's own series, and
 * Alertmanager routes them by that namespace and the `team` label to the team's receiver.
 *
 * The series they read:
 * - queue-proxy's `kn_serving_invocation_duration_seconds_{count,bucket}` (knative/serving
 *   pkg/queue/request_metric.go:60-65 at knative-v1.23.0), scraped from the team's pods, so they
 *   carry the team's `namespace`;
 * - `atonix_revision:cold_start_ms:p95_5m`, recorded by the platform from the activator's series
 *   (gitops/infrastructure/configs/base/monitoring/function-alerts.yaml) and labelled with the
 *   function's namespace, because the activator's own series live in `knative-serving`.
 */

/**
 * Multiwindow, multi-burn-rate alerts (the Google SRE Workbook, "Alerting on SLOs"): a long window
 * says the budget is really burning, a short one (1/12 of it) that it still is, so the alert also
 * resolves soon after the burn stops. 14.4× spends 2% of a 30-day budget in one hour; 6× spends 5%
 * in six hours.
 */
const BURN_RATES = [
  {
    alert: 'FunctionErrorBudgetFastBurn',
    long: '1h',
    short: '5m',
    factor: 14.4,
    severity: { critical: 'critical', standard: 'warning' },
  },
  {
    alert: 'FunctionErrorBudgetSlowBurn',
    long: '6h',
    short: '30m',
    factor: 6,
    severity: { critical: 'warning', standard: 'info' },
  },
] as const;

/**
 * Requests per second below which a function's error ratio says little: one failed request on an
 * idle function is not an outage. The platform's fleet alerts use the same floor.
 */
const TRAFFIC_FLOOR_RPS = 0.1;

/** The name of a function's alerting rule object. */
export function functionAlertsName(spec: Pick<FunctionSpec, 'name'>) {
  return `${spec.name}-alerts`;
}

export function renderFunctionAlerts(spec: FunctionSpec): IPrometheusRule {
  const objectives = functionObjectives(spec);
  const kind = spec.critical ? 'critical' : 'standard';
  // namespace as well: the validator's tenant-isolation rule wants it spelled out for clusters
  // whose Prometheus does not enforce it.
  const fn = `namespace="${spec.team}", k8s_namespace_name="${spec.team}", kn_service_name="${spec.name}"`;
  const requests = (window: string, filter = '') =>
    `sum(rate(kn_serving_invocation_duration_seconds_count{${fn}${filter}}[${window}]))`;
  const errorRatio = (window: string) =>
    `${requests(window, ', http_response_status_code=~"5.."')} / ${requests(
      window,
    )}`;
  const p95Ms = (window: string) =>
    `1000 * histogram_quantile(0.95, sum by (le) (rate(kn_serving_invocation_duration_seconds_bucket{${fn}}[${window}])))`;
  const budget = Number((1 - objectives.availability / 100).toPrecision(6));
  const labels = (severity: AlertSeverity) => ({
    [FUNCTION_ALERT_LABELS.team]: spec.team,
    [FUNCTION_ALERT_LABELS.function]: spec.name,
    [FUNCTION_ALERT_LABELS.severity]: severity,
  });
  const where = `${spec.team}/${spec.name}`;
  const logs = `the portal's Serverless tab (logs of the latest revision)`;

  const burnAlerts = BURN_RATES.map(rate => {
    const threshold = Number((rate.factor * budget).toPrecision(6));
    return {
      alert: rate.alert,
      expr: [
        `(${errorRatio(rate.long)}) > ${threshold}`,
        `(${errorRatio(rate.short)}) > ${threshold}`,
        `${requests(rate.short)} > ${TRAFFIC_FLOOR_RPS}`,
      ].join('\nand\n'),
      labels: labels(rate.severity[kind]),
      annotations: {
        summary: `${where} burns its error budget ${rate.factor}× too fast: {{ $value | humanizePercentage }} of requests fail (objective ${objectives.availability}% over ${OBJECTIVE_WINDOW_DAYS} days)`,
        description: `More than ${Number(
          (threshold * 100).toPrecision(6),
        )}% of requests answered 5xx over the last ${rate.long} and ${
          rate.short
        }. Check ${logs}; if a new revision brought it, shift traffic back to the previous one.`,
      },
    };
  });

  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: functionMetadata(spec, functionAlertsName(spec)),
    spec: {
      groups: [
        {
          name: `${spec.team}-${spec.name}-objectives`,
          interval: '1m',
          rules: [
            ...burnAlerts,
            {
              alert: 'FunctionLatencyObjective',
              expr: [
                `${p95Ms('5m')} > ${objectives.latencyP95Ms}`,
                `${p95Ms('1h')} > ${objectives.latencyP95Ms}`,
                `${requests('5m')} > ${TRAFFIC_FLOOR_RPS}`,
              ].join('\nand\n'),
              labels: labels(spec.critical ? 'warning' : 'info'),
              annotations: {
                summary: `${where} answers in {{ $value | humanize }} ms at p95 (objective ${objectives.latencyP95Ms} ms)`,
                description: `The 95th percentile of request latency has been above ${objectives.latencyP95Ms} ms over the last 5 minutes and the last hour. Look for a slow dependency in ${logs}, or lower the scaling target so more replicas share the load.`,
              },
            },
            {
              alert: 'FunctionColdStartObjective',
              expr: `max(atonix_revision:cold_start_ms:p95_5m{${fn}}) > ${objectives.coldStartP95Ms}`,
              for: '5m',
              labels: labels(spec.critical ? 'warning' : 'info'),
              annotations: {
                summary: `Requests to ${where} wait {{ $value | humanize }} ms at p95 for a start from zero (objective ${objectives.coldStartP95Ms} ms)`,
                description: coldStartAdvice(spec.critical),
              },
            },
          ],
        },
      ],
    },
  };
}
