import { createServer } from 'node:http';
import { traceFields } from './log.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** A request the function refuses; `status` (4xx) and the message are the answer. */
export class RequestError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @typedef {{
 *   method: string,
 *   path: string,
 *   query: URLSearchParams,
 *   headers: import('node:http').IncomingHttpHeaders,
 *   body: unknown,
 *   text: string,
 * }} FunctionRequest `body` is the parsed JSON body, the text for other content types, or
 *   undefined when empty; `text` is the body as received
 * @typedef {{ status: number, headers?: Record<string, string>, body?: unknown }} FunctionResponse
 *   a string or Buffer body is sent as it is, anything else as JSON
 * @typedef {(request: FunctionRequest, context: { logger: import('./log.js').Logger })
 *   => Promise<FunctionResponse>} Handle
 */

/** @param {import('node:http').IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new RequestError(
        413,
        `request body exceeds ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return { text, body: undefined };
  if (!(req.headers['content-type'] ?? '').includes('json')) {
    return { text, body: text };
  }
  try {
    return { text, body: JSON.parse(text) };
  } catch {
    throw new RequestError(400, 'request body is not valid JSON');
  }
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {FunctionResponse} response
 */
function send(res, { status, headers = {}, body }) {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
  } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.writeHead(status, headers);
    res.end(body);
  } else {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}

/**
 * The HTTP server around the function: health check on /healthz, JSON bodies, 4xx for bad
 * requests, 500 when `handle` throws, and one JSON log line per request carrying the caller's
 * W3C trace context.
 *
 * @param {{ logger: import('./log.js').Logger, handle: Handle }} options
 */
export function createFunctionServer({ logger, handle }) {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      send(res, { status: 200, body: { status: 'ok' } });
      return;
    }
    const started = process.hrtime.bigint();
    const requestLogger = logger.child(traceFields(req.headers.traceparent));
    /** @type {FunctionResponse} */
    let response;
    try {
      response = await handle(
        {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          ...(await readBody(req)),
        },
        { logger: requestLogger },
      );
    } catch (error) {
      if (error instanceof RequestError) {
        response = { status: error.status, body: { error: error.message } };
      } else {
        requestLogger.error('handler failed', {
          error: String(error instanceof Error ? error.stack : error),
        });
        response = { status: 500, body: { error: 'internal error' } };
      }
    }
    // Logged before the answer goes out, so the line exists once the client has its response.
    requestLogger.info('request', {
      method: req.method,
      path: url.pathname,
      status: response.status,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
    send(res, response);
  });
}
