export interface FunctionRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body, the raw text for other content types, or undefined when empty. */
  body: unknown;
}

export interface FunctionResponse {
  status: number;
  body: unknown;
}

/**
 * The function itself. It receives the parsed request and returns the response; the HTTP server
 * around it (src/server.ts) deals with the network, health checks and logging.
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
