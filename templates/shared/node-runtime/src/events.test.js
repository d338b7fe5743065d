import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { handle } from './handler.js';
import { createLogger } from './log.js';
import { createFunctionServer } from './server.js';

// The saved test events are what `npm run invoke` and the portal's Test button send: each one
// must still get the answer it expects. (Imported by URL: scripts/ is outside the TypeScript
// compiler's rootDir, and this file runs from src/ in JavaScript and from dist/ in TypeScript.)
const { savedEvents, send } = await import(
  new URL('../scripts/invoke.js', import.meta.url).href
);
const events = await savedEvents(
  fileURLToPath(new URL('../events', import.meta.url)),
);

describe('the saved test events in events/', () => {
  const server = createFunctionServer({
    logger: createLogger({ write: () => {} }),
    handle,
  });
  let base;

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());

  it('exist', () => assert.ok(events.length > 0));

  for (const event of events) {
    it(`${event.name}: ${event.description}`, async () => {
      const res = await send(event, base);
      await res.arrayBuffer();
      if (event.expect?.status !== undefined) {
        assert.equal(res.status, event.expect.status);
      }
    });
  }
});
