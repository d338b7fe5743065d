import { AtonixServerlessClient } from './AtonixServerlessClient';

function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function clientAnswering(response: Response) {
  const fetch = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => response.clone(),
  );
  const client = new AtonixServerlessClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `http://backend.test/api/${pluginId}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

const base = 'http://backend.test/api/atonix-serverless';
const ref = { cluster: 'staging', namespace: 'payments', name: 'charge-card' };

describe('AtonixServerlessClient', () => {
  it('lists the fleet with multi-valued filters as comma-separated parameters', async () => {
    const page = {
      items: [],
      totalCount: 0,
      offset: 0,
      limit: 50,
      clusters: [],
    };
    const { client, fetch } = clientAnswering(jsonResponse(page));

    await expect(
      client.listFunctions({
        team: ['payments', 'analytics'],
        runtime: [],
        health: ['notReady'],
        scaledToZero: false,
        sort: 'team',
        order: 'desc',
        offset: 100,
        limit: 50,
      }),
    ).resolves.toEqual(page);
    expect(fetch).toHaveBeenCalledWith(
      `${base}/functions?team=payments%2Canalytics&health=notReady&scaledToZero=false&sort=team&order=desc&offset=100&limit=50`,
    );
  });

  it("posts a function's secret as JSON and answers the task that writes it", async () => {
    const { client, fetch } = clientAnswering(
      jsonResponse({ taskId: 'task-7' }, 202),
    );
    const secret = { name: 'charge-card-webhook', key: 'k', value: 'v' };
    expect(await client.writeFunctionSecret(ref, secret)).toEqual({
      taskId: 'task-7',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${base}/functions/staging/payments/charge-card/secrets`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(secret),
      },
    );
  });

  it('addresses one function by cluster, namespace and name', async () => {
    const { client, fetch } = clientAnswering(jsonResponse({}));
    await client.getFunction(ref);
    await client.getFunctionMetrics(ref, { window: '6h' });
    await client.getFunctionLogs(ref, {
      since: '15m',
      limit: 200,
      revision: 'charge-card-00002',
    });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      `${base}/functions/staging/payments/charge-card`,
      `${base}/functions/staging/payments/charge-card/metrics?window=6h`,
      `${base}/functions/staging/payments/charge-card/logs?since=15m&limit=200&revision=charge-card-00002`,
    ]);
  });

  it("asks each of a function's other routes at its path, POSTing the changes as JSON", async () => {
    const { client, fetch } = clientAnswering(jsonResponse({}));
    const change = { action: 'rollback' as const, revisionName: 'v1' };
    const invoke = { target: {}, savedEvent: 'charge-ten' };
    await client.getFunctionAlerts(ref);
    await client.getTraffic(ref);
    await client.changeTraffic(ref, change);
    await client.listTestEvents(ref);
    await client.invokeFunction(ref, invoke);
    await client.syncFunction(ref);
    await client.getFunctionTrace(ref);
    expect(
      fetch.mock.calls.map(([url, init]) => [
        String(url).slice(
          `${base}/functions/staging/payments/charge-card`.length,
        ),
        init?.method ?? 'GET',
        init?.body,
      ]),
    ).toEqual([
      ['/alerts', 'GET', undefined],
      ['/traffic', 'GET', undefined],
      ['/traffic', 'POST', JSON.stringify(change)],
      ['/events', 'GET', undefined],
      ['/invoke', 'POST', JSON.stringify(invoke)],
      ['/sync', 'POST', '{}'],
      ['/trace', 'GET', undefined],
    ]);
  });

  it('escapes the names in a path', async () => {
    const { client, fetch } = clientAnswering(jsonResponse({}));
    await client.getFunction({
      cluster: 'eu west',
      namespace: 'a/b',
      name: 'c?',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${base}/functions/eu%20west/a%2Fb/c%3F`,
    );
  });

  it('resolves a catalog entity to its functions', async () => {
    const { client, fetch } = clientAnswering(
      jsonResponse({ entityRef: 'component:default/charge-card', items: [] }),
    );
    await client.getEntityFunctions({
      kind: 'Component',
      namespace: 'default',
      name: 'charge-card',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${base}/entity/Component/default/charge-card`,
    );
  });

  it('turns a denied request into a ResponseError carrying the backend message', async () => {
    const { client } = clientAnswering(
      jsonResponse(
        {
          error: {
            name: 'NotAllowedError',
            message: 'You are not allowed to read functions of team payments',
          },
          request: { method: 'GET', url: '/api/atonix-serverless/functions' },
          response: { statusCode: 403 },
        },
        403,
      ),
    );

    await expect(client.listFunctions()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { name: 'NotAllowedError' } },
    });
  });
});
