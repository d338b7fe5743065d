import { mockServices } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  AlertmanagerProcess,
  PrometheusProcess,
  eventually,
  knativeRevisionSeries,
} from '@internal/atonix-test-servers';
import {
  FunctionStatus,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { renderFunctionAlerts } from '@internal/backstage-plugin-atonix-serverless-node';
import { testCluster } from '../__testUtils__/testCluster';
import { FunctionAlerts } from './FunctionAlerts';
import { notifyOwners } from './notifyOwners';

/**
 * The alerts rendered from charge-card's objectives, evaluated by a real Prometheus on seeded
 * queue-proxy series and sent to a real Alertmanager, which the portal reads.
 */

const spec = parseFunctionSpec({
  name: 'charge-card',
  team: 'payments',
  image: 'ghcr.io/atonixcorp/charge-card:1.4.2',
});
if (!spec.success) throw new Error(JSON.stringify(spec.issues));
const rule = renderFunctionAlerts(spec.spec);
// Evaluated every second instead of every minute, so the test does not wait for it.
const groups = rule.spec!.groups!.map(group => ({ ...group, interval: '1s' }));

const chargeCard = {
  cluster: 'test',
  namespace: 'payments',
  name: 'charge-card',
  entityRef: 'component:default/charge-card',
  owner: 'group:default/payments',
} as FunctionStatus;

describe('FunctionAlerts', () => {
  let alertmanager: AlertmanagerProcess;
  let prometheus: PrometheusProcess;
  let alerts: FunctionAlerts;
  const sent: NotificationSendOptions[] = [];

  beforeAll(async () => {
    alertmanager = await AlertmanagerProcess.start();
    prometheus = await PrometheusProcess.start({
      rules: { 'charge-card.rules.json': { groups } },
      evaluationInterval: '1s',
      alertmanagerUrl: alertmanager.url,
    });
    const cluster = testCluster({
      name: 'test',
      alertmanagerUrl: alertmanager.url,
    });
    const logger = mockServices.logger.mock();
    alerts = FunctionAlerts.create({
      clusters: [cluster],
      logger,
      timeoutMs: 5000,
      onTransition: notifyOwners({
        functionOf: (c, ns, name) =>
          c === 'test' && ns === 'payments' && name === 'charge-card'
            ? chargeCard
            : undefined,
        notifications: { send: async options => void sent.push(options) },
        logger,
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
  });

  it('answers unavailable before the first read and for a cluster without Alertmanager', () => {
    expect(alerts.of('test', 'payments', 'charge-card')).toEqual({
      unavailable: expect.stringContaining('not been read'),
    });
    expect(alerts.summary('other', 'payments', 'charge-card')).toEqual({
      unavailable: expect.stringContaining(
        'atonix.clusters.other.alertmanager',
      ),
    });
  });

  it("shows a burn-rate alert firing from seeded series and tells the function's owners", async () => {
    await alerts.refresh();
    expect(alerts.of('test', 'payments', 'charge-card')).toEqual({
      firing: [],
      resolved: [],
    });

    // Half of 4 requests a second fail, for 70 minutes: both windows of both burn rates.
    await prometheus.write(
      knativeRevisionSeries({
        namespace: 'payments',
        service: 'charge-card',
        revision: 'charge-card-00001',
        rps: 4,
        errorShare: 0.5,
        minutes: 70,
      }).map(series => ({
        ...series,
        // The label the PodMonitor's scrape gives every series of the team's pods.
        labels: { ...series.labels, namespace: 'payments' },
      })),
    );

    const firing = await eventually(async () => {
      await alerts.refresh();
      const now = alerts.of('test', 'payments', 'charge-card');
      if ('unavailable' in now || now.firing.length < 2) {
        throw new Error(`not firing yet: ${JSON.stringify(now)}`);
      }
      return now.firing;
    }, 30_000);
    expect(firing.map(a => [a.name, a.severity, a.state]).sort()).toEqual([
      ['FunctionErrorBudgetFastBurn', 'warning', 'firing'],
      ['FunctionErrorBudgetSlowBurn', 'info', 'firing'],
    ]);
    expect(firing.find(a => a.severity === 'warning')?.summary).toBe(
      'payments/charge-card burns its error budget 14.4× too fast: 50% of requests fail (objective 99% over 30 days)',
    );
    expect(alerts.summary('test', 'payments', 'charge-card')).toEqual({
      firing: 2,
      severity: 'warning',
    });
    expect(alerts.summary('test', 'payments', 'refund')).toEqual({ firing: 0 });

    expect(sent.map(s => s.payload.title).sort()).toEqual([
      'charge-card: FunctionErrorBudgetFastBurn is firing',
      'charge-card: FunctionErrorBudgetSlowBurn is firing',
    ]);
    expect(sent[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: 'group:default/payments' },
      payload: {
        link: '/catalog/default/component/charge-card/serverless',
        scope: expect.stringMatching(/^atonix-alert:test:/),
      },
    });
  }, 60_000);

  it('moves an alert to recently resolved once Prometheus resolves it, and tells the owners', async () => {
    const [fast] = (
      alerts.of('test', 'payments', 'charge-card') as { firing: any[] }
    ).firing.filter(a => a.name === 'FunctionErrorBudgetFastBurn');
    // The errors are not undone here; Prometheus is stopped and its last word on the alert sent
    // as it sends a resolved alert: the same labels with endsAt in the past.
    await prometheus.stop();
    sent.length = 0;
    await alertmanager.post([
      {
        labels: fast.labels,
        annotations: { summary: fast.summary },
        startsAt: fast.startsAt,
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    ]);
    await alerts.refresh();
    const now = alerts.of('test', 'payments', 'charge-card');
    expect(now).toEqual({
      firing: [
        expect.objectContaining({ name: 'FunctionErrorBudgetSlowBurn' }),
      ],
      resolved: [
        expect.objectContaining({
          name: 'FunctionErrorBudgetFastBurn',
          state: 'resolved',
          endsAt: expect.any(String),
        }),
      ],
    });
    expect(sent).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'charge-card: FunctionErrorBudgetFastBurn resolved',
          severity: 'low',
          scope: `atonix-alert:test:${fast.fingerprint}`,
        }),
      }),
    ]);
  });

  it('keeps the last known alerts, marked unavailable, when Alertmanager goes away', async () => {
    await alertmanager.stop();
    await alerts.refresh();
    expect(alerts.of('test', 'payments', 'charge-card')).toEqual({
      unavailable: expect.stringMatching(/Alertmanager of cluster test/),
    });
  });
});
