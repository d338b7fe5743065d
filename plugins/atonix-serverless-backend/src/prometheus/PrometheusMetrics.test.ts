import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  PrometheusProcess,
  coldStartRecordedSeries,
  freePort,
  knativeRevisionSeries,
  openfaasGatewaySeries,
} from '@internal/atonix-test-servers';
import { mockServices } from '@backstage/backend-test-utils';
import {
  FunctionStatus,
  MetricsWindow,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionStatus } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import { AtonixCluster } from '../clusters';
import { testCluster } from '../__testUtils__/testCluster';
import { BUILT_IN_RUNTIMES } from '../runtimes';
import { FleetMetrics } from './FleetMetrics';
import { PrometheusMetrics } from './PrometheusMetrics';

/** One function's metrics over the PromQL of its (built-in) runtime, as the router asks for them. */
function functionMetrics(
  metrics: PrometheusMetrics,
  target: AtonixCluster,
  status: FunctionStatus,
  window: MetricsWindow,
  now?: number,
) {
  const runtime = BUILT_IN_RUNTIMES.find(r => r.runtime === status.runtime)!;
  return metrics.functionMetrics(
    target,
    runtime.functionQueries(status),
    status,
    window,
    now,
  );
}

jest.setTimeout(60_000);

const cluster = (prometheusUrl?: string, name = 'staging') =>
  testCluster({ name, prometheusUrl });

const fn = (
  namespace: string,
  name: string,
  runtime: FunctionStatus['runtime'] = 'knative',
): FunctionStatus => functionStatus({ namespace, name, runtime });

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
      // What the platform's recording rules wrote for refund: two starts in the last hour, the
      // older revision's slow (6.2 s at p95), the newer one's 1.8 s; a p95 is recorded for the 5
      // minutes after a start only.
      ...coldStartRecordedSeries({
        namespace: 'payments',
        service: 'refund',
        revision: 'refund-00001',
        countPerMinute: [...Array(30).fill(0), ...Array(31).fill(1)],
        p95MsPerMinute: [...Array(30).fill(null), ...Array(5).fill(6200), null],
        now,
      }),
      ...coldStartRecordedSeries({
        namespace: 'payments',
        service: 'refund',
        revision: 'refund-00002',
        countPerMinute: [...Array(50).fill(0), 1],
        p95MsPerMinute: [...Array(50).fill(null), ...Array(5).fill(1800), null],
        now,
      }),
      // A revision of the same name in another namespace: not refund's.
      ...coldStartRecordedSeries({
        namespace: 'search',
        service: 'refund',
        revision: 'refund-00001',
        countPerMinute: [9],
        p95MsPerMinute: [20_000],
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

  /** The function's metrics over the hour before `now`, which must be available. */
  async function lastHour(status: FunctionStatus) {
    const result = await functionMetrics(
      metrics,
      cluster(prometheus.url),
      status,
      '1h',
      now,
    );
    if (isUnavailable(result)) throw new Error(result.unavailable);
    return result;
  }

  it('computes request rate, error rate, latency quantiles and replicas from queue-proxy series', async () => {
    const result = await lastHour(fn('payments', 'charge'));
    expect(result.requestRate).toBeCloseTo(10, 1);
    expect(result.errorRate).toBeCloseTo(0.2, 2);
    // Every request (60 ms) falls into the 50..75 ms bucket: quantiles interpolate within it.
    expect(result.latency.p50).toBeGreaterThan(50);
    expect(result.latency.p50).toBeLessThanOrEqual(75);
    expect(result.latency.p99).toBeLessThanOrEqual(75);
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
    expect(result.series.latency.map(s => s.label)).toEqual([
      'p50 ms',
      'p95 ms',
      'p99 ms',
    ]);
    const [p50, p95, p99] = result.series.latency.map(s => s.points.at(-1)![1]);
    // Every request (60 ms) falls into the 50..75 ms bucket: the quantiles interpolate within it,
    // in order.
    expect(p50).toBeGreaterThan(50);
    expect(p50).toBeLessThan(p95);
    expect(p95).toBeLessThan(p99);
    expect(p99).toBeLessThanOrEqual(75);
  });

  it('computes the same figures for OpenFaaS from the gateway series', async () => {
    const result = await lastHour(fn('openfaas-fn', 'thumbnail', 'openfaas'));
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
    const result = await lastHour(fn('payments', 'refund'));
    expect(result.coldStarts).toBe(2);
    expect(result.replicas).toBe(0);

    const fresh = await lastHour(fn('payments', 'fresh'));
    expect(fresh.coldStarts).toBe(0);
    expect(fresh.replicas).toBe(2);
  });

  it('reads cold starts per revision and their trend from the recorded series', async () => {
    const result = await lastHour(fn('payments', 'refund'));
    expect(result.coldStart).toEqual({
      count1h: 2,
      p95Ms: 6200,
      objectiveMs: 5000,
      revisions: [
        { revision: 'refund-00001', count1h: 1, p95Ms: 6200 },
        { revision: 'refund-00002', count1h: 1, p95Ms: 1800 },
      ],
      series: [
        { label: 'starts in 1h', points: expect.any(Array) },
        { label: 'p95 ms', points: expect.any(Array) },
      ],
    });
    const [starts, p95] = result.coldStart!.series;
    // The count rose from 0 to 1 half an hour ago and to 2 ten minutes ago.
    expect(starts.points[0][1]).toBe(0);
    expect(starts.points.at(-1)![1]).toBe(2);
    // The highest p95 of the hour, long after the 5 minutes it was recorded in.
    expect(p95.points.at(-1)![1]).toBe(6200);
    // No p95 before the first start: no point rather than a zero.
    expect(p95.points[0][0]).toBeGreaterThan(now / 1000 - 31 * 60);

    const critical = await lastHour({
      ...fn('payments', 'refund'),
      critical: true,
    });
    expect(critical.coldStart?.objectiveMs).toBe(2000);

    // The spec's own objective, carried by the Knative Service, wins over the default.
    const own = await lastHour({
      ...fn('payments', 'refund'),
      coldStartObjectiveMs: 8000,
    });
    expect(own.coldStart?.objectiveMs).toBe(8000);
  });

  it('says a function serving all hour had no cold start, and gives none for a runtime that records none', async () => {
    const charge = await lastHour(fn('payments', 'charge'));
    expect(charge.coldStart).toMatchObject({
      count1h: 0,
      p95Ms: null,
      revisions: [],
    });
    // Serving all along: a flat zero, and no wait to draw.
    const [starts, ...rest] = charge.coldStart!.series;
    expect(rest).toEqual([]);
    expect(starts.label).toBe('starts in 1h');
    expect(starts.points.length).toBeGreaterThan(30);
    expect(starts.points.every(([, v]) => v === 0)).toBe(true);
    const thumbnail = await lastHour(
      fn('openfaas-fn', 'thumbnail', 'openfaas'),
    );
    expect(thumbnail.coldStart).toBeUndefined();
  });

  it('escapes label values: a name with quotes and braces selects nothing instead of breaking the query', async () => {
    const result = await lastHour(
      fn(
        'payments',
        'x"} or kn_serving_invocation_duration_seconds_count{k8s_namespace_name="search',
      ),
    );
    expect(result.requestRate).toBe(0);
    expect(result.errorRate).toBeNull();
    expect(result.latency).toEqual({ p50: null, p95: null, p99: null });
  });

  it('reads request rate, error rate and p95 of every function of a cluster in one snapshot', async () => {
    const fleet = await metrics.fleetMetrics(
      cluster(prometheus.url),
      BUILT_IN_RUNTIMES,
      now,
    );
    if (isUnavailable(fleet)) throw new Error(fleet.unavailable);
    expect([...fleet.keys()].sort()).toEqual([
      'knative:payments/charge',
      'knative:payments/fresh',
      'knative:payments/refund',
      'knative:search/charge',
      'knative:search/refund',
      'openfaas:openfaas-fn/thumbnail',
    ]);
    const charge = fleet.get('knative:payments/charge')!;
    expect(charge.requestRate).toBeCloseTo(10, 1);
    expect(charge.errorRate).toBeCloseTo(0.2, 2);
    expect(charge.p95LatencyMs).toBeGreaterThan(50);
    expect(charge.p95LatencyMs).toBeLessThanOrEqual(75);
    // Same name in another namespace: its own figures, not mixed with payments'.
    const searchCharge = fleet.get('knative:search/charge')!;
    expect(searchCharge.requestRate).toBeCloseTo(100, 0);
    expect(searchCharge.errorRate).toBe(0);
    // 40 ms: the 25..50 ms bucket.
    expect(searchCharge.p95LatencyMs).toBeLessThanOrEqual(50);
    // Cold starts: refund's two revisions summed, its slowest revision's p95.
    expect(fleet.get('knative:payments/refund')).toMatchObject({
      coldStarts1h: 2,
      coldStartP95Ms: 6200,
    });
    expect(fleet.get('knative:search/refund')).toMatchObject({
      coldStarts1h: 9,
      coldStartP95Ms: 20_000,
    });
    // Requests in the hour without a start: none rather than unknown.
    expect(charge.coldStarts1h).toBe(0);
    expect(charge.coldStartP95Ms).toBeNull();
    const thumbnail = fleet.get('openfaas:openfaas-fn/thumbnail')!;
    expect(thumbnail.coldStarts1h).toBeNull();
    expect(thumbnail.requestRate).toBeCloseTo(4, 1);
    expect(thumbnail.errorRate).toBeCloseTo(0.5, 2);
    expect(thumbnail.p95LatencyMs).toBeGreaterThan(100);
    expect(thumbnail.p95LatencyMs).toBeLessThanOrEqual(250);
  });

  it("keeps each cluster's fleet snapshot in memory, and says why a cluster has none", async () => {
    const fleet = FleetMetrics.create({
      clusters: [
        cluster(prometheus.url),
        cluster(undefined, 'production'),
        cluster(`http://127.0.0.1:${await freePort()}`, 'edge'),
      ],
      metrics,
      logger: mockServices.logger.mock(),
    });
    const charge = {
      runtime: 'knative',
      namespace: 'payments',
      name: 'charge',
    } as const;
    expect(fleet.of('staging', charge)).toEqual({
      unavailable: expect.stringContaining('not been read'),
    });

    await fleet.refresh();
    const figures = fleet.of('staging', charge);
    if (isUnavailable(figures)) throw new Error(figures.unavailable);
    expect(figures.requestRate).toBeGreaterThan(0);
    expect(fleet.of('staging', { ...charge, name: 'never-called' })).toEqual({
      requestRate: null,
      errorRate: null,
      p95LatencyMs: null,
      coldStarts1h: null,
      coldStartP95Ms: null,
    });
    expect(fleet.of('production', charge)).toEqual({
      unavailable: expect.stringContaining(
        'atonix.clusters.production.prometheus',
      ),
    });
    expect(fleet.of('edge', charge)).toEqual({
      unavailable: expect.stringContaining('unreachable'),
    });

    const version = fleet.version;
    await fleet.refresh();
    expect(fleet.version).toBeGreaterThan(version);
    await fleet.stop();
  });

  it('answers unavailable when Prometheus is not configured, down or too slow', async () => {
    const none = await functionMetrics(
      metrics,
      cluster(),
      fn('payments', 'charge'),
      '1h',
    );
    expect(none).toEqual({
      unavailable: expect.stringContaining(
        'atonix.clusters.staging.prometheus',
      ),
    });

    const down = await functionMetrics(
      metrics,
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
    const result = await functionMetrics(
      slow,
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
