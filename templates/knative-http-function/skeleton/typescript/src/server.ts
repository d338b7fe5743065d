import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { handle } from './handler.js';
import type { Logger } from './log.js';

const MAX_BODY_BYTES = 1024 * 1024;

class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new RequestError(
        413,
        `request body exceeds ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(chunk as Buffer);
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

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The HTTP server around the handler: health check, JSON bodies, one log line per request. */
export function createFunctionServer({ logger }: { logger: Logger }): Server {
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
          error: error instanceof Error ? error.stack : String(error),
        });
      }
      send(res, status, {
        error: error instanceof RequestError ? error.message : 'internal error',
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
