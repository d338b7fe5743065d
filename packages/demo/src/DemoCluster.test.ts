import http from 'node:http';
import path from 'node:path';
import { DEMO_PORTAL_TOKEN, DemoCluster } from './DemoCluster';

const GITOPS = path.resolve(__dirname, '../../../gitops');

jest.setTimeout(120_000);

describe('DemoCluster', () => {
  let cluster: DemoCluster;
  beforeAll(async () => {
    cluster = await DemoCluster.start({
      gitopsDir: GITOPS,
      ports: { kube: 0, loki: 0, prometheus: 0, control: 0, alertmanager: 0 },
    });
  });
  afterAll(() => cluster?.stop());

  // As the portal reads it: the token app-config.demo.yaml names, with the portal's RBAC.
  const asPortal = (urlPath: string) =>
    cluster.kubeApi.request('GET', urlPath, { token: DEMO_PORTAL_TOKEN });

  it('serves the example functions from the Kubernetes API and their traffic from Prometheus', async () => {
    const { body: services } = await asPortal(
      '/apis/serving.knative.dev/v1/namespaces/payments/services',
    );
    expect(
      services.items.map((item: any) => item.metadata.name).sort(),
    ).toEqual(['charge-card', 'fraud-score']);

    const query = encodeURIComponent(
      'sum(kn_serving_invocation_duration_seconds_count{kn_configuration_name="charge-card"})',
    );
    const answer = await fetch(
      `${cluster.urls.prometheus}/api/v1/query?query=${query}`,
    ).then(res => res.json());
    expect(Number(answer.data.result[0].value[1])).toBeGreaterThan(0);
  });

  it("keeps one of charge-card's rendered alerts firing in a real Alertmanager, labelled for its team and function", async () => {
    const alerts = await fetch(
      `${cluster.urls.alertmanager}/api/v2/alerts?active=true`,
    ).then(res => res.json());
    expect(alerts).toHaveLength(1);
    expect(alerts[0].status.state).toBe('active');
    expect(alerts[0].labels).toMatchObject({
      alertname: 'FunctionErrorBudgetFastBurn',
      team: 'payments',
      function: 'charge-card',
      severity: 'warning',
    });
    expect(alerts[0].annotations.summary).toContain(
      'payments/charge-card burns its error budget',
    );
    expect(alerts[0].annotations.summary).not.toContain('{{');
  });

  it('takes the Kubernetes API server away and brings it back on request', async () => {
    const control = (what: string) =>
      fetch(`${cluster.controlUrl}/kube/${what}`, { method: 'POST' }).then(
        res => res.json(),
      );
    const functions = () => asPortal('/apis/serving.knative.dev/v1/services');

    await expect(control('down')).resolves.toMatchObject({ kubeDown: true });
    await expect(functions()).rejects.toThrow(/ECONNREFUSED/);
    await expect(control('up')).resolves.toMatchObject({ kubeDown: false });
    expect((await functions()).status).toBe(200);
  });

  it('answers test requests as the function the Host header names, slower for one scaled to zero', async () => {
    const send = (host: string) => {
      const started = Date.now();
      return new Promise<{ status: number; body: any; ms: number }>(
        (resolve, reject) => {
          const req = http.request(
            `${cluster.controlUrl}/ingress/orders?id=7`,
            { method: 'POST', headers: { host, 'ce-type': 'x' } },
            res => {
              let body = '';
              res.on('data', c => (body += c));
              res.on('end', () =>
                resolve({
                  status: res.statusCode!,
                  body: body.startsWith('{') ? JSON.parse(body) : body,
                  ms: Date.now() - started,
                }),
              );
            },
          );
          req.on('error', reject);
          req.end('{"orderId":7}');
        },
      );
    };
    const warm = await send('charge-card.payments.example.com');
    expect(warm).toMatchObject({
      status: 202,
      body: {
        function: 'charge-card',
        path: '/orders?id=7',
        received: '{"orderId":7}',
      },
    });
    const cold = await send('order-events.analytics.example.com');
    expect(cold.ms).toBeGreaterThanOrEqual(1400);
    expect((await send('nothing.example.com')).status).toBe(404);
  });

  it("reconciles a team's Kustomization when its Receiver webhook is called, as Flux would", async () => {
    const kustomization = async () =>
      (
        await asPortal(
          '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/functions-payments',
        )
      ).body.status;
    expect((await kustomization()).lastHandledReconcileAt).toBeUndefined();
    const res = await fetch(`${cluster.controlUrl}/flux/hook/demo-payments`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    expect((await kustomization()).lastHandledReconcileAt).toEqual(
      expect.any(String),
    );
    const unknown = await fetch(`${cluster.controlUrl}/flux/hook/nope`, {
      method: 'POST',
    });
    expect(unknown.status).toBe(404);
  });

  it('says which controls exist when asked for another', async () => {
    const res = await fetch(`${cluster.controlUrl}/kube/restart`, {
      method: 'POST',
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('POST /kube/down');
  });
});
