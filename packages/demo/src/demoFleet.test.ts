import path from 'node:path';
import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
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
      ]),
    );
    expect(names('Revision')).toEqual(
      expect.arrayContaining([
        'payments/charge-card-00001',
        'payments/charge-card-00002',
      ]),
    );
    expect(names('Function')).toEqual(['openfaas-fn/report-export']);
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
});
