/**
 * The function itself. It receives the parsed request and returns the response; the HTTP server
 * around it (src/server.js) deals with the network, health checks and logging.
 *
 * @param {{ method: string, path: string, query: URLSearchParams, body: unknown }} request
 * @returns {Promise<{ status: number, body: unknown }>}
 */
export async function handle(request) {
  const name =
    request.query.get('name') ??
    (typeof request.body === 'object' && request.body !== null
      ? request.body.name
      : undefined) ??
    'world';
  if (typeof name !== 'string' || name.length > 100) {
    return {
      status: 400,
      body: { error: '"name" must be a string of at most 100 characters' },
    };
  }
  return { status: 200, body: { message: `Hello, ${name}!` } };
}
