// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudEvent } from 'cloudevents';
import { onEvent } from './handler.js';
import { createLogger } from './log.js';

describe('onEvent', () => {
  it('acknowledges an order event and logs where it came from', async () => {
    /** @type {Array<Record<string, unknown>>} */
    const lines = [];
    const logger = createLogger({ write: line => lines.push(JSON.parse(line)) });
    const event = new CloudEvent({
      source: '/payments/checkout',
      type: 'com.atonixcorp.order.created',
      subject: 'order-42',
      data: { orderId: 42 },
    });
    assert.equal(await onEvent(event, { logger }), undefined);
    assert.equal(lines[0].msg, 'event received');
    assert.equal(lines[0].eventSource, '/payments/checkout');
    assert.equal(lines[0].eventSubject, 'order-42');
  });
});
