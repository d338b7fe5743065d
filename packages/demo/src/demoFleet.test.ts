import path from 'node:path';
import {
  FunctionSpec,
  OBJECTIVE_DEFAULTS,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  demoKubeObjects,
  demoLogs,
  demoSeries,
  readExampleFunctions,
} from './demoFleet';

const GITOPS = path.resolve(__dirname, '../../../gitops');

describe('the demo fleet', () => {
  let specs: FunctionSpec[];
  beforeAll(async () => {
    specs = await readExampleFunctions(GITOPS);
  });

  it("is the repository's example functions", () => {
    expect(specs.map(spec => `${spec.team}/${spec.name}`)).toEqual(
      expect.arrayContaining([
        'analytics/order-events',
        'analytics/report-export',
        'payments/charge-card',
        'payments/fraud-score',
      ]),
    );
  });

  it('deploys each function with its runtime, and the event wiring of event-driven ones', () => {
    const objects = demoKubeObjects(specs);
    const names = (kind: string) =>
      objects
        .filter(object => object.kind === kind)
        .map(object => `${object.metadata.namespace}/${object.metadata.name}`);
    expect(names('Service')).toEqual(
      expect.arrayContaining([
        'payments/charge-card',
        'payments/fraud-score',
        'analytics/order-events',
        'analytics/report-export',
      ]),
    );
    expect(names('Revision')).toEqual(
      expect.arrayContaining([
        'payments/charge-card-00001',
        'payments/charge-card-00002',
      ]),
    );
    // Every example runs on the stack its cluster installs: OpenFaaS CE reconciles no Function.
    expect(names('Function')).toEqual([]);
    expect(names('Trigger')).toEqual(['analytics/order-events']);
    expect(names('RabbitmqSource')).toEqual(['analytics/order-events-source']);
    expect(names('Kustomization')).toEqual(
      expect.arrayContaining([
        'flux-system/functions-analytics',
        'flux-system/functions-payments',
        'flux-system/infra-configs',
      ]),
    );
    expect(names('Receiver')).toEqual([
      'flux-system/functions-analytics',
      'flux-system/functions-payments',
    ]);
  });

  it('deploys an OpenFaaS function (what the portal creates on a cluster with OpenFaaS Pro) as a Function', () => {
    const exporter = specs.find(spec => spec.name === 'report-export')!;
    const objects = demoKubeObjects([{ ...exporter, runtime: 'openfaas' }]);
    expect(
      objects
        .filter(object => object.kind === 'Function')
        .map(object => `${object.metadata.namespace}/${object.metadata.name}`),
    ).toEqual(['openfaas-fn/report-export']);
  });

  it('seeds metrics and logs for every function', () => {
    const now = Date.UTC(2026, 10, 25, 20);
    const series = demoSeries(specs, now);
    for (const spec of specs) {
      const selector =
        spec.runtime === 'openfaas'
          ? (l: Record<string, string>) =>
              l.function_name === `${spec.name}.openfaas-fn`
          : (l: Record<string, string>) =>
              l.kn_configuration_name === spec.name;
      expect(series.some(s => selector(s.labels))).toBe(true);
    }
    const logs = demoLogs(specs, now);
    expect(
      [...new Set(logs.map(s => s.stream.backstage_io_kubernetes_id))].sort(),
    ).toEqual(specs.map(spec => spec.name).sort());
  });

  it("seeds an OpenFaaS function's gateway series: requests, latency buckets and its replicas", () => {
    const now = Date.UTC(2026, 10, 25, 20);
    const exporter = specs.find(spec => spec.name === 'report-export')!;
    const series = demoSeries([{ ...exporter, runtime: 'openfaas' }], now);
    const named = (name: string) =>
      series.filter(
        s =>
          s.labels.__name__ === name &&
          s.labels.function_name === 'report-export.openfaas-fn',
      );
    expect(named('gateway_function_invocation_total')).toHaveLength(2);
    expect(named('gateway_functions_seconds_bucket').length).toBeGreaterThan(1);
    // report-export's demo traffic keeps one replica.
    const [replicas] = named('gateway_service_count');
    expect(replicas.samples.at(-1)).toEqual([now, 1]);
  });

  it("seeds the idle function's two starts from zero as the recording rules would, slower than its objective", () => {
    const now = Date.UTC(2026, 10, 25, 20);
    const recorded = demoSeries(specs, now).filter(s =>
      s.labels.__name__.startsWith('atonix_revision:'),
    );
    // Only the function seeded as idle (scaled to zero 12 minutes ago) started from zero.
    expect(new Set(recorded.map(s => s.labels.kn_service_name))).toEqual(
      new Set(['order-events']),
    );
    const [count, p95] = recorded;
    expect(count.labels.__name__).toBe('atonix_revision:cold_starts:count1h');
    expect(count.samples[0]).toEqual([now - 60 * 60_000, 0]);
    expect(count.samples.at(-1)).toEqual([now, 2]);
    // It woke up 40 and 35 minutes ago; each start has a p95 for the 5 minutes after it.
    expect(p95.samples.map(([t]) => (now - t) / 60_000)).toEqual([
      40, 39, 38, 37, 36, 35, 34, 33, 32, 31,
    ]);
    expect(
      p95.samples.every(
        ([, ms]) => ms > OBJECTIVE_DEFAULTS.standard.coldStartP95Ms,
      ),
    ).toBe(true);
  });
});
