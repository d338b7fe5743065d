/* eslint-disable no-console */
// Benchmarks of the Atonix Serverless backend (prints figures; not a test). See bench/README.md.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/backend-fleet.ts \
//     [--sizes 1000,5000,50000] [--clusters 20] [--namespaces 10] [--samples 1000] [--load-seconds 0]
//     [--stock-samples 10 (0: no stock backend)] [--profile <file.cpuprofile>]
//     [--pin (the client on the first CPU, what it measures on the last)]
//
// Everything runs on 127.0.0.1: the real Kubernetes API server seeded with sizes/clusters
// functions (one child process), seen by the backends as `clusters` clusters (every cluster entry
// points at that one API server, to save memory), and one backend per run (another child process,
// so its RSS is its own) with the real auth backend, a guest sign-in's real user token and the
// permission backend with the Atonix policy: an idle one watching nothing (the baseline), Atonix
// Serverless, then the stock @backstage/plugin-kubernetes-backend configured with the Knative
// custom resources, answering the equivalent per-entity queries.
import { ChildProcess, execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PostgresProcess } from '@internal/atonix-test-servers/postgres';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    clusters: { type: 'string', default: '20' },
    namespaces: { type: 'string', default: '10' },
    samples: { type: 'string', default: '1000' },
    'stock-samples': { type: 'string', default: '10' },
    'idle-seconds': { type: 'string', default: '10' },
    'load-seconds': { type: 'string', default: '0' },
    'load-clients': { type: 'string', default: '200' },
    'freshness-samples': { type: 'string', default: '20' },
    profile: { type: 'string' },
    pin: { type: 'boolean', default: false },
  },
});
const NAMESPACES = Number(args.namespaces);
const CLUSTERS = Number(args.clusters);
const SAMPLES = Number(args.samples);
const STOCK_SAMPLES = Number(args['stock-samples']);
const PAGE = 50;
/** The teams the signed-in bench user belongs to: owner-only routes allow their functions. */
const OWN_TEAMS = 5;
/** The guest sign-in's token of the backend being measured (a real user token). */
let token = '';
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** The child processes still running: stopped when the bench exits, a failed run included. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGTERM');
});

function child(
  script: string,
  argv: string[],
): Promise<{ proc: ChildProcess; ready: any }> {
  const node = [
    '--require',
    '@backstage/cli/config/nodeTransform.cjs',
    '--expose-gc',
  ];
  const proc = fork(path.join(__dirname, script), argv, {
    // With --pin, through taskset onto the last CPU (what it starts inherits the affinity).
    ...(args.pin
      ? {
          execPath: 'taskset',
          execArgv: [
            '-c',
            String(os.cpus().length - 1),
            process.execPath,
            ...node,
          ],
        }
      : { execArgv: node }),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
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
  running.delete(proc);
}

/**
 * One request on the keep-alive agent. A socket the backend closed while idle (its keep-alive
 * timeout, 5 s, is shorter than the idle-CPU window) resets on reuse: that request is sent again.
 */
async function call(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  try {
    return await send(port, method, urlPath, body);
  } catch (error: any) {
    if (error?.code !== 'ECONNRESET') throw error;
    return await send(port, method, urlPath, body);
  }
}

function send(
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
          authorization: `Bearer ${token}`,
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

/** One route's reads: each one's path, start (ms since the epoch, as the backend records it) and time. */
class Reads {
  readonly paths: string[] = [];
  readonly starts: number[] = [];
  readonly times: number[] = [];

  async call(port: number, requestPath: string) {
    const start = performance.timeOrigin + performance.now();
    const [t, res] = await timed(() => call(port, 'GET', requestPath));
    if (res.status !== 200) {
      throw new Error(`GET ${requestPath} answered ${res.status}: ${res.body}`);
    }
    this.paths.push(requestPath);
    this.starts.push(start);
    this.times.push(t);
    return res;
  }
}

/** Requests as the backend saw them ([path, start, duration]) and its collections ([start, duration]). */
type Served = Array<[string, number, number]>;
type Pauses = Array<[number, number]>;

/**
 * Each read's time in the backend, from its records of the window: reads are sequential, so a
 * path's records come in the order the reads sent them (calls the backend made to itself, to the
 * permission backend, have other paths).
 */
function backendTimes(reads: Reads, served: Served): number[] {
  const byPath = new Map<string, number[]>();
  for (const [requestPath, , duration] of served) {
    byPath.set(requestPath, [...(byPath.get(requestPath) ?? []), duration]);
  }
  return reads.paths.map(
    requestPath => byPath.get(requestPath)?.shift() ?? NaN,
  );
}

/** Where the slow reads' time went: a collection in the backend, or outside the backend. */
function slowReads(all: Reads[], served: Served, pauses: Pauses) {
  const slowMs = 2;
  let slow = 0;
  let duringPause = 0;
  let outside = 0;
  let count = 0;
  for (const reads of all) {
    const inBackend = backendTimes(reads, served);
    reads.times.forEach((t, i) => {
      count++;
      if (t <= slowMs) return;
      slow++;
      const start = reads.starts[i];
      if (pauses.some(([p, d]) => p < start + t && p + d > start)) {
        duringPause++;
      } else if (inBackend[i] < 1) {
        outside++;
      }
    });
  }
  return `Atonix reads over ${slowMs} ms: ${slow} of ${count}; ${duringPause} met a garbage collection in the backend; of the others, ${outside} spent under 1 ms in the backend (the rest of their time went to the client, the loopback and the machine's other processes)`;
}

/** Every process's CPU time so far (ms), with its parent, from /proc (Linux). */
function processTimes(): Map<
  number,
  { ppid: number; comm: string; ms: number }
> {
  const msPerTick = 10; // utime and stime count USER_HZ ticks, 100 a second on Linux
  const times = new Map<number, { ppid: number; comm: string; ms: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after its last ")".
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    times.set(Number(entry), {
      comm: stat.slice(stat.indexOf('(') + 1, close),
      ppid: Number(fields[1]),
      ms: (Number(fields[11]) + Number(fields[12])) * msPerTick,
    });
  }
  return times;
}

/**
 * Who used the machine's CPU between two {@link processTimes}: this client, the measured backend,
 * the API server (its process tree), PostgreSQL and everything else, as shares of one core.
 */
function cpuShares(
  before: ReturnType<typeof processTimes>,
  after: ReturnType<typeof processTimes>,
  windowMs: number,
  roots: Record<string, number | undefined>,
): string {
  const groupOf = (pid: number): string => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      for (const [group, root] of Object.entries(roots)) {
        if (root === p) return group;
      }
      if (after.get(p)?.comm === 'postgres') return 'PostgreSQL';
      p = after.get(p)?.ppid ?? 0;
    }
    return 'others';
  };
  const shares = new Map<string, number>();
  for (const [pid, { ms: used }] of after) {
    const spent = used - (before.get(pid)?.ms ?? 0);
    if (spent <= 0) continue;
    const group = groupOf(pid);
    shares.set(group, (shares.get(group) ?? 0) + spent);
  }
  return [...Object.keys(roots), 'PostgreSQL', 'others']
    .map(
      group =>
        `${group} ${(((shares.get(group) ?? 0) / windowMs) * 100).toFixed(
          0,
        )} %`,
    )
    .join(', ');
}

function quantile(values: number[], q: number) {
  // A read the backend kept no record of is NaN in backendTimes: left out, as it would unsort.
  const sorted = values.filter(v => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

type Memory = ReturnType<typeof process.memoryUsage>;
type Collections = Record<
  'scavenge' | 'markCompact',
  { count: number; ms: number; maxMs: number }
>;
const gcLine = ({ scavenge, markCompact }: Collections) =>
  `${scavenge.count} scavenges (${ms(scavenge.ms)} in all, longest ${ms(
    scavenge.maxMs,
  )}), ${markCompact.count} mark-compacts (${ms(
    markCompact.ms,
  )} in all, longest ${ms(markCompact.maxMs)})`;
const clusterName = (c: number) => `c-${String(c).padStart(2, '0')}`;
const load = () =>
  os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' / ');

/** Signs in as the guest (a real user token from the auth backend) and keeps the token. */
async function signIn(port: number) {
  token = '';
  const res = await call(port, 'GET', '/api/auth/guest/refresh');
  if (res.status !== 200) {
    throw new Error(`guest sign-in answered ${res.status}: ${res.body}`);
  }
  token = JSON.parse(res.body).backstageIdentity.token;
}

/** A function of a team the signed-in user owns, in some cluster: owner-only routes allow it. */
function ownedFunction(i: number, perCluster: number) {
  const owned = Array.from({ length: perCluster }, (_, n) => n).filter(
    n => n % NAMESPACES < OWN_TEAMS,
  );
  const n = owned[(i * 37) % owned.length];
  return { cluster: clusterName(i % CLUSTERS), n };
}
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const percentiles = (values: number[]) =>
  `p50 ${ms(quantile(values, 0.5))}  p90 ${ms(quantile(values, 0.9))}  p95 ${ms(
    quantile(values, 0.95),
  )}`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const signedMb = (bytes: number) =>
  `${bytes < 0 ? '-' : '+'}${mb(Math.abs(bytes))}`;
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
  return (
    body.totalCount === functions &&
    body.clusters.every((c: { synced: boolean }) => c.synced)
  );
}

/** Whether the catalog answers all `entities` bench Components (processed and stitched). */
async function catalogHolds(port: number, entities: number) {
  const res = await call(
    port,
    'GET',
    '/api/catalog/entities/by-query?filter=kind=component&limit=1',
  );
  return res.status === 200 && JSON.parse(res.body).totalItems === entities;
}

/**
 * Whether every function the one-function and entity reads ask for is linked to its entity: the
 * plugin reads the catalog's entities in one go, so once a read after the catalog held them all
 * has happened, they all are.
 */
async function readsLinked(port: number, perCluster: number) {
  for (let i = 0; i < SAMPLES; i++) {
    const { cluster, n } = ownedFunction(i, perCluster);
    const res = await call(
      port,
      'GET',
      `/api/atonix-serverless/functions/${cluster}/${fnNamespace(n)}/${fnName(
        n,
      )}`,
    );
    if (res.status !== 200 || !JSON.parse(res.body).entityRef) return false;
  }
  return true;
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

/** The JS heap after GC over the idle backend's, by size: the per-function cost between sizes. */
const heapBySize: { functions: number; heap: number }[] = [];

async function benchSize(functions: number, results: string[]) {
  const perCluster = Math.ceil(functions / CLUSTERS);
  console.log(
    `\n== ${functions} functions: ${perCluster} in one API server, seen as ${CLUSTERS} clusters; ${NAMESPACES} namespaces; load average ${load()}${
      args.pin
        ? `; the client on CPU 0, the backends, the API server and PostgreSQL on CPU ${
            os.cpus().length - 1
          }`
        : ''
    } ==`,
  );
  const kube = await child('backend-kube-server.ts', [
    String(perCluster),
    String(NAMESPACES),
  ]);
  const kubeUrl: string = kube.ready.url;
  const portalArgs = (mode: string) => [
    mode,
    kubeUrl,
    String(perCluster),
    String(NAMESPACES),
    String(CLUSTERS),
    String(OWN_TEAMS),
  ];
  const idleMs = Number(args['idle-seconds']) * 1000;
  try {
    console.log(`API server seeded (load average ${load()})`);
    // --- The same backend watching nothing: what "over idle" is measured from. It goes through
    // what the Atonix one does before its memory is read (a sign-in, a few list calls, the settle
    // and idle windows), so the difference is the clusters and functions, not code warmed up.
    const idle = await child('backend-portal.ts', portalArgs('idle'));
    await signIn(idle.ready.port);
    await waitFor(
      () => catalogHolds(idle.ready.port, perCluster),
      600_000,
      'the catalog to process the function entities',
    );
    for (let i = 0; i < 20; i++) await fleetListed(idle.ready.port, 0);
    await new Promise(resolve => setTimeout(resolve, 3000));
    // Its CPU over the same idle window: the catalog's own processing loop runs in both backends.
    const { percent: baselineCpu } = await ask<{ percent: number }>(
      idle.proc,
      { type: 'cpu', ms: idleMs },
      'cpu',
    );
    const idleMemory = await ask<Memory>(idle.proc, { type: 'rss' }, 'rss');
    await stop(idle.proc);

    // --- Atonix Serverless
    const atonix = await child('backend-portal.ts', portalArgs('atonix'));
    console.log(`Atonix backend started (load average ${load()})`);
    const port: number = atonix.ready.port;
    await signIn(port);
    const [syncMs] = await timed(() =>
      waitFor(
        () => fleetListed(port, perCluster * CLUSTERS),
        600_000,
        'the inventory to list the fleet',
      ),
    );
    const [linkMs] = await timed(async () => {
      await waitFor(
        () => catalogHolds(port, perCluster),
        600_000,
        'the catalog to process the function entities',
      );
      await waitFor(
        () => readsLinked(port, perCluster),
        600_000,
        'the functions the reads ask for to be linked to their entities',
      );
    });
    // Settle (the placement events, the catalog read), then idle: nobody calls the backend.
    await new Promise(resolve => setTimeout(resolve, 3000));
    const { percent: idleCpu } = await ask<{ percent: number }>(
      atonix.proc,
      { type: 'cpu', ms: idleMs },
      'cpu',
    );
    const syncedMemory = await ask<Memory>(atonix.proc, { type: 'rss' }, 'rss');
    const before = await ask<{ count: number }>(
      kube.proc,
      { type: 'requests' },
      'requests',
    );
    // The reads' garbage collections (and, with --profile, a CPU profile of them) in the backend.
    const profile = args.profile && `${args.profile}.${functions}.cpuprofile`;
    await ask(atonix.proc, { type: 'reads-start', profile }, 'reads-start');
    const cpuBefore = processTimes();
    const readsStart = performance.now();
    const pages = Math.ceil((perCluster * CLUSTERS) / PAGE);
    const sorted = new Reads();
    for (let i = 0; i < SAMPLES; i++) {
      const offset = (i % pages) * PAGE;
      await sorted.call(
        port,
        `/api/atonix-serverless/functions?limit=${PAGE}&offset=${offset}&sort=name`,
      );
    }
    const defaultPage = new Reads();
    for (let i = 0; i < SAMPLES; i++) {
      await defaultPage.call(port, '/api/atonix-serverless/functions');
    }
    const filtered = new Reads();
    for (let i = 0; i < SAMPLES; i++) {
      await filtered.call(
        port,
        `/api/atonix-serverless/functions?team=${fnNamespace(
          i,
        )}&health=notReady,ready&limit=${PAGE}`,
      );
    }
    const one = new Reads();
    for (let i = 0; i < SAMPLES; i++) {
      const { cluster, n } = ownedFunction(i, perCluster);
      await one.call(
        port,
        `/api/atonix-serverless/functions/${cluster}/${fnNamespace(n)}/${fnName(
          n,
        )}`,
      );
    }
    const entityReads = new Reads();
    for (let i = 0; i < SAMPLES; i++) {
      const n = (i * 37) % perCluster;
      await entityReads.call(
        port,
        `/api/atonix-serverless/entity/component/default/${fnName(n)}`,
      );
    }
    const { gc, served, pauses } = await ask<{
      gc: Collections;
      served: Served;
      pauses: Pauses;
    }>(atonix.proc, { type: 'reads-end', profile }, 'reads-end');
    const cpuDuring = cpuShares(
      cpuBefore,
      processTimes(),
      performance.now() - readsStart,
      {
        client: process.pid,
        backend: atonix.proc.pid,
        'API server': kube.proc.pid,
      },
    );
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
    const loadDuring = load();

    // --- Freshness: a status change in the API server until the API shows it.
    const freshness: number[] = [];
    for (let i = 0; i < Number(args['freshness-samples']); i++) {
      const n = (i * 101) % perCluster;
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

    const stockLines =
      STOCK_SAMPLES > 0
        ? await benchStock(
            kube.proc,
            perCluster,
            portalArgs('kubernetes'),
            idleMemory.rss,
            { fleetPage: sorted.times, oneFunction: one.times },
          )
        : [];

    const lines = [
      `Machine load average (1/5/15 min) during the Atonix run: ${loadDuring}`,
      `Atonix: initial sync ${ms(
        syncMs,
      )}, then the catalog's ${perCluster} entities processed and linked ${ms(
        linkMs,
      )} later; backend RSS ${mb(
        syncedMemory.rss,
      )} over the idle backend's ${mb(idleMemory.rss)}: ${signedMb(
        syncedMemory.rss - idleMemory.rss,
      )}; JS heap after GC +${mb(
        syncedMemory.heapUsed - idleMemory.heapUsed,
      )} = ${(
        (syncedMemory.heapUsed - idleMemory.heapUsed) /
        (perCluster * CLUSTERS)
      ).toFixed(0)} bytes per cached function`,
      // What the RSS over idle is made of besides live objects: V8's committed heap (heapTotal,
      // live or not), buffers outside it (external), and the rest (code, stacks, sockets, TLS,
      // memory the allocator keeps).
      `Atonix RSS over idle by part: V8 heap committed ${signedMb(
        syncedMemory.heapTotal - idleMemory.heapTotal,
      )}, external ${signedMb(
        syncedMemory.external - idleMemory.external,
      )}, the rest ${signedMb(
        syncedMemory.rss -
          idleMemory.rss -
          (syncedMemory.heapTotal - idleMemory.heapTotal) -
          (syncedMemory.external - idleMemory.external),
      )}`,
      `Atonix idle CPU (nobody calling, ${idleMs / 1000} s): ${idleCpu.toFixed(
        2,
      )} % of one core (the idle backend, with the same catalog: ${baselineCpu.toFixed(
        2,
      )} %); RSS after ${SAMPLES * 5} requests ${mb(atonixRss)}`,
      ...(
        [
          ['GET /functions (default page)', defaultPage],
          [`GET /functions (page of ${PAGE}, sorted)`, sorted],
          ['GET /functions?team=…&health=…', filtered],
          ['GET /functions/:cluster/:ns/:name (owner)', one],
          ['GET /entity/component/default/:name', entityReads],
        ] as const
      ).map(
        ([route, reads]) =>
          `Atonix ${route.padEnd(44)} ${percentiles(
            reads.times,
          )}; in the backend ${percentiles(backendTimes(reads, served))}`,
      ),
      slowReads(
        [sorted, defaultPage, filtered, one, entityReads],
        served,
        pauses,
      ),
      `CPU during the reads, in shares of one core (${
        os.cpus().length
      } cores): ${cpuDuring}`,
      `Atonix API-server requests while serving ${SAMPLES * 5} reads: ${
        after.count - before.count
      }`,
      `Atonix garbage collections during the reads: ${gcLine(gc)}`,
      ...stockLines,
      `Freshness (status change in the API server → API shows it, ${
        freshness.length
      } samples): p50 ${ms(quantile(freshness, 0.5))}  p95 ${ms(
        quantile(freshness, 0.95),
      )}  max ${ms(Math.max(...freshness))}`,
    ];
    const heap = syncedMemory.heapUsed - idleMemory.heapUsed;
    const previous = heapBySize[heapBySize.length - 1];
    heapBySize.push({ functions: perCluster * CLUSTERS, heap });
    if (previous) {
      // What one more cached function costs, without the clusters' fixed cost (their watches).
      lines.push(
        `Atonix JS heap per function from ${previous.functions} to ${
          perCluster * CLUSTERS
        } functions: ${(
          (heap - previous.heap) /
          (perCluster * CLUSTERS - previous.functions)
        ).toFixed(0)} bytes`,
      );
    }
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

/**
 * The stock Kubernetes backend over the same clusters: one entity's query, and a fleet page the
 * stock way (one query per entity, in parallel), with the ratios to Atonix's `atonix` times.
 */
async function benchStock(
  kube: ChildProcess,
  perCluster: number,
  portalArgs: string[],
  idleRss: number,
  atonix: { fleetPage: number[]; oneFunction: number[] },
): Promise<string[]> {
  const stock = await child('backend-portal.ts', portalArgs);
  const stockPort: number = stock.ready.port;
  await signIn(stockPort);
  // The stock backend looks each entity up in the catalog before it queries the clusters.
  await waitFor(
    () => catalogHolds(stockPort, perCluster),
    600_000,
    'the catalog to process the function entities',
  );
  const stockBefore = await ask<{ count: number }>(
    kube,
    { type: 'requests' },
    'requests',
  );
  const stockOne: number[] = [];
  for (let i = 0; i < STOCK_SAMPLES; i++) {
    const n = (i * 37) % perCluster;
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
    kube,
    { type: 'requests' },
    'requests',
  );
  // A fleet page the stock way: one query per entity on the page, in parallel.
  const stockPage: number[] = [];
  for (let i = 0; i < Math.max(3, Math.round(STOCK_SAMPLES / 3)); i++) {
    const first = (i * PAGE) % Math.max(1, perCluster - PAGE);
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
  return [
    `Stock  POST /services/:id (one entity)               p50 ${ms(
      quantile(stockOne, 0.5),
    )}  p95 ${ms(quantile(stockOne, 0.95))}  (${(
      (stockAfterOne.count - stockBefore.count) /
      STOCK_SAMPLES
    ).toFixed(0)} API-server requests each)`,
    `Stock  a page of ${PAGE} entities (${PAGE} parallel queries)   ${percentiles(
      stockPage,
    )}`,
    `Stock  RSS ${mb(stockRss)} (over the idle backend: +${mb(
      stockRss - idleRss,
    )})`,
    `Ratio  fleet page p95: stock ${ms(
      quantile(stockPage, 0.95),
    )} / atonix ${ms(quantile(atonix.fleetPage, 0.95))} = ${(
      quantile(stockPage, 0.95) / quantile(atonix.fleetPage, 0.95)
    ).toFixed(0)}x`,
    `Ratio  one function p95: stock ${ms(
      quantile(stockOne, 0.95),
    )} / atonix ${ms(quantile(atonix.oneFunction, 0.95))} = ${(
      quantile(stockOne, 0.95) / quantile(atonix.oneFunction, 0.95)
    ).toFixed(0)}x`,
  ];
}

async function waitForFlip(port: number, n: number, ready: string) {
  for (;;) {
    const res = await call(
      port,
      'GET',
      `/api/atonix-serverless/functions/${clusterName(0)}/${fnNamespace(
        n,
      )}/${fnName(n)}`,
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
  const perCluster = Math.ceil(functions / CLUSTERS);
  const kube = await child('backend-kube-server.ts', [
    String(perCluster),
    String(NAMESPACES),
  ]);
  try {
    const atonix = await child('backend-portal.ts', [
      'atonix',
      kube.ready.url,
      String(perCluster),
      String(NAMESPACES),
      String(CLUSTERS),
      String(OWN_TEAMS),
    ]);
    const port: number = atonix.ready.port;
    await signIn(port);
    await waitFor(
      () => fleetListed(port, perCluster * CLUSTERS),
      600_000,
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
  // The backends' databases, as in production (app-config.production.yaml): the catalog's
  // queries wait on a server, not on SQLite in the backend's own thread. Each backend process
  // gets its own (backend-portal.ts).
  // With --pin the client (every thread of this process) runs on the first CPU and the measured
  // side on the last: a portal's users call it from other machines, not from the cores it runs on.
  // PostgreSQL starts from this process, so it is started while this process is on the last CPU.
  const pinTo = (cpu: number) =>
    execFileSync('taskset', [
      '-a',
      '-p',
      '-c',
      String(cpu),
      String(process.pid),
    ]);
  if (args.pin) pinTo(os.cpus().length - 1);
  const postgres = await PostgresProcess.start();
  process.env.ATONIX_BENCH_DATABASE = postgres.connectionString;
  if (args.pin) pinTo(0);
  try {
    for (const size of sizes) {
      await benchSize(size, results);
    }
    await benchLoad(sizes[sizes.length - 1], results);
  } finally {
    await postgres.stop();
  }
  console.log(`\nMarkdown for bench/README.md:\n\n${results.join('\n')}`);
  agent.destroy();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
