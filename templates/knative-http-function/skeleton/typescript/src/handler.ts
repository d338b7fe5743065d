import type { FunctionRequest, FunctionResponse } from './server.js';

/**
 * The function itself. It receives the request (its JSON body already parsed) and returns the
 * response; the HTTP server around it (src/server.js, shared with the platform's JavaScript
 * functions) deals with the network, health checks and logging. Throw a `RequestError`
 * (src/server.js) to refuse a request with a 4xx; anything else thrown becomes a 500.
 */
export async function handle(
  request: FunctionRequest,
): Promise<FunctionResponse> {
  const fromBody =
    typeof request.body === 'object' && request.body !== null
      ? (request.body as Record<string, unknown>).name
      : undefined;
  const name = request.query.get('name') ?? fromBody ?? 'world';
  if (typeof name !== 'string' || name.length > 100) {
    return {
      status: 400,
      body: { error: '"name" must be a string of at most 100 characters' },
    };
  }
  return { status: 200, body: { message: `Hello, ${name}!` } };
}
