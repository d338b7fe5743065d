import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  PrometheusProcess,
  freePort,
  knativeRevisionSeries,
  openfaasGatewaySeries,
} from '@internal/atonix-test-servers';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixCluster } from '../clusters';
import { PrometheusMetrics } from './PrometheusMetrics';

jest.setTimeout(60_000);

const cluster = (prometheusUrl?: string): AtonixCluster => ({
  name: 'staging',
  url: 'http://127.0.0.1:1',
  skipTLSVerify: false,
  prometheusUrl,
  lokiLabels: { namespace: 'namespace', function: 'fn', revision: 'revision' },
});

const fn = (
  namespace: string,
  name: string,
  runtime: FunctionStatus['runtime'] = 'knative',
): FunctionStatus => ({
  cluster: 'staging',
  namespace,
  team: namespace,
  name,
  runtime,
  ready: 'True',
  traffic: [],
  replicas: { desired: 1, actual: 1 },
  scaledToZero: false,
  autoscaling: {
    class: 'kpa.autoscaling.knative.dev',
    metric: 'rps',
    minScale: 0,
  },
  critical: false,
  triggers: [],
  owner: `group:default/${namespace}`,
  observedAt: new Date().toISOString(),
  stale: false,
});

describe('PrometheusMetrics against a real Prometheus', () => {
  let prometheus: PrometheusProcess;
  const metrics = PrometheusMetrics.create({ timeoutMs: 5000 });
  const now = Date.now();

  beforeAll(async () => {
    prometheus = await PrometheusProcess.start();
    await prometheus.write([
      ...knativeRevisionSeries({
        namespace: 'payments',
        service: 'charge',
        revision: 'charge-00002',
        rps: 8,
        errorShare: 0.25,
        latencyMs: 60,
        podsPerMinute: [2],
        minutes: 70,
        now,
      }),
      ...knativeRevisionSeries({
        namespace: 'payments',
        service: 'charge',
        revision: 'charge-00001',
        rps: 2,
        latencyMs: 60,
        podsPerMinute: [1],
        minutes: 70,
        now,
      }),
      // Scaled to zero, woken up twice in the last hour (minutes 12 and 40 of 60).
      ...knativeRevisionSeries({
        namespace: 'payments',
        service: 'refund',
        revision: 'refund-00001',
        rps: 0.5,
        latencyMs: 150,
        podsPerMinute: [
          ...Array(12).fill(0),
          1,
          1,
          1,
          ...Array(25).fill(0),
          1,
          1,
          ...Array(20).fill(0),
        ],
        minutes: 60,
        now,
      }),
      ...openfaasGatewaySeries({
        namespace: 'openfaas-fn',
        name: 'thumbnail',
        rps: 4,
        errorShare: 0.5,
        latencySeconds: 0.2,
        replicasPerMinute: [0, 0, 2],
        minutes: 70,
        now,
      }),
      // Deployed 30 minutes ago with 2 pods from the start: a new series is not a cold start.
      ...knativeRevisionSeries({
        namespace: 'payments',
        service: 'fresh',
        revision: 'fresh-00001',
        rps: 1,
        podsPerMinute: [2],
        minutes: 30,
        now,
      }),
      // Same name, other namespace: must not leak into payments' figures.
      ...knativeRevisionSeries({
        namespace: 'search',
        service: 'charge',
        revision: 'charge-00001',
        rps: 100,
        now,
        minutes: 70,
      }),
    ]);
  });

  afterAll(() => prometheus?.stop());

  it('computes request rate, error rate, latency quantiles and replicas from queue-proxy series', async () => {
    const result = await metrics.functionMetrics(
      cluster(prometheus.url),
      fn('payments', 'charge'),
      '1h',
      now,
    );
    if ('unavailable' in result) throw new Error(result.unavailable);
    expect(result.requestRate).toBeCloseTo(10, 1);
    expect(result.errorRate).toBeCloseTo(0.2, 2);
    // Every request falls into the 40..60 ms bucket: quantiles interpolate within it.
    expect(result.latency.p50).toBeGreaterThan(40);
    expect(result.latency.p50).toBeLessThanOrEqual(60);
    expect(result.latency.p99).toBeLessThanOrEqual(60);
    expect(result.replicas).toBe(3);
    expect(result.coldStarts).toBe(0);
    expect(result.series.requestRate.map(s => s.label).sort()).toEqual([
      'charge-00001',
      'charge-00002',
    ]);
    const rev2 = result.series.requestRate.find(
      s => s.label === 'charge-00002',
    )!;
    expect(rev2.points.length).toBeGreaterThan(30);
    expect(rev2.points.at(-1)![1]).toBeCloseTo(8, 1);
    expect(result.series.replicas[0].points.at(-1)![1]).toBe(3);
  });

  it('computes the same figures for OpenFaaS from the gateway series', async () => {
    const result = await metrics.functionMetrics(
      cluster(prometheus.url),
      fn('openfaas-fn', 'thumbnail', 'openfaas'),
      '1h',
      now,
    );
    if ('unavailable' in result) throw new Error(result.unavailable);
    expect(result.requestRate).toBeCloseTo(4, 1);
    expect(result.errorRate).toBeCloseTo(0.5, 2);
    // Every request falls into the 0.1..0.25 s bucket; figures are in milliseconds.
    expect(result.latency.p95).toBeGreaterThan(100);
    expect(result.latency.p95).toBeLessThanOrEqual(250);
    expect(result.replicas).toBe(2);
    // Scaled up from zero once, 68 minutes ago: outside the 1 h window.
    expect(result.coldStarts).toBe(0);
  });

  it('counts scale-from-zero events as cold starts', async () => {
    const result = await metrics.functionMetrics(
      cluster(prometheus.url),
      fn('payments', 'refund'),
      '1h',
      now,
    );
    if ('unavailable' in result) throw new Error(result.unavailable);
    expect(result.coldStarts).toBe(2);
    expect(result.replicas).toBe(0);

    const fresh = await metrics.functionMetrics(
      cluster(prometheus.url),
      fn('payments', 'fresh'),
      '1h',
      now,
    );
    if ('unavailable' in fresh) throw new Error(fresh.unavailable);
    expect(fresh.coldStarts).toBe(0);
    expect(fresh.replicas).toBe(2);
  });

  it('escapes label values: a name with quotes and braces selects nothing instead of breaking the query', async () => {
    const result = await metrics.functionMetrics(
      cluster(prometheus.url),
      fn(
        'payments',
        'x"} or revision_app_request_count{namespace_name="search',
      ),
      '1h',
      now,
    );
    if ('unavailable' in result) throw new Error(result.unavailable);
    expect(result.requestRate).toBe(0);
    expect(result.errorRate).toBeNull();
    expect(result.latency).toEqual({ p50: null, p95: null, p99: null });
  });

  it('answers unavailable when Prometheus is not configured, down or too slow', async () => {
    const none = await metrics.functionMetrics(
      cluster(),
      fn('payments', 'charge'),
      '1h',
    );
    expect(none).toEqual({
      unavailable: expect.stringContaining(
        'atonix.clusters.staging.prometheus',
      ),
    });

    const down = await metrics.functionMetrics(
      cluster(`http://127.0.0.1:${await freePort()}`),
      fn('payments', 'charge'),
      '1h',
    );
    expect(down).toEqual({
      unavailable: expect.stringContaining('unreachable'),
    });

    const silent = http.createServer(() => {});
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const slow = PrometheusMetrics.create({ timeoutMs: 200 });
    const result = await slow.functionMetrics(
      cluster(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`),
      fn('payments', 'charge'),
      '1h',
    );
    expect(result).toEqual({
      unavailable: expect.stringContaining('did not answer within 200 ms'),
    });
    silent.closeAllConnections();
    silent.close();
  });
});
