/*
 * Runs the local git server for `./run start`:
 *   node --require @backstage/cli/config/nodeTransform.cjs src/main.ts \
 *     --port 7011 --root /tmp/repos --seed AtonixCorp/atonix-serverless=../../gitops:gitops
 * `--seed <repo>=<folder>[:<prefix>]` creates <repo> with one commit holding <folder> under <prefix>,
 * unless the root already has it (a kept root, `.atonix-local/git` of `./run start`, keeps its history);
 * `--exit-with-parent` stops the server when the process that started it is gone.
 */
import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalGitServer, seedRepository } from './LocalGitServer';

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      root: { type: 'string' },
      seed: { type: 'string', multiple: true, default: [] },
      'exit-with-parent': { type: 'boolean', default: false },
    },
  });
  if (!values.root) {
    throw new Error('--root <folder for the bare repositories> is required');
  }
  const root = resolve(values.root);
  await mkdir(root, { recursive: true });
  // Seed first, listen after: whoever waits for the port finds the repositories complete.
  for (const seed of values.seed) {
    const match = /^([^=]+)=([^:]+)(?::(.*))?$/.exec(seed);
    if (!match) {
      throw new Error(`--seed ${seed}: expected <repo>=<folder>[:<prefix>]`);
    }
    const kept = await access(join(root, `${match[1]}.git`)).then(
      () => true,
      () => false,
    );
    if (kept) {
      process.stdout.write(`kept ${match[1]}.git from an earlier start\n`);
      continue;
    }
    await seedRepository(root, match[1], resolve(match[2]), match[3] ?? '');
    process.stdout.write(`seeded ${match[1]}.git from ${match[2]}\n`);
  }
  const server = await LocalGitServer.start({
    root,
    port: Number(values.port),
  });
  process.stdout.write(
    `local git server ready on ${server.baseUrl} (repositories in ${root})\n`,
  );
  const stop = () => server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (values['exit-with-parent']) {
    // ./run start runs us in the background: if that shell goes away without stopping us (killed
    // rather than interrupted), we are re-parented, and stop too instead of holding the port.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) {
        stop();
      }
    }, 1000).unref();
  }
}

main().catch(error => {
  process.stderr.write(`local git server: ${error.message ?? error}\n`);
  process.exit(1);
});
