/**
 * The function itself. It receives the request (its JSON body already parsed) and returns the
 * response; the HTTP server around it (src/server.js) deals with the network, health checks and
 * logging. Throw a `RequestError` (src/server.js) to refuse a request with a 4xx; anything else
 * thrown becomes a 500.
 *
 * @param {import('./server.js').FunctionRequest} request
 * @returns {Promise<import('./server.js').FunctionResponse>}
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
