import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { createLogger } from './log.js';
import { createFunctionServer, RequestError } from './server.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the function server', () => {
  const lines = [];
  const logger = createLogger({ write: line => lines.push(JSON.parse(line)) });
  const server = createFunctionServer({
    logger,
    handle: async ({ method, query, body }, context) => {
      if (query.has('fail')) throw new Error('card service down');
      if (query.has('refuse')) throw new RequestError(422, 'no card given');
      context.logger.info('handled');
      return { status: 200, body: { method, body } };
    },
  });
  let base;

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());

  it('answers the health check without logging it', async () => {
    lines.length = 0;
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    assert.deepEqual(lines, []);
  });

  it('passes JSON bodies to the function and returns its answer as JSON', async () => {
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      method: 'POST',
      body: { name: 'Ada' },
    });
  });

  it('answers 400 to a body that is not JSON, and the status of a RequestError', async () => {
    const invalid = await fetch(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(invalid.status, 400);
    const refused = await fetch(`${base}/?refuse`);
    assert.equal(refused.status, 422);
    assert.deepEqual(await refused.json(), { error: 'no card given' });
  });

  it('answers 500 without details when the function throws, and logs the error', async () => {
    lines.length = 0;
    const res = await fetch(`${base}/?fail`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: 'internal error' });
    assert.match(
      lines.find(line => line.level === 'error').error,
      /card service down/,
    );
  });

  it('logs one JSON line per request, with the trace context of the caller', async () => {
    lines.length = 0;
    await (
      await fetch(`${base}/?name=Ada`, { headers: { traceparent: TRACEPARENT } })
    ).text();
    const request = lines.filter(line => line.msg === 'request');
    assert.equal(request.length, 1);
    assert.equal(request[0].level, 'info');
    assert.equal(request[0].path, '/');
    assert.equal(request[0].status, 200);
    assert.equal(typeof request[0].time, 'string');
    for (const line of lines) {
      assert.equal(line.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
      assert.equal(line.spanId, '00f067aa0ba902b7');
    }
  });
});
