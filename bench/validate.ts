/*
 * Benchmark of the GitOps validator: generates a tree with 1,000 functions (10 teams of 100,
 * every runtime and trigger kind) in a temporary folder, then prints how long `kustomize build`
 * takes to build every folder Flux would build, next to how long `validateGitopsTree` takes for
 * the same tree (which includes those builds), then how long the incremental mode takes for a
 * change to one function folder. Targets: validate ≤ 2 × kustomize alone; incremental ≤ 1 s.
 *
 * Run from the repository root: see bench/README.md.
 */
import {
  FunctionSpecInput,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  kustomizeBuild,
  validateGitopsTree,
  writeFunctionFolder,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEAMS = 10;
const FUNCTIONS_PER_TEAM = 100;

function specFor(team: string, index: number): FunctionSpecInput {
  const base = {
    name: `fn-${String(index).padStart(3, '0')}`,
    team,
    // CI pushes the commit sha as the tag (rule image-tag).
    image: `ghcr.io/atonixcorp/${team}-fn-${index}:${createHash('sha1')
      .update(`${team}/${index}`)
      .digest('hex')}`,
    env: [{ name: 'LOG_LEVEL', value: 'info' }],
    secretEnv: { API_TOKEN: { secretName: `fn-${index}`, key: 'token' } },
  };
  switch (index % 4) {
    case 0:
      return base;
    case 1:
      return {
        ...base,
        critical: true,
        scaling: {
          class: 'hpa',
          metric: 'custom',
          minScale: 1,
          query: `sum by (namespace, pod) (inflight{namespace="${team}", service="fn-${index}"})`,
          target: 10,
        },
      };
    case 2:
      return {
        ...base,
        trigger: {
          type: 'cloudevents',
          filters: { type: `com.atonix.event.${index}` },
          source: {
            type: 'rabbitmq',
            cluster: { name: 'events', namespace: team },
            exchange: 'events',
            queue: `${team}-fn-${index}`,
          },
        },
      };
    default:
      return { ...base, runtime: 'openfaas', scaling: { maxScale: 5 } };
  }
}

async function writeCluster(root: string, teams: string[]) {
  const write = async (path: string, text: string) => {
    await fs.mkdir(join(root, path, '..'), { recursive: true });
    await fs.writeFile(join(root, path), text);
  };
  await write(
    'clusters/bench/flux-system/gotk-sync.yaml',
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 1m, url: 'https://github.com/atonixcorp/atonix-serverless', ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 10m, path: ./clusters/bench, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`,
  );
  await write(
    'clusters/bench/flux-system/kustomization.yaml',
    'resources: [gotk-sync.yaml]\n',
  );
  await write(
    'clusters/bench/kustomization.yaml',
    'resources: [flux-system, tenants.yaml]\n',
  );
  await write(
    'clusters/bench/tenants.yaml',
    `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: tenants, namespace: flux-system}
spec: {interval: 10m, path: ./tenants, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`,
  );
  await write(
    'tenants/kustomization.yaml',
    `resources: [${teams.map(t => `${t}.yaml`).join(', ')}]\n`,
  );
  for (const team of teams) {
    await write(
      `tenants/${team}.yaml`,
      `apiVersion: v1
kind: Namespace
metadata: {name: ${team}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: functions, namespace: ${team}}
spec: {interval: 1m, url: 'https://github.com/atonixcorp/atonix-serverless', ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: functions, namespace: ${team}}
spec:
  interval: 5m
  serviceAccountName: flux-tenant
  targetNamespace: ${team}
  path: ./functions/${team}
  prune: true
  sourceRef: {kind: GitRepository, name: functions}
`,
    );
  }
}

async function time<T>(what: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await what();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

async function main() {
  const root = await fs.mkdtemp(join(tmpdir(), 'atonix-bench-'));
  try {
    const teams = Array.from({ length: TEAMS }, (_, i) => `team-${i}`);
    await writeCluster(root, teams);
    for (const team of teams) {
      for (let index = 0; index < FUNCTIONS_PER_TEAM; index++) {
        const parsed = parseFunctionSpec(specFor(team, index));
        if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
        await writeFunctionFolder(root, parsed.spec);
      }
    }
    // Every folder a Flux Kustomization of this tree points at, built one after another.
    const paths = [
      'clusters/bench',
      'tenants',
      ...teams.map(t => `functions/${t}`),
    ];
    // Warm-up: the first kustomize start and the schema worker's package loading are one-off costs.
    await kustomizeBuild(join(root, 'tenants'));
    await validateGitopsTree(root);

    const [, kustomizeMs] = await time(async () => {
      for (const path of paths) {
        const build = await kustomizeBuild(join(root, path));
        if (!build.ok) throw new Error(build.error);
      }
    });
    const [violations, validateMs] = await time(() => validateGitopsTree(root));
    if (violations.length > 0) {
      throw new Error(`generated tree is not clean: ${violations[0].message}`);
    }
    const objects = (
      await Promise.all(paths.map(p => kustomizeBuild(join(root, p))))
    ).reduce(
      (count, b) => count + (b.ok ? b.output.split(/^---$/m).length : 0),
      0,
    );
    console.log(
      `functions: ${TEAMS * FUNCTIONS_PER_TEAM}, Flux paths: ${
        paths.length
      }, objects: ${objects}`,
    );
    console.log(`kustomize build (all paths): ${kustomizeMs.toFixed(0)} ms`);
    console.log(`validateGitopsTree:            ${validateMs.toFixed(0)} ms`);
    console.log(
      `ratio: ${(validateMs / kustomizeMs).toFixed(2)}× (target ≤ 2×)`,
    );

    // A pull request changing one function folder: the incremental mode rebuilds only that
    // team's Flux path (plus the platform's, to know the clusters).
    const [, teamBuildMs] = await time(() =>
      kustomizeBuild(join(root, 'functions/team-3')),
    );
    const changed = join(root, 'functions/team-3/fn-004/service.yaml');
    const service = await fs.readFile(changed, 'utf8');
    await fs.writeFile(changed, service.replace('value: info', 'value: debug'));
    const [incremental, incrementalMs] = await time(() =>
      validateGitopsTree(root, { changedFiles: [changed] }),
    );
    if (incremental.length > 0) {
      throw new Error(`changed tree is not clean: ${incremental[0].message}`);
    }
    console.log(
      `incremental (one function folder changed): ${incrementalMs.toFixed(
        0,
      )} ms (target ≤ 1000 ms); kustomize build of that team's path alone: ${teamBuildMs.toFixed(
        0,
      )} ms`,
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
