// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handle } from './handler.js';

/**
 * A request as the server hands it to the handler.
 * @param {string} [query] the query string
 * @param {unknown} [body] the parsed JSON body
 */
const request = (query = '', body = undefined) => ({
  method: 'GET',
  path: '/',
  query: new URLSearchParams(query),
  headers: {},
  body,
  text: body === undefined ? '' : JSON.stringify(body),
});

describe('handle', () => {
  it('greets the world by default', async () => {
    assert.deepEqual(await handle(request()), {
      status: 200,
      body: { message: 'Hello, world!' },
    });
  });

  it('greets the name from the query string or the JSON body', async () => {
    assert.deepEqual((await handle(request('name=Ada'))).body, {
      message: 'Hello, Ada!',
    });
    assert.deepEqual((await handle(request('', { name: 'Grace' }))).body, {
      message: 'Hello, Grace!',
    });
  });

  it('rejects a name that is not a short string', async () => {
    assert.equal((await handle(request('', { name: 42 }))).status, 400);
    assert.equal(
      (await handle(request(`name=${'x'.repeat(101)}`))).status,
      400,
    );
  });
});
