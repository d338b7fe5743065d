/*
 * Prints the backend time of knative-http-function runs (target: at most 5 s on these machines),
 * with the time of each step, through the real scaffolder and catalog against the local git server.
 * A benchmark, not a test: it prints figures and asserts nothing.
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/scaffolder-run.ts [runs]
 */
import { join } from 'node:path';
import { startLocalGit } from '../plugins/scaffolder-backend-module-atonix-serverless/src/__testUtils__/localGit';
import {
  REPO_ROOT,
  startScaffolderBackend,
} from '../plugins/scaffolder-backend-module-atonix-serverless/src/__testUtils__/scaffolderBackend';

async function main() {
  const runs = Number(process.argv[2] ?? 3);
  const git = await startLocalGit(join(REPO_ROOT, 'gitops'));
  const backend = await startScaffolderBackend(git.server.baseUrl);
  try {
    await backend.entityInCatalog('template', 'knative-http-function');
    const totals: number[] = [];
    // Run 0 warms up (module loading, schema compilation) and is reported but not counted.
    for (let i = 0; i <= runs; i++) {
      const result = await backend.runTemplate('knative-http-function', {
        name: `bench-fn-${i}`,
        owner: 'group:default/payments',
        language: 'node',
      });
      if (result.status !== 'completed') {
        throw new Error(`run ${i} ${result.status}:\n${result.log}`);
      }
      // Steps skipped by `if:` (the GitHub ones, locally) log nothing and are left out.
      const steps = result.steps
        .filter(s => !['publish-github', 'gitops-pr'].includes(s.id))
        .map(s => `${s.id} ${Math.round(s.durationMs / 1000)}s`)
        .join(', ');
      process.stdout.write(
        `run ${i}${i === 0 ? ' (warm-up)' : ''}: ${(
          result.durationMs / 1000
        ).toFixed(2)} s  [steps, 1 s resolution: ${steps}]\n`,
      );
      if (i > 0) totals.push(result.durationMs);
    }
    totals.sort((a, b) => a - b);
    const median = totals[Math.floor(totals.length / 2)];
    process.stdout.write(
      `knative-http-function backend time over ${runs} runs: median ${(
        median / 1000
      ).toFixed(2)} s, min ${(totals[0] / 1000).toFixed(2)} s, max ${(
        totals[totals.length - 1] / 1000
      ).toFixed(2)} s (target <= 5 s)\n`,
    );
  } finally {
    await backend.stop();
    await git.stop();
  }
}

main().then(
  // The scaffolder's and the catalog's task schedulers keep timers alive after the backend stops.
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
