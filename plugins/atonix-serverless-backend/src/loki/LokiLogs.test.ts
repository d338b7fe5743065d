import { LokiTestServer, freePort } from '@internal/atonix-test-servers';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { testCluster } from '../__testUtils__/testCluster';
import { LokiLogs, LogsRequest } from './LokiLogs';

const cluster = (lokiUrl?: string) =>
  testCluster({
    lokiUrl,
    lokiLabels: {
      namespace: 'namespace',
      function: 'backstage_io_kubernetes_id',
      revision: 'serving_knative_dev_revision',
    },
  });

const charge = { namespace: 'payments', name: 'charge' } as FunctionStatus;
const request = (overrides: Partial<LogsRequest> = {}): LogsRequest => ({
  sinceSeconds: 3600,
  limit: 100,
  direction: 'backward',
  ...overrides,
});

describe('LokiLogs', () => {
  let loki: LokiTestServer;
  const logs = LokiLogs.create({ timeoutMs: 2000 });
  const now = Date.now();
  const ns = (secondsAgo: number) =>
    `${BigInt(now - secondsAgo * 1000) * 1_000_000n}`;

  beforeAll(async () => {
    loki = await LokiTestServer.start();
    const labels = (
      revision: string,
      fnName = 'charge',
      namespace = 'payments',
    ) => ({
      namespace,
      backstage_io_kubernetes_id: fnName,
      serving_knative_dev_revision: revision,
      pod: `${revision}-deployment-abc`,
    });
    loki.push([
      {
        stream: labels('charge-00001'),
        values: [
          [ns(7200), 'too old'],
          [ns(300), 'charge accepted id=1'],
          [ns(200), 'say "hello" id=2'],
        ],
      },
      {
        stream: labels('charge-00002'),
        values: [[ns(100), 'charge accepted id=3']],
      },
      {
        stream: labels('charge-00001', 'charge', 'search'),
        values: [[ns(50), 'other namespace']],
      },
    ]);
  });

  afterAll(() => loki.stop());

  const lines = async (overrides: Partial<LogsRequest> = {}) => {
    const result = await logs.functionLogs(
      cluster(loki.url),
      charge,
      request(overrides),
      now,
    );
    if ('unavailable' in result) throw new Error(result.unavailable);
    return result;
  };

  it('returns the function’s lines in the window as one timeline, newest first', async () => {
    const result = await lines();
    expect(result.lines.map(l => l.line)).toEqual([
      'charge accepted id=3',
      'say "hello" id=2',
      'charge accepted id=1',
    ]);
    expect(result.lines[0]).toMatchObject({
      timestamp: new Date(now - 100_000).toISOString(),
      labels: {
        serving_knative_dev_revision: 'charge-00002',
        namespace: 'payments',
      },
    });
    expect(result.truncated).toBe(false);
    expect(result.query).toBe(
      '{namespace="payments",backstage_io_kubernetes_id="charge"}',
    );
  });

  it('narrows by revision, text filter (quotes escaped), direction and limit', async () => {
    expect(
      (await lines({ revision: 'charge-00002' })).lines.map(l => l.line),
    ).toEqual(['charge accepted id=3']);
    const quoted = await lines({ filter: '"hello"' });
    expect(quoted.lines.map(l => l.line)).toEqual(['say "hello" id=2']);
    expect(quoted.query).toContain('|= "\\"hello\\""');
    const first = await lines({ direction: 'forward', limit: 1 });
    expect(first.lines.map(l => l.line)).toEqual(['charge accepted id=1']);
    expect(first.truncated).toBe(true);
  });

  it('answers unavailable when Loki is not configured or down', async () => {
    expect(await logs.functionLogs(cluster(), charge, request())).toEqual({
      unavailable: expect.stringContaining('atonix.clusters.staging.loki'),
    });
    const down = await logs.functionLogs(
      cluster(`http://127.0.0.1:${await freePort()}`),
      charge,
      request(),
    );
    expect(down).toEqual({
      unavailable: expect.stringContaining('unreachable'),
    });
  });

  it('answers unavailable with Loki’s reason when it fails', async () => {
    loki.setFaults({ error500: true });
    const result = await logs.functionLogs(
      cluster(loki.url),
      charge,
      request(),
    );
    loki.setFaults({});
    expect(result).toEqual({ unavailable: expect.stringContaining('500') });
  });
});
