// Sends the saved test events of events/ (or the files named) to the function and prints the
// answers: `npm run invoke` against `npm run dev`, or `npm run invoke -- --url <url> <file>`
// against a deployed function. The file format is in the repository's README ("Test events").
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The saved test events in `dir`, by file name. */
export async function savedEvents(dir) {
  const files = (await readdir(dir)).filter(file => file.endsWith('.json'));
  return Promise.all(files.sort().map(file => readSavedEvent(join(dir, file))));
}

/** One saved test event; a malformed file is refused with its name and what is wrong. */
export async function readSavedEvent(file) {
  let event;
  try {
    event = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${error.message})`);
  }
  if (typeof event?.description !== 'string') {
    throw new Error(`${file}: "description" must be a string`);
  }
  if (typeof event.request !== 'object' || event.request === null) {
    throw new Error(`${file}: "request" must be an object`);
  }
  return { name: basename(file, '.json'), ...event };
}

/** Sends a saved event's request to `baseUrl` as the event file describes it. */
export function send({ request }, baseUrl) {
  const headers = { ...request.headers };
  let body = request.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  return fetch(new URL(request.path ?? '/', baseUrl), {
    method: request.method ?? 'POST',
    headers,
    body,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' } },
  });
  const url =
    values.url ?? `http://localhost:${process.env.PORT ?? ${{ values.port }}}`;
  const events =
    positionals.length > 0
      ? await Promise.all(positionals.map(readSavedEvent))
      : await savedEvents(fileURLToPath(new URL('../events', import.meta.url)));
  for (const event of events) {
    const res = await send(event, url).catch(error => {
      throw new Error(
        `${event.name}: ${url} did not answer (${error.cause?.code ?? error.message}); is the function running (npm run dev)?`,
      );
    });
    const headers = [...res.headers].filter(([name]) => name.startsWith('ce-'));
    console.log(`${event.name}: ${res.status} ${res.statusText}`);
    for (const [name, value] of headers) console.log(`  ${name}: ${value}`);
    const text = await res.text();
    if (text) console.log(`  ${text}`);
  }
}
