/* eslint-disable no-console */
// Benchmarks of the Atonix Serverless backend (prints figures; not a test). See bench/README.md.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/backend-fleet.ts \
//     [--sizes 1000,5000] [--namespaces 100] [--samples 200] [--load-seconds 60] [--load-clients 200]
//
// Everything runs on 127.0.0.1: a Kubernetes API test server seeded with the fleet (one child
// process), and one backend per run (another child process, so its RSS is its own): Atonix
// Serverless, then the stock @backstage/plugin-kubernetes-backend configured with the Knative
// custom resources, answering the equivalent per-entity queries.
import { ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mockCredentials } from '@backstage/backend-test-utils';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    namespaces: { type: 'string', default: '100' },
    samples: { type: 'string', default: '200' },
    'stock-samples': { type: 'string', default: '30' },
    'load-seconds': { type: 'string', default: '60' },
    'load-clients': { type: 'string', default: '200' },
    'freshness-samples': { type: 'string', default: '20' },
  },
});
const NAMESPACES = Number(args.namespaces);
const SAMPLES = Number(args.samples);
const STOCK_SAMPLES = Number(args['stock-samples']);
const PAGE = 50;
const AUTH = mockCredentials.user.header();
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function child(
  script: string,
  argv: string[],
): Promise<{ proc: ChildProcess; ready: any }> {
  const proc = fork(path.join(__dirname, script), argv, {
    execArgv: [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      '--expose-gc',
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('exit', code =>
      reject(new Error(`${script} exited with ${code}`)),
    );
    proc.on('message', (message: any) => {
      if (message.type === 'ready') resolve({ proc, ready: message });
    });
  });
}

function ask<T>(
  proc: ChildProcess,
  message: object,
  replyType: string,
): Promise<T> {
  return new Promise(resolve => {
    const onMessage = (reply: any) => {
      if (reply.type === replyType) {
        proc.off('message', onMessage);
        resolve(reply);
      }
    };
    proc.on('message', onMessage);
    proc.send(message);
  });
}

// SIGTERM, so the API server's child process stops its kube-apiserver too; SIGKILL if it hangs.
async function stop(proc: ChildProcess) {
  proc.removeAllListeners('exit');
  const exited = new Promise(resolve => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const killed = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killed);
}

function call(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers: {
          authorization: AUTH,
          ...(payload
            ? {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              }
            : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

type Memory = { rss: number; heapUsed: number };
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fnName = (i: number) => `fn-${String(i).padStart(5, '0')}`;
const fnNamespace = (i: number) =>
  `team-${String(i % NAMESPACES).padStart(3, '0')}`;
const entity = (i: number) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: fnName(i),
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': fnName(i),
      'backstage.io/kubernetes-namespace': fnNamespace(i),
    },
  },
});

/** Every function listed and every watched resource synced (Revisions, Routes… listed too). */
async function fleetListed(port: number, functions: number) {
  const body = JSON.parse(
    (await call(port, 'GET', '/api/atonix-serverless/functions?limit=1')).body,
  );
  return body.totalCount === functions && body.clusters[0]?.synced === true;
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function benchSize(functions: number, results: string[]) {
  console.log(`\n== ${functions} functions across ${NAMESPACES} namespaces ==`);
  const kube = await child('backend-kube-server.ts', [
    String(functions),
    String(NAMESPACES),
  ]);
  const kubeUrl: string = kube.ready.url;
  try {
    // --- Atonix Serverless
    const atonix = await child('backend-portal.ts', [
      'atonix',
      kubeUrl,
      String(functions),
      String(NAMESPACES),
    ]);
    const port: number = atonix.ready.port;
    const [syncMs] = await timed(() =>
      waitFor(
        () => fleetListed(port, functions),
        120_000,
        'the inventory to list the fleet',
      ),
    );
    const before = await ask<{ count: number }>(
      kube.proc,
      { type: 'requests' },
      'requests',
    );
    const pages = Math.ceil(functions / PAGE);
    const listTimes: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const offset = (i % pages) * PAGE;
      const [t, res] = await timed(() =>
        call(
          port,
          'GET',
          `/api/atonix-serverless/functions?limit=${PAGE}&offset=${offset}&sort=name`,
        ),
      );
      if (res.status !== 200)
        throw new Error(`GET /functions answered ${res.status}`);
      listTimes.push(t);
    }
    const filterTimes: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const [t] = await timed(() =>
        call(
          port,
          'GET',
          `/api/atonix-serverless/functions?team=${fnNamespace(
            i,
          )}&health=notReady,ready&limit=${PAGE}`,
        ),
      );
      filterTimes.push(t);
    }
    const oneTimes: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const n = (i * 37) % functions;
      const [t] = await timed(() =>
        call(
          port,
          'GET',
          `/api/atonix-serverless/functions/bench/${fnNamespace(n)}/${fnName(
            n,
          )}`,
        ),
      );
      oneTimes.push(t);
    }
    const after = await ask<{ count: number }>(
      kube.proc,
      { type: 'requests' },
      'requests',
    );
    const { rss: atonixRss } = await ask<{ rss: number }>(
      atonix.proc,
      { type: 'rss' },
      'rss',
    );

    // --- Freshness: a status change in the API server until the API shows it.
    const freshness: number[] = [];
    for (let i = 0; i < Number(args['freshness-samples']); i++) {
      const n = (i * 101) % functions;
      const ready = i % 2 === 1;
      const started = process.hrtime.bigint();
      kube.proc.send({
        type: 'flip',
        id: i,
        namespace: fnNamespace(n),
        name: fnName(n),
        ready,
      });
      await waitForFlip(port, n, ready ? 'True' : 'False');
      freshness.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    await stop(atonix.proc);

    // --- Stock Kubernetes backend: the same questions, one entity at a time.
    const stock = await child('backend-portal.ts', [
      'kubernetes',
      kubeUrl,
      String(functions),
      String(NAMESPACES),
    ]);
    const stockPort: number = stock.ready.port;
    const stockBefore = await ask<{ count: number }>(
      kube.proc,
      { type: 'requests' },
      'requests',
    );
    const stockOne: number[] = [];
    for (let i = 0; i < STOCK_SAMPLES; i++) {
      const n = (i * 37) % functions;
      const [t, res] = await timed(() =>
        call(stockPort, 'POST', `/api/kubernetes/services/${fnName(n)}`, {
          entity: entity(n),
        }),
      );
      if (res.status !== 200)
        throw new Error(
          `stock /services answered ${res.status}: ${res.body.slice(0, 200)}`,
        );
      stockOne.push(t);
    }
    const stockAfterOne = await ask<{ count: number }>(
      kube.proc,
      { type: 'requests' },
      'requests',
    );
    // A fleet page the stock way: one query per entity on the page, in parallel.
    const stockPage: number[] = [];
    for (let i = 0; i < Math.max(5, Math.round(STOCK_SAMPLES / 3)); i++) {
      const first = (i * PAGE) % functions;
      const [t] = await timed(() =>
        Promise.all(
          Array.from({ length: PAGE }, (_, k) =>
            call(
              stockPort,
              'POST',
              `/api/kubernetes/services/${fnName(first + k)}`,
              {
                entity: entity(first + k),
              },
            ),
          ),
        ),
      );
      stockPage.push(t);
    }
    const { rss: stockRss } = await ask<{ rss: number }>(
      stock.proc,
      { type: 'rss' },
      'rss',
    );
    await stop(stock.proc);

    const lines = [
      `Atonix: initial sync ${ms(syncMs)}; RSS after sync and ${
        SAMPLES * 3
      } requests ${mb(atonixRss)}`,
      `Atonix GET /functions (page of ${PAGE}, sorted)       p50 ${ms(
        quantile(listTimes, 0.5),
      )}  p95 ${ms(quantile(listTimes, 0.95))}`,
      `Atonix GET /functions?team=…&health=…                p50 ${ms(
        quantile(filterTimes, 0.5),
      )}  p95 ${ms(quantile(filterTimes, 0.95))}`,
      `Atonix GET /functions/:cluster/:ns/:name             p50 ${ms(
        quantile(oneTimes, 0.5),
      )}  p95 ${ms(quantile(oneTimes, 0.95))}`,
      `Atonix API-server requests while serving ${SAMPLES * 3} reads: ${
        after.count - before.count
      }`,
      `Stock  POST /services/:id (one entity)               p50 ${ms(
        quantile(stockOne, 0.5),
      )}  p95 ${ms(quantile(stockOne, 0.95))}  (${(
        (stockAfterOne.count - stockBefore.count) /
        STOCK_SAMPLES
      ).toFixed(0)} API-server requests each)`,
      `Stock  a page of ${PAGE} entities (${PAGE} parallel queries)   p50 ${ms(
        quantile(stockPage, 0.5),
      )}  p95 ${ms(quantile(stockPage, 0.95))}`,
      `Stock  RSS ${mb(stockRss)}`,
      `Ratio  fleet page p95: stock ${ms(
        quantile(stockPage, 0.95),
      )} / atonix ${ms(quantile(listTimes, 0.95))} = ${(
        quantile(stockPage, 0.95) / quantile(listTimes, 0.95)
      ).toFixed(0)}x`,
      `Ratio  one function p95: stock ${ms(
        quantile(stockOne, 0.95),
      )} / atonix ${ms(quantile(oneTimes, 0.95))} = ${(
        quantile(stockOne, 0.95) / quantile(oneTimes, 0.95)
      ).toFixed(0)}x`,
      `Freshness (status change in the API server → API shows it, ${
        freshness.length
      } samples): p50 ${ms(quantile(freshness, 0.5))}  p95 ${ms(
        quantile(freshness, 0.95),
      )}  max ${ms(Math.max(...freshness))}`,
    ];
    for (const line of lines) console.log(line);
    results.push(
      `### ${functions} functions`,
      '',
      ...lines.map(l => `    ${l}`),
      '',
    );
  } finally {
    await stop(kube.proc);
  }
}

async function waitForFlip(port: number, n: number, ready: string) {
  for (;;) {
    const res = await call(
      port,
      'GET',
      `/api/atonix-serverless/functions/bench/${fnNamespace(n)}/${fnName(n)}`,
    );
    if (JSON.parse(res.body).ready === ready) return;
    await new Promise(resolve => setTimeout(resolve, 2));
  }
}

async function benchLoad(functions: number, results: string[]) {
  const seconds = Number(args['load-seconds']);
  const clients = Number(args['load-clients']);
  if (seconds <= 0) return;
  console.log(
    `\n== load: ${clients} concurrent clients for ${seconds} s on GET /functions (${functions} functions) ==`,
  );
  const kube = await child('backend-kube-server.ts', [
    String(functions),
    String(NAMESPACES),
  ]);
  try {
    const atonix = await child('backend-portal.ts', [
      'atonix',
      kube.ready.url,
      String(functions),
      String(NAMESPACES),
    ]);
    const port: number = atonix.ready.port;
    await waitFor(
      () => fleetListed(port, functions),
      120_000,
      'the inventory to list the fleet',
    );
    const { rss: rssBefore, heapUsed: heapBefore } = await ask<Memory>(
      atonix.proc,
      { type: 'rss' },
      'rss',
    );
    const deadline = Date.now() + seconds * 1000;
    let ok = 0;
    let errors = 0;
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        let i = c;
        while (Date.now() < deadline) {
          try {
            const [t, res] = await timed(() =>
              call(
                port,
                'GET',
                `/api/atonix-serverless/functions?limit=${PAGE}&offset=${
                  (i++ % 20) * PAGE
                }`,
              ),
            );
            if (res.status === 200) ok++;
            else errors++;
            if (times.length < 1_000_000) times.push(t);
          } catch {
            errors++;
          }
        }
      }),
    );
    const { rss: rssAfter, heapUsed: heapAfter } = await ask<Memory>(
      atonix.proc,
      { type: 'rss' },
      'rss',
    );
    await stop(atonix.proc);
    const lines = [
      `Load: ${ok} requests OK, ${errors} errors in ${seconds} s (${(
        ok / seconds
      ).toFixed(0)} req/s); latency p50 ${ms(quantile(times, 0.5))} p95 ${ms(
        quantile(times, 0.95),
      )}`,
      `Load: backend RSS ${mb(rssBefore)} before, ${mb(
        rssAfter,
      )} after (growth ${mb(rssAfter - rssBefore)}); JS heap after GC ${mb(
        heapBefore,
      )} → ${mb(heapAfter)}`,
    ];
    for (const line of lines) console.log(line);
    results.push(
      `### Load (${functions} functions)`,
      '',
      ...lines.map(l => `    ${l}`),
      '',
    );
  } finally {
    await stop(kube.proc);
  }
}

async function main() {
  const sizes = args.sizes.split(',').map(Number);
  const results: string[] = [];
  for (const size of sizes) {
    await benchSize(size, results);
  }
  await benchLoad(sizes[sizes.length - 1], results);
  console.log(`\nMarkdown for bench/README.md:\n\n${results.join('\n')}`);
  agent.destroy();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
