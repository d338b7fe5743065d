import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import {
  InvalidEventError,
  parseCloudEvent,
  toBinaryHttp,
} from './cloudevent.js';
import { handle as defaultHandle } from './handler.js';

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new InvalidEventError(413, `event exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Handles one delivery. Invalid events are answered with a 4xx (the Broker does not retry those;
 * they go to the Trigger's dead-letter sink if it has one), handler failures with a 500 (retried).
 */
async function deliver(req, { logger, source, handle }) {
  let event;
  try {
    if (req.method !== 'POST') {
      throw new InvalidEventError(405, 'CloudEvents are delivered with POST');
    }
    event = parseCloudEvent(req.headers, await readBody(req));
    const result = await handle(event, { logger });
    if (result === undefined) return { event, status: 202 };
    return {
      event,
      status: 200,
      reply: {
        specversion: '1.0',
        id: randomUUID(),
        source,
        time: new Date().toISOString(),
        ...result,
      },
    };
  } catch (error) {
    if (error instanceof InvalidEventError) {
      return { event, status: error.status, error: error.message };
    }
    logger.error('handler failed', {
      eventId: event?.id,
      error: String(error?.stack ?? error),
    });
    return { event, status: 500, error: 'internal error' };
  }
}

/**
 * The HTTP server around the handler: health check, CloudEvents in binary and structured mode,
 * reply events in binary mode, one log line per delivery. `source` is the reply events' source.
 */
export function createFunctionServer({
  logger,
  source,
  handle = defaultHandle,
}) {
  return createServer(async (req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    const started = process.hrtime.bigint();
    const { event, status, reply, error } = await deliver(req, {
      logger,
      source,
      handle,
    });
    logger.info('delivery', {
      eventId: event?.id,
      eventType: event?.type,
      status,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
    if (error !== undefined) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error }));
    } else if (reply !== undefined) {
      const { headers, body } = toBinaryHttp(reply);
      res.writeHead(status, headers);
      res.end(body);
    } else {
      res.writeHead(status);
      res.end();
    }
  });
}
