import { createServer } from 'node:http';
import { handle } from './handler.js';

const MAX_BODY_BYTES = 1024 * 1024;

class RequestError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

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
  if (text === '') return undefined;
  if (!(req.headers['content-type'] ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(400, 'request body is not valid JSON');
  }
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The HTTP server around the handler: health check, JSON bodies, one log line per request. */
export function createFunctionServer({ logger }) {
  return createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    let status = 500;
    try {
      if (url.pathname === '/healthz') {
        status = 200;
        send(res, status, { status: 'ok' });
        return;
      }
      const response = await handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body: await readBody(req),
      });
      status = response.status;
      send(res, status, response.body);
    } catch (error) {
      status = error instanceof RequestError ? error.status : 500;
      if (status === 500) {
        logger.error('handler failed', {
          error: String(error?.stack ?? error),
        });
      }
      send(res, status, {
        error: status === 500 ? 'internal error' : error.message,
      });
    } finally {
      if (url.pathname !== '/healthz') {
        logger.info('request', {
          method: req.method,
          path: url.pathname,
          status,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        });
      }
    }
  });
}
