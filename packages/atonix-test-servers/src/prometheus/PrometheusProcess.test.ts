import { PrometheusProcess } from './PrometheusProcess';
import { knativeRevisionSeries } from '../fixtures/seeds';

describe('PrometheusProcess', () => {
  let prometheus: PrometheusProcess;

  beforeAll(async () => {
    prometheus = await PrometheusProcess.start();
  }, 30_000);

  afterAll(() => prometheus?.stop());

  it('takes queue-proxy series through remote write and answers PromQL over them', async () => {
    await prometheus.write(
      knativeRevisionSeries({
        namespace: 'payments',
        service: 'charge',
        revision: 'charge-00001',
        rps: 4,
        errorShare: 0.25,
      }),
    );
    const query =
      'sum(rate(kn_serving_invocation_duration_seconds_count{k8s_namespace_name="payments",http_response_status_code=~"5.."}[5m]))';
    const res = await fetch(
      `${prometheus.url}/api/v1/query?${new URLSearchParams({ query })}`,
    );
    const body = await res.json();
    expect(body.status).toBe('success');
    expect(Number(body.data.result[0].value[1])).toBeCloseTo(1, 5);
  });
});
