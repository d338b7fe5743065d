import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../src/log.js';
import { createFunctionServer } from '../src/server.js';

describe('the function server', () => {
  const lines = [];
  const logger = createLogger({ write: line => lines.push(JSON.parse(line)) });
  const server = createFunctionServer({ logger });
  let base;

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());

  it('answers the health check', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('passes JSON bodies to the handler and returns its answer', async () => {
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Hello, Ada!' });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(res.status, 400);
  });

  it('logs one JSON line per request', async () => {
    lines.length = 0;
    await (await fetch(`${base}/?name=Ada`)).text();
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, 'info');
    assert.equal(lines[0].path, '/');
    assert.equal(lines[0].status, 200);
    assert.equal(typeof lines[0].time, 'string');
  });
});
