import { AtonixServerlessClient } from './AtonixServerlessClient';

function clientAnswering(response: Response) {
  const fetch = jest.fn().mockResolvedValue(response);
  const client = new AtonixServerlessClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `http://backend.test/api/${pluginId}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

describe('AtonixServerlessClient', () => {
  it('calls the plugin backend found through discovery', async () => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify({ status: 'ok' }), {
        headers: { 'content-type': 'application/json' },
      }),
    );

    await expect(client.getHealth()).resolves.toEqual({ status: 'ok' });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/atonix-serverless/health',
    );
  });

  it('turns an error response into a ResponseError carrying the backend message', async () => {
    const { client } = clientAnswering(
      new Response(
        JSON.stringify({
          error: {
            name: 'AuthenticationError',
            message: 'Missing credentials',
          },
          request: { method: 'GET', url: '/api/atonix-serverless/health' },
          response: { statusCode: 401 },
        }),
        {
          status: 401,
          statusText: 'Unauthorized',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );

    await expect(client.getHealth()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 401,
      body: { error: { message: 'Missing credentials' } },
    });
  });
});
