import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { createLogger } from '../src/log.js';
import { createFunctionServer } from '../src/server.js';

const event = {
  'ce-specversion': '1.0',
  'ce-id': 'evt-1',
  'ce-source': '/payments/checkout',
  'ce-type': 'com.atonixcorp.order.created',
  'content-type': 'application/json',
};

async function start(handle) {
  const lines = [];
  const logger = createLogger({ write: line => lines.push(JSON.parse(line)) });
  const server = createFunctionServer({
    logger,
    source: '/payments/charge-card',
    handle,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, lines, base: `http://127.0.0.1:${server.address().port}` };
}

describe('the function server', () => {
  const servers = [];
  after(() => servers.forEach(server => server.close()));
  const startServer = async handle => {
    const started = await start(handle);
    servers.push(started.server);
    return started;
  };

  it('answers the health check', async () => {
    const { base } = await startServer();
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('acknowledges an event the handler accepts with 202 and logs the delivery', async () => {
    const { base, lines } = await startServer();
    const res = await fetch(base, {
      method: 'POST',
      headers: event,
      body: '{"orderId":42}',
    });
    assert.equal(res.status, 202);
    const delivery = lines.find(line => line.msg === 'delivery');
    assert.equal(delivery.eventId, 'evt-1');
    assert.equal(delivery.status, 202);
    assert.ok(
      lines.some(
        line =>
          line.msg === 'event received' && line.eventType === event['ce-type'],
      ),
    );
  });

  it('answers with a binary-mode reply event when the handler returns one', async () => {
    const { base } = await startServer(async received => ({
      type: 'com.atonixcorp.card.charged',
      data: { orderId: received.data.orderId },
    }));
    const res = await fetch(base, {
      method: 'POST',
      headers: event,
      body: '{"orderId":42}',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('ce-type'), 'com.atonixcorp.card.charged');
    assert.equal(res.headers.get('ce-source'), '/payments/charge-card');
    assert.equal(res.headers.get('ce-specversion'), '1.0');
    assert.ok(res.headers.get('ce-id'));
    assert.deepEqual(await res.json(), { orderId: 42 });
  });

  it('answers 400 to an invalid event and 500 when the handler fails, so the Broker retries', async () => {
    const { base, lines } = await startServer(async () => {
      throw new Error('card service down');
    });
    const invalid = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(invalid.status, 400);
    const failed = await fetch(base, {
      method: 'POST',
      headers: event,
      body: '{}',
    });
    assert.equal(failed.status, 500);
    assert.ok(
      lines.some(line => line.level === 'error' && line.eventId === 'evt-1'),
    );
  });
});
