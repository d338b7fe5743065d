import http from 'node:http';

/** The prefix of the test-control routes, outside any path the real APIs use. */
export const CONTROL_PREFIX = '/_atonix/';

/**
 * Serves a test-control request (`POST /_atonix/<action>` with a JSON body) from another process,
 * e.g. a browser test that changes the cluster or injects a fault while the portal runs. Answers
 * 204, 400 with the reason, or 404 for an unknown action.
 */
export async function handleControl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  actions: Record<string, (body: any) => void | Promise<void>>,
): Promise<void> {
  const action = (req.url ?? '').slice(CONTROL_PREFIX.length).split('?')[0];
  if (req.method !== 'POST' || !Object.hasOwn(actions, action)) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(
      `unknown control action; POST one of ${Object.keys(actions)
        .map(a => CONTROL_PREFIX + a)
        .join(', ')}\n`,
    );
    return;
  }
  try {
    const text = await readBody(req);
    await actions[action](text ? JSON.parse(text) : {});
    res.writeHead(204);
    res.end();
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`${(error as Error).message}\n`);
  }
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
