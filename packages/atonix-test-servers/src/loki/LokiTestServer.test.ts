import { LokiTestServer } from './LokiTestServer';

describe('LokiTestServer', () => {
  let loki: LokiTestServer;
  const t0 = 1_700_000_000_000_000_000n;
  const at = (seconds: number) => String(t0 + BigInt(seconds) * 1_000_000_000n);

  beforeAll(async () => {
    loki = await LokiTestServer.start();
    const push = await fetch(`${loki.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        streams: [
          {
            stream: {
              namespace: 'payments',
              app: 'charge',
              revision: 'charge-00001',
            },
            values: [
              [at(1), 'GET /healthz 200'],
              [at(2), 'charge accepted id=1'],
              [at(3), 'ERROR card declined id=2'],
            ],
          },
          {
            stream: {
              namespace: 'payments',
              app: 'charge',
              revision: 'charge-00002',
            },
            values: [[at(4), 'charge accepted id=3']],
          },
          {
            stream: {
              namespace: 'search',
              app: 'indexer',
              revision: 'indexer-00001',
            },
            values: [[at(5), 'indexed "quoted" doc']],
          },
        ],
      }),
    });
    if (push.status !== 204) {
      throw new Error(`push failed: ${push.status}`);
    }
  });

  afterAll(() => loki.stop());

  async function query(params: Record<string, string>) {
    const res = await fetch(
      `${loki.url}/loki/api/v1/query_range?${new URLSearchParams({
        start: at(0),
        end: at(10),
        ...params,
      })}`,
    );
    return {
      status: res.status,
      body: res.status === 200 ? await res.json() : await res.text(),
    };
  }

  const lines = (body: any) =>
    body.data.result.flatMap((r: any) =>
      r.values.map((v: [string, string]) => v[1]),
    );

  it('answers in Loki’s streams shape, newest first by default', async () => {
    const { status, body } = await query({ query: '{namespace="payments"}' });
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('streams');
    expect(body.data.result[0]).toEqual({
      stream: {
        namespace: 'payments',
        app: 'charge',
        revision: 'charge-00002',
      },
      values: [[at(4), 'charge accepted id=3']],
    });
    expect(lines(body)).toHaveLength(4);
  });

  it('applies label matchers, line filters, limit and direction', async () => {
    const regex = await query({
      query:
        '{namespace=~"pay.*", revision!="charge-00002"} |= "id=" != "ERROR"',
    });
    expect(lines(regex.body)).toEqual(['charge accepted id=1']);

    const re = await query({
      query: '{app="charge"} |~ `id=[23]`',
      direction: 'forward',
      limit: '1',
    });
    expect(lines(re.body)).toEqual(['ERROR card declined id=2']);

    const escaped = await query({ query: '{app="indexer"} |= "\\"quoted\\""' });
    expect(lines(escaped.body)).toEqual(['indexed "quoted" doc']);
  });

  it('restricts to the start/end window (end exclusive)', async () => {
    const { body } = await query({
      query: '{app="charge"}',
      start: at(2),
      end: at(4),
    });
    expect(lines(body)).toEqual([
      'ERROR card declined id=2',
      'charge accepted id=1',
    ]);
  });

  it('answers a malformed query with a 400 parse error, as Loki does', async () => {
    expect((await query({ query: '{app="charge"' })).status).toBe(400);
    const empty = await query({ query: '{app=~".*"}' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('parse error');
  });
});
