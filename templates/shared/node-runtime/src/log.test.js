import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, traceFields } from './log.js';

describe('createLogger', () => {
  it('writes one JSON object per line, with the fields of its parents', () => {
    const lines = [];
    const logger = createLogger(
      { write: line => lines.push(line) },
      { function: 'charge-card' },
    );
    logger.child({ traceId: 'abc' }).error('failed', { status: 500 });
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith('\n'));
    const line = JSON.parse(lines[0]);
    assert.deepEqual(
      { ...line, time: typeof line.time },
      {
        time: 'string',
        level: 'error',
        msg: 'failed',
        function: 'charge-card',
        traceId: 'abc',
        status: 500,
      },
    );
  });
});

describe('traceFields', () => {
  it('reads the trace and parent span ids of a W3C traceparent', () => {
    assert.deepEqual(
      traceFields('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' },
    );
  });

  it('ignores a missing, malformed or all-zero traceparent', () => {
    for (const value of [
      undefined,
      'nonsense',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    ]) {
      assert.deepEqual(traceFields(value), {});
    }
  });
});
