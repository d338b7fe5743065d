/* eslint-disable no-console */
// What the function inventory holds per cached function, split by part (prints figures; not a
// test). See bench/README.md.
//
//   node --single-threaded-gc --require @backstage/cli/config/nodeTransform.cjs --expose-gc \
//     bench/backend-memory.ts [--functions 5000] [--clusters 20] [--namespaces 10]
//
// `--single-threaded-gc`: with V8's GC helper threads the heap in use read after `gc()` varied by
// a quarter between identical runs (3.0–4.0 KB per function at 5,000, one cluster); with this flag
// two runs agreed within 1 %.
//
// The real API server holds functions / clusters Knative functions (seeded through storage, as
// backend-kube-server.ts does); one FunctionInventory in this process watches it as `clusters`
// clusters. The whole inventory is its JS heap after GC over the heap before it started. Each part
// is measured by holding a structured clone of it (which keeps shared references shared within the
// clone, as the inventory does) and taking the heap's growth: an estimate that counts a string
// shared between two parts once per part.
import { parseArgs } from 'node:util';
import { mockServices } from '@backstage/backend-test-utils';
import {
  FIXTURE_CRDS,
  KubeApiServerProcess,
  fleetObjects,
} from '@internal/atonix-test-servers';
import { FunctionInventory } from '../plugins/atonix-serverless-backend/src/inventory/FunctionInventory';
import { BUILT_IN_RUNTIMES } from '../plugins/atonix-serverless-backend/src/runtimes';
import { withoutDetails } from '../plugins/atonix-serverless-backend/src/runtimes/objects';
import { seedThroughStorage } from './kube-storage-seed';

const { values: args } = parseArgs({
  options: {
    functions: { type: 'string', default: '5000' },
    clusters: { type: 'string', default: '20' },
    namespaces: { type: 'string', default: '10' },
  },
});
const CLUSTERS = Number(args.clusters);

function heap(): number {
  global.gc!();
  global.gc!();
  return process.memoryUsage().heapUsed;
}

/** The heap a structured clone of `value` takes while held. */
function cloneSize(value: unknown): number {
  const before = heap();
  const clone = structuredClone(value);
  const after = heap();
  // Keeps the clone alive until after the measurement.
  if (clone === undefined) throw new Error('nothing cloned');
  return after - before;
}

async function main() {
  if (!global.gc) throw new Error('run node with --expose-gc');
  const perCluster = Math.ceil(Number(args.functions) / CLUSTERS);
  const functions = perCluster * CLUSTERS;
  const server = await KubeApiServerProcess.start({ crds: FIXTURE_CRDS });
  try {
    const objects = fleetObjects({
      functions: perCluster,
      namespaces: Number(args.namespaces),
    });
    const isFunction = (o: (typeof objects)[number]) =>
      o.apiVersion === 'serving.knative.dev/v1';
    await server.apply(...objects.filter(o => !isFunction(o)));
    const first = objects.filter(isFunction).slice(0, 4);
    await server.apply(...first);
    await seedThroughStorage(
      server,
      objects.filter(isFunction).slice(4),
      first,
    );

    const before = heap();
    const rssBefore = process.memoryUsage().rss;
    const inventory = await FunctionInventory.create({
      clusters: Array.from({ length: CLUSTERS }, (_, c) => ({
        name: `c-${String(c).padStart(2, '0')}`,
        url: server.url,
        serviceAccountToken: server.tokenOf(),
        skipTLSVerify: true,
        lokiLabels: { namespace: 'namespace', function: 'app', revision: 'r' },
      })),
      logger: mockServices.rootLogger({ level: 'warn' }),
    });
    for (;;) {
      const { totalCount, clusters } = inventory.list({ limit: 1 });
      if (totalCount === functions && clusters.every(c => c.synced)) break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    const total = heap() - before;
    // Beyond the heap: the clusters' connections (TLS, HTTP/2 sessions) and what the allocator
    // keeps of the lists' garbage.
    const rss = process.memoryUsage().rss - rssBefore;

    const kinds = Object.keys(
      Object.assign({}, ...BUILT_IN_RUNTIMES.map(r => r.resources)),
    ).concat('kustomization');
    const watched: unknown[] = [];
    for (const cluster of inventory.clusters()) {
      const objectsOf = inventory.objects(cluster.name)!;
      for (const kind of kinds) {
        try {
          // Every runtime's kinds: the inventory's view of a cluster is typed by Flux's alone.
          watched.push((objectsOf.list as (k: string) => unknown[])(kind));
        } catch {
          // a kind this inventory does not watch
        }
      }
    }
    const details = inventory.all();
    const compact = details.map(withoutDetails);
    const parts = {
      'watched objects (cached records)': cloneSize(watched),
      'derived details (as the API returns them; derived on request, not kept)':
        cloneSize(details),
      'compact status (details without env, image, revisions: what is kept)':
        cloneSize(compact),
    };
    const per = (bytes: number) => `${(bytes / functions).toFixed(0)} B`;
    console.log(
      `${functions} functions (${perCluster} per cluster × ${CLUSTERS} clusters)`,
    );
    console.log(
      `whole inventory: ${(total / 1024 / 1024).toFixed(1)} MB, ${per(
        total,
      )} per function`,
    );
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log(`process RSS over before the inventory started: +${mb(rss)}`);
    for (const [part, bytes] of Object.entries(parts)) {
      console.log(`  ${part}: ${per(bytes)} per function`);
    }
    await inventory.stop();
  } finally {
    await server.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
