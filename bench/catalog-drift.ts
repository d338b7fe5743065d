/* eslint-disable no-console */
// The catalog module's cost at fleet size (prints figures; not a test). See bench/README.md.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/catalog-drift.ts \
//     [--sizes 5000,50000] [--clusters 20] [--teams 10] [--changes 20] [--idle-seconds 10]
//
// One FunctionEntityProvider (the catalog module's, drift on) in this process over a GitOps
// repository of `size` functions that every one of `clusters` clusters runs, as the backend's
// inventory reports them (`size` × `clusters` placements). The catalog's connection records the
// mutations; the repository is read from memory, and after the first read it answers "unchanged",
// as the git and URL sources do when the branch has not moved (one ref or ETag request). Measured:
// the first emission (a full mutation), the process's CPU while nothing changes (the refresh task
// running every second, far more often than its 10 s local or 5 min production schedule), and the
// work for one changed function: a placement event from the backend until the catalog has its
// delta mutation.
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  FunctionPlacement,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type {
  GitOpsFile,
  GitOpsSource,
} from '@internal/backstage-plugin-atonix-serverless-node';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { standaloneProvider } from '../plugins/catalog-backend-module-atonix-serverless/src/testing/standaloneProvider';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '5000,50000' },
    clusters: { type: 'string', default: '20' },
    teams: { type: 'string', default: '10' },
    changes: { type: 'string', default: '20' },
    'idle-seconds': { type: 'string', default: '10' },
  },
});
const CLUSTERS = Number(args.clusters);
const TEAMS = Number(args.teams);

const load = () =>
  os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' / ');
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const team = (i: number) => `team-${String(i % TEAMS).padStart(3, '0')}`;
const fnName = (i: number) => `fn-${String(i).padStart(5, '0')}`;
const clusterName = (c: number) => `c-${String(c).padStart(2, '0')}`;
const synced = Array.from({ length: CLUSTERS }, (_, c) => ({
  name: clusterName(c),
  synced: true,
  stale: false,
}));

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The repository as the scaffolder writes it, trimmed to what the catalog reads. */
function gitopsFiles(size: number): GitOpsFile[] {
  const files: GitOpsFile[] = [
    {
      path: 'gitops/tenants/kustomization.yaml',
      content: stringify({
        resources: Array.from({ length: TEAMS }, (_, t) => team(t)),
      }),
    },
  ];
  for (let t = 0; t < TEAMS; t++) {
    files.push({
      path: `gitops/tenants/${team(t)}/kustomization.yaml`,
      content: stringify({ namespace: team(t), resources: ['../base'] }),
    });
  }
  for (let i = 0; i < size; i++) {
    const folder = `gitops/functions/${team(i)}/${fnName(i)}`;
    files.push(
      {
        path: `${folder}/function.yaml`,
        content: stringify({
          apiVersion: 'atonix.io/v1alpha1',
          kind: 'Function',
          name: fnName(i),
          team: team(i),
          image: `ghcr.io/atonixcorp/${fnName(i)}:1.0.0`,
        }),
      },
      {
        path: `${folder}/kustomization.yaml`,
        content: stringify({ resources: ['service.yaml'] }),
      },
    );
  }
  return files;
}

const placement = (i: number, c: number): FunctionPlacement => ({
  cluster: clusterName(c),
  namespace: team(i),
  name: fnName(i),
  team: team(i),
  runtime: 'knative',
  critical: false,
});

const silent: LoggerService = {
  error: message => console.error(message),
  warn() {},
  info() {},
  debug() {},
  child: () => silent,
};

async function benchSize(size: number, results: string[]) {
  console.log(
    `\n== ${size} functions in the GitOps repository, each running in ${CLUSTERS} clusters; load average ${load()} ==`,
  );
  const files = gitopsFiles(size);
  let reads = 0;
  const source: GitOpsSource = {
    // Like the git and URL sources: the whole tree when the revision moved, else nothing.
    read: async known => {
      reads++;
      return known === 'r1' ? undefined : { revision: 'r1', files };
    },
    locationRef: path => `url:https://git.example/atonix/${path}`,
  };
  const { provider, mutations, nextMutation, deliverPlacements } =
    await standaloneProvider({
      id: 'bench',
      source,
      logger: silent,
      inventory: {
        list: async () => ({
          items: Array.from({ length: size * CLUSTERS }, (_, k) =>
            placement(k % size, Math.floor(k / size)),
          ),
          clusters: synced,
        }),
      },
    });

  // The first refresh: the snapshot of the inventory, every entity, one full mutation.
  let started = process.hrtime.bigint();
  await provider.refresh();
  const firstMs = Number(process.hrtime.bigint() - started) / 1e6;
  const first = mutations[0];
  const firstCount = first?.type === 'full' ? first.entities.length : 0;

  // Nothing changes: the refresh task runs every second; the CPU of the whole process is counted,
  // after a settle (the first emission's garbage is collected).
  await new Promise(resolve => setTimeout(resolve, 3000));
  const idleMs = Number(args['idle-seconds']) * 1000;
  const readsBefore = reads;
  const cpuBefore = process.cpuUsage();
  const idleStart = Date.now();
  while (Date.now() - idleStart < idleMs) {
    await provider.refresh();
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  const cpu = process.cpuUsage(cpuBefore);
  const idleCpu = ((cpu.user + cpu.system) / 1000 / idleMs) * 100;
  const idleRefreshes = reads - readsBefore;
  const idleMutations = mutations.length - 1;

  // One function changes: it stops running in one cluster, then runs again (each a drift change
  // of its entity: not-running, then in-sync).
  const changeTimes: number[] = [];
  const changeCpu: number[] = [];
  const delta: number[] = [];
  for (let k = 0; k < Number(args.changes); k++) {
    const i = (Math.floor(k / 2) * 7919) % size;
    const c = Math.floor(k / 2) % CLUSTERS;
    const event: FunctionPlacementsEvent =
      k % 2 === 0
        ? { upserted: [], removed: [placement(i, c)], clusters: synced }
        : { upserted: [placement(i, c)], removed: [], clusters: synced };
    const applied = nextMutation();
    const cpuStart = process.cpuUsage();
    started = process.hrtime.bigint();
    await deliverPlacements(event);
    await applied;
    changeTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    const used = process.cpuUsage(cpuStart);
    changeCpu.push((used.user + used.system) / 1000);
    const last = mutations[mutations.length - 1];
    delta.push(
      last.type === 'delta' ? last.added.length + last.removed.length : -1,
    );
  }
  const lines = [
    `Machine load average (1/5/15 min): ${load()}`,
    `First refresh (inventory snapshot of ${
      size * CLUSTERS
    } placements, every entity, full mutation): ${ms(
      firstMs,
    )}, ${firstCount} entities`,
    `Idle (repository unchanged, no placement event; ${idleRefreshes} refreshes in ${
      idleMs / 1000
    } s): ${idleCpu.toFixed(2)} % of one core, ${idleMutations} mutations`,
    `One changed function (placement event → delta mutation, ${
      changeTimes.length
    } changes): p50 ${ms(quantile(changeTimes, 0.5))}  p95 ${ms(
      quantile(changeTimes, 0.95),
    )}; CPU p50 ${ms(quantile(changeCpu, 0.5))}; entities per delta ${[
      ...new Set(delta),
    ].join(', ')}`,
  ];
  for (const line of lines) console.log(line);
  results.push(`### ${size} functions`, '', ...lines.map(l => `    ${l}`), '');
}

async function main() {
  const results: string[] = [];
  for (const size of args.sizes.split(',').map(Number)) {
    await benchSize(size, results);
  }
  console.log(`\nMarkdown for bench/README.md:\n\n${results.join('\n')}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
