import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudEvent, HTTP } from 'cloudevents';
import { cloudEventFunction } from './cloudevents.js';
import { createLogger } from './log.js';
import { RequestError } from './server.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const order = new CloudEvent({
  id: 'evt-1',
  source: '/payments/checkout',
  type: 'com.atonixcorp.order.created',
  data: { orderId: 42 },
  traceparent: TRACEPARENT,
});

/** Calls the HTTP function with `message` (headers and body) as the server would. */
function deliver(onEvent, message, method = 'POST') {
  const lines = [];
  const logger = createLogger({ write: line => lines.push(JSON.parse(line)) });
  const handle = cloudEventFunction(onEvent, { source: '/payments/charge-card' });
  const text = message.body === undefined ? '' : String(message.body);
  return {
    lines,
    response: handle(
      { method, path: '/', query: new URLSearchParams(), headers: message.headers, text },
      { logger },
    ),
  };
}

describe('cloudEventFunction', () => {
  it('reads binary and structured mode alike, extension attributes included', async () => {
    for (const message of [HTTP.binary(order), HTTP.structured(order)]) {
      const seen = [];
      const { response } = deliver(async event => {
        seen.push(event);
      }, message);
      assert.deepEqual(await response, { status: 202 });
      assert.equal(seen[0].id, 'evt-1');
      assert.deepEqual(seen[0].data, { orderId: 42 });
      assert.equal(seen[0].traceparent, TRACEPARENT);
    }
  });

  it("logs with the event's id, type and trace context", async () => {
    const { response, lines } = deliver(async (event, { logger }) => {
      logger.info('charged');
    }, HTTP.binary(order));
    await response;
    assert.deepEqual(
      { ...lines[0], time: undefined },
      {
        time: undefined,
        level: 'info',
        msg: 'charged',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        eventId: 'evt-1',
        eventType: 'com.atonixcorp.order.created',
      },
    );
  });

  it('answers with a binary-mode reply event when the function returns one', async () => {
    const { response } = deliver(
      async event => ({
        type: 'com.atonixcorp.card.charged',
        data: { orderId: event.data.orderId },
      }),
      HTTP.binary(order),
    );
    const { status, headers, body } = await response;
    assert.equal(status, 200);
    const reply = HTTP.toEvent({ headers, body });
    assert.equal(reply.type, 'com.atonixcorp.card.charged');
    assert.equal(reply.source, '/payments/charge-card');
    assert.deepEqual(reply.data, { orderId: 42 });
  });

  it('handles every event of a batch and acknowledges it without replies', async () => {
    const second = order.cloneWith({ id: 'evt-2' });
    const seen = [];
    const { response, lines } = deliver(
      async event => {
        seen.push(event.id);
        return { type: 'com.atonixcorp.card.charged' };
      },
      {
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify([order, second]),
      },
    );
    assert.deepEqual(await response, { status: 202 });
    assert.deepEqual(seen, ['evt-1', 'evt-2']);
    assert.equal(lines.filter(line => line.msg.startsWith('reply dropped')).length, 2);
  });

  it('refuses what is not a valid CloudEvent with a 400 that says why', async () => {
    for (const message of [
      { headers: { 'content-type': 'application/json' }, body: '{}' },
      {
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({ specversion: '1.0', id: '1', type: 't' }),
      },
    ]) {
      await assert.rejects(
        deliver(async () => {}, message).response,
        error =>
          error instanceof RequestError &&
          error.status === 400 &&
          /not a valid CloudEvent/.test(error.message),
      );
    }
    await assert.rejects(
      deliver(async () => {}, HTTP.binary(order), 'GET').response,
      error => error instanceof RequestError && error.status === 405,
    );
  });

  it('lets a failure of the function through, for the server to answer 500 and the Broker to retry', async () => {
    await assert.rejects(
      deliver(async () => {
        throw new Error('card service down');
      }, HTTP.binary(order)).response,
      /card service down/,
    );
  });
});
