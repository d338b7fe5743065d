import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { URL } from 'node:url';
import {
  LogQLParseError,
  matchesLine,
  matchesStream,
  parseLogQuery,
} from './logql';

/** One stream as Loki's push API takes it: labels and `[nanosecond timestamp, line]` pairs. */
export interface LokiStream {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

/** Faults the server can be told to inject; see {@link LokiTestServer.setFaults}. */
export interface LokiFaults {
  error500?: boolean;
  delayMs?: number;
}

/**
 * A Loki API server for tests: `POST /loki/api/v1/push` (JSON) and `GET /loki/api/v1/query_range`
 * with LogQL stream selectors and line filters, `limit`, `direction` and `start`/`end` in
 * nanoseconds (or RFC 3339), answering Loki's JSON shape. Errors are plain text with a 400, as Loki
 * answers them. `GET /ready` answers `ready`.
 */
export class LokiTestServer {
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #streams = new Map<string, LokiStream>();
  #faults: LokiFaults = {};
  #port = 0;

  /** Pushes go through Loki's own push API. */
  static async start(options: { port?: number } = {}): Promise<LokiTestServer> {
    const server = new LokiTestServer();
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  private constructor() {
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch(error => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    this.#server.on('connection', socket => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Adds log lines directly, as a push would. */
  push(streams: LokiStream[]): void {
    for (const { stream, values } of streams) {
      const key = JSON.stringify(Object.entries(stream).sort());
      const existing = this.#streams.get(key) ?? {
        stream: { ...stream },
        values: [],
      };
      existing.values.push(...values);
      existing.values.sort((a, b) => compareNs(a[0], b[0]));
      this.#streams.set(key, existing);
    }
  }

  setFaults(faults: LokiFaults): void {
    this.#faults = { ...faults };
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) {
        socket.destroy();
      }
    });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (this.#faults.delayMs) {
      await new Promise(resolve => setTimeout(resolve, this.#faults.delayMs));
    }
    if (this.#faults.error500) {
      sendText(res, 500, 'injected fault: internal error');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/ready') {
      sendText(res, 200, 'ready');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/loki/api/v1/push') {
      if (!String(req.headers['content-type']).includes('application/json')) {
        sendText(
          res,
          415,
          'the test Loki server accepts only JSON pushes (content-type: application/json)',
        );
        return;
      }
      const body = JSON.parse(await readBody(req)) as {
        streams?: LokiStream[];
      };
      this.push(body.streams ?? []);
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/loki/api/v1/query_range') {
      this.#queryRange(url.searchParams, res);
      return;
    }
    sendText(res, 404, '404 page not found');
  }

  #queryRange(params: URLSearchParams, res: http.ServerResponse) {
    const query = params.get('query');
    if (!query) {
      sendText(res, 400, 'parse error : syntax error: unexpected $end');
      return;
    }
    const limit = Number(params.get('limit') ?? 100);
    const direction = params.get('direction') ?? 'backward';
    if (direction !== 'backward' && direction !== 'forward') {
      sendText(res, 400, `invalid direction '${direction}'`);
      return;
    }
    let parsed;
    let start: bigint;
    let end: bigint;
    try {
      parsed = parseLogQuery(query);
      end = params.has('end')
        ? parseTime(params.get('end')!)
        : BigInt(Date.now()) * 1_000_000n;
      start = params.has('start')
        ? parseTime(params.get('start')!)
        : end - 3_600_000_000_000n;
    } catch (error) {
      if (error instanceof LogQLParseError) {
        sendText(res, 400, error.message);
        return;
      }
      throw error;
    }
    const entries: Array<{
      stream: Record<string, string>;
      value: [string, string];
    }> = [];
    for (const { stream, values } of this.#streams.values()) {
      if (!matchesStream(parsed, stream)) continue;
      for (const value of values) {
        const ts = BigInt(value[0]);
        // Loki's range is start-inclusive, end-exclusive.
        if (ts >= start && ts < end && matchesLine(parsed, value[1])) {
          entries.push({ stream, value });
        }
      }
    }
    entries.sort((a, b) =>
      direction === 'forward'
        ? compareNs(a.value[0], b.value[0])
        : compareNs(b.value[0], a.value[0]),
    );
    const result = new Map<Record<string, string>, Array<[string, string]>>();
    for (const { stream, value } of entries.slice(0, limit)) {
      result.set(stream, [...(result.get(stream) ?? []), value]);
    }
    const body = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'streams',
        result: [...result].map(([stream, values]) => ({ stream, values })),
        stats: {
          summary: { totalEntriesReturned: Math.min(entries.length, limit) },
        },
      },
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  }
}

function parseTime(text: string): bigint {
  if (/^\d+$/.test(text)) {
    // Loki takes seconds or nanoseconds since the epoch; anything this long is nanoseconds.
    return text.length > 12 ? BigInt(text) : BigInt(text) * 1_000_000_000n;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new LogQLParseError(`cannot parse "${text}" to a valid timestamp`);
  }
  return BigInt(ms) * 1_000_000n;
}

function compareNs(a: string, b: string) {
  const d = BigInt(a) - BigInt(b);
  if (d === 0n) {
    return 0;
  }
  return d < 0n ? -1 : 1;
}

function sendText(res: http.ServerResponse, code: number, text: string) {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
