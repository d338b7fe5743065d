import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidEventError,
  parseCloudEvent,
  toBinaryHttp,
} from '../src/cloudevent.js';

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'evt-1',
  'ce-source': '/payments/checkout',
  'ce-type': 'com.atonixcorp.order.created',
  'content-type': 'application/json',
};

describe('parseCloudEvent', () => {
  it('reads a binary-mode event: attributes from ce-* headers, JSON data from the body', () => {
    const event = parseCloudEvent(
      { ...binaryHeaders, 'ce-subject': 'order%2042', 'ce-tenant': 'eu' },
      Buffer.from('{"orderId":42}'),
    );
    assert.deepEqual(event, {
      specversion: '1.0',
      id: 'evt-1',
      source: '/payments/checkout',
      type: 'com.atonixcorp.order.created',
      subject: 'order 42',
      tenant: 'eu',
      datacontenttype: 'application/json',
      data: { orderId: 42 },
    });
  });

  it('reads a structured-mode event, including base64 data', () => {
    const event = parseCloudEvent(
      { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      Buffer.from(
        JSON.stringify({
          specversion: '1.0',
          id: 'evt-2',
          source: '/payments/checkout',
          type: 'com.atonixcorp.order.created',
          data_base64: Buffer.from('raw').toString('base64'),
        }),
      ),
    );
    assert.equal(event.id, 'evt-2');
    assert.deepEqual(event.data, Buffer.from('raw'));
  });

  it('names the missing required attributes', () => {
    const { 'ce-id': _id, 'ce-type': _type, ...headers } = binaryHeaders;
    assert.throws(
      () => parseCloudEvent(headers, Buffer.alloc(0)),
      new InvalidEventError(
        400,
        'binary event lacks the required attribute(s) id, type',
      ),
    );
  });

  it('refuses requests that are not CloudEvents, other spec versions and batches', () => {
    assert.throws(
      () =>
        parseCloudEvent(
          { 'content-type': 'application/json' },
          Buffer.from('{}'),
        ),
      /not a CloudEvent/,
    );
    assert.throws(
      () =>
        parseCloudEvent(
          { ...binaryHeaders, 'ce-specversion': '0.3' },
          Buffer.alloc(0),
        ),
      /only CloudEvents 1.0/,
    );
    assert.throws(
      () =>
        parseCloudEvent(
          { 'content-type': 'application/cloudevents-batch+json' },
          Buffer.from('[]'),
        ),
      error => error instanceof InvalidEventError && error.status === 415,
    );
  });
});

describe('toBinaryHttp', () => {
  it('puts attributes in percent-encoded ce-* headers and data in the body', () => {
    const { headers, body } = toBinaryHttp({
      specversion: '1.0',
      id: 'r-1',
      source: '/payments/charge-card',
      type: 'com.atonixcorp.card.charged',
      subject: 'order 42 "€"',
      data: { ok: true },
    });
    assert.deepEqual(headers, {
      'ce-specversion': '1.0',
      'ce-id': 'r-1',
      'ce-source': '/payments/charge-card',
      'ce-type': 'com.atonixcorp.card.charged',
      'ce-subject': 'order%2042%20%22%E2%82%AC%22',
      'content-type': 'application/json',
    });
    assert.equal(body, '{"ok":true}');
  });
});
