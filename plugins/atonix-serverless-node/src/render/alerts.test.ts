import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { chargeCardSpec } from '../__testUtils__/functionSpec';
import { checkRules, promtool } from '../validate/promtool';
import { renderFunctionAlerts } from './alerts';
import { renderFunctionFolder } from './functionFolder';

/**
 * The alerts rendered from a function's objectives, run by the real promtool on synthetic series:
 * each alert fires when its objective is missed and resolves once it is met again.
 */

const fn =
  'namespace="payments", k8s_namespace_name="payments", kn_service_name="charge-card"';
const requests = (code: number) =>
  `kn_serving_invocation_duration_seconds_count{${fn}, kn_revision_name="charge-card-00001", http_response_status_code="${code}"}`;
const bucket = (le: string) =>
  `kn_serving_invocation_duration_seconds_bucket{${fn}, kn_revision_name="charge-card-00001", le="${le}"}`;
const labels = (severity: string) => ({
  team: 'payments',
  function: 'charge-card',
  severity,
});

async function promtoolTest(groups: object, tests: object[]) {
  const dir = await mkdtemp(join(tmpdir(), 'atonix-function-alerts-'));
  try {
    await writeFile(join(dir, 'alerts.rules.yaml'), stringify(groups));
    await writeFile(
      join(dir, 'alerts.test.yaml'),
      stringify({
        rule_files: ['alerts.rules.yaml'],
        evaluation_interval: '1m',
        tests,
      }),
    );
    return (await promtool(['test', 'rules', 'alerts.test.yaml'], dir)).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('renderFunctionAlerts', () => {
  it('writes alerts.yaml into every Knative function folder, not into OpenFaaS ones', () => {
    expect(
      renderFunctionFolder(chargeCardSpec()).map(file => file.name),
    ).toContain('alerts.yaml');
    expect(
      renderFunctionFolder(chargeCardSpec({ runtime: 'openfaas' })).map(
        file => file.name,
      ),
    ).not.toContain('alerts.yaml');
  });

  it('puts the rule in the team namespace and labels every alert with team, function and severity', () => {
    const rule = renderFunctionAlerts(chargeCardSpec());
    expect(rule.metadata).toMatchObject({
      name: 'charge-card-alerts',
      namespace: 'payments',
    });
    const alerts = rule.spec!.groups!.flatMap(group => group.rules!);
    expect(alerts.map(alert => [alert.alert, alert.labels])).toEqual([
      ['FunctionErrorBudgetFastBurn', labels('warning')],
      ['FunctionErrorBudgetSlowBurn', labels('info')],
      ['FunctionLatencyObjective', labels('info')],
      ['FunctionColdStartObjective', labels('info')],
    ]);
  });

  it('pages harder for a critical function and holds it to its stricter objectives', () => {
    const rule = renderFunctionAlerts(
      chargeCardSpec({ critical: true, scaling: { minScale: 1 } }),
    );
    const alerts = rule.spec!.groups!.flatMap(group => group.rules!);
    expect(alerts.map(alert => alert.labels!.severity)).toEqual([
      'critical',
      'warning',
      'warning',
      'warning',
    ]);
    // 99.9 % availability: 14.4 × 0.1 % of requests failing.
    expect(String(alerts[0].expr)).toContain('> 0.0144');
    expect(String(alerts[2].expr)).toContain('> 500');
    expect(String(alerts[3].expr)).toContain('> 2000');
  });

  it('passes promtool check rules', async () => {
    const rule = renderFunctionAlerts(
      chargeCardSpec({ objectives: { availability: 99.5 } }),
    );
    expect(await checkRules([{ groups: rule.spec!.groups! }])).toEqual([
      undefined,
    ]);
  });

  it('fires and resolves each alert on synthetic series (promtool test rules)', async () => {
    const rule = renderFunctionAlerts(chargeCardSpec());
    const stdout = await promtoolTest({ groups: rule.spec!.groups }, [
      {
        name: 'error budget burn: one request in three fails for an hour, then none',
        interval: '1m',
        input_series: [
          // 10 good and 5 failing requests a second for 60 minutes, then only good ones.
          { series: requests(200), values: '0+600x100' },
          { series: requests(503), values: '0+300x60 18000+0x40' },
        ],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'FunctionErrorBudgetFastBurn',
            exp_alerts: [
              {
                exp_labels: labels('warning'),
                exp_annotations: {
                  summary:
                    'payments/charge-card burns its error budget 14.4× too fast: 33.33% of requests fail (objective 99% over 30 days)',
                  description:
                    "More than 14.4% of requests answered 5xx over the last 1h and 5m. Check the portal's Serverless tab (logs of the latest revision); if a new revision brought it, shift traffic back to the previous one.",
                },
              },
            ],
          },
          {
            eval_time: '10m',
            alertname: 'FunctionErrorBudgetSlowBurn',
            exp_alerts: [
              {
                exp_labels: labels('info'),
                exp_annotations: {
                  summary:
                    'payments/charge-card burns its error budget 6× too fast: 33.33% of requests fail (objective 99% over 30 days)',
                  description:
                    "More than 6% of requests answered 5xx over the last 6h and 30m. Check the portal's Serverless tab (logs of the latest revision); if a new revision brought it, shift traffic back to the previous one.",
                },
              },
            ],
          },
          // Five minutes after the failures stop the short windows are clean: both resolve
          // although the long windows still hold the hour of errors.
          {
            eval_time: '70m',
            alertname: 'FunctionErrorBudgetFastBurn',
            exp_alerts: [],
          },
          {
            eval_time: '95m',
            alertname: 'FunctionErrorBudgetSlowBurn',
            exp_alerts: [],
          },
        ],
      },
      {
        name: 'error budget: a failing request a minute on an idle function pages nobody',
        interval: '1m',
        input_series: [{ series: requests(500), values: '0+1x60' }],
        alert_rule_test: [
          {
            eval_time: '30m',
            alertname: 'FunctionErrorBudgetFastBurn',
            exp_alerts: [],
          },
          {
            eval_time: '30m',
            alertname: 'FunctionErrorBudgetSlowBurn',
            exp_alerts: [],
          },
        ],
      },
      {
        name: 'latency: p95 above one second for over an hour, then fast again',
        interval: '1m',
        input_series: [
          // 10 requests a second between 1 s and 2.5 s for 70 minutes, then under 100 ms.
          { series: requests(200), values: '0+600x100' },
          { series: bucket('0.1'), values: '0x70 0+600x30' },
          { series: bucket('2.5'), values: '0+600x100' },
          { series: bucket('+Inf'), values: '0+600x100' },
        ],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'FunctionLatencyObjective',
            exp_alerts: [
              {
                exp_labels: labels('info'),
                exp_annotations: {
                  summary:
                    'payments/charge-card answers in 2.38k ms at p95 (objective 1000 ms)',
                  description:
                    "The 95th percentile of request latency has been above 1000 ms over the last 5 minutes and the last hour. Look for a slow dependency in the portal's Serverless tab (logs of the latest revision), or lower the scaling target so more replicas share the load.",
                },
              },
            ],
          },
          {
            eval_time: '80m',
            alertname: 'FunctionLatencyObjective',
            exp_alerts: [],
          },
        ],
      },
      {
        name: 'cold starts: p95 start above five seconds for twenty minutes, then under one',
        interval: '1m',
        input_series: [
          {
            series: `atonix_revision:cold_start_ms:p95_5m{${fn}, kn_revision_name="charge-card-00001"}`,
            values: '9000x20 800x20',
          },
          // Another function's slow starts are not this function's.
          {
            series:
              'atonix_revision:cold_start_ms:p95_5m{namespace="payments", k8s_namespace_name="payments", kn_service_name="refund", kn_revision_name="refund-00001"}',
            values: '20000x40',
          },
        ],
        alert_rule_test: [
          // Pending: it must hold for five minutes.
          {
            eval_time: '3m',
            alertname: 'FunctionColdStartObjective',
            exp_alerts: [],
          },
          {
            eval_time: '10m',
            alertname: 'FunctionColdStartObjective',
            exp_alerts: [
              {
                exp_labels: labels('info'),
                exp_annotations: {
                  summary:
                    'Requests to payments/charge-card wait 9k ms at p95 for a start from zero (objective 5000 ms)',
                  description:
                    'Make the image smaller or the start faster, or mark the function critical and keep scaling.minScale at 1 so a replica stays warm.',
                },
              },
            ],
          },
          {
            eval_time: '30m',
            alertname: 'FunctionColdStartObjective',
            exp_alerts: [],
          },
        ],
      },
    ]);
    expect(stdout).toContain('SUCCESS');
  });
});
