import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The outcome of running a rendered function repository's own test suite. */
export interface FunctionRepoTestResult {
  /** What the runner printed. */
  output: string;
}

/**
 * One folder for everything the rendered repositories download, kept between runs (and the one
 * folder for a CI system to cache): npm's and pip's caches, the Go module and build caches, and
 * one Python virtual environment per distinct `requirements.txt`.
 */
export const TOOLCHAIN_CACHE =
  process.env.ATONIX_TEMPLATES_CACHE ??
  join(homedir(), '.cache', 'atonix-templates-tests');

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise(resolvePromise => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolvePromise({
        code: null,
        output:
          error.code === 'ENOENT'
            ? `${command} is not installed on this machine: install it (see templates/README.md, "Tests") to run the repository's tests`
            : String(error),
      }),
    );
    child.on('close', code => resolvePromise({ code, output }));
  });
}

async function runOrThrow(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd} (exit ${result.code}):\n${
        result.output
      }`,
    );
  }
  return result.output;
}

/**
 * A virtual environment with exactly the pinned `requirements.txt`, installed with pip from the
 * configured index, shared by every repository with the same file (its hash names the folder).
 */
async function pythonVenv(
  requirements: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const hash = createHash('sha256')
    .update(requirements)
    .digest('hex')
    .slice(0, 16);
  const venv = join(TOOLCHAIN_CACHE, 'venvs', hash);
  if (existsSync(join(venv, 'ready'))) return venv;
  // Built beside its final place and renamed, so a half-built environment is never reused.
  const building = `${venv}.${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await mkdir(dirname(venv), { recursive: true });
  await runOrThrow('python3', ['-m', 'venv', building], TOOLCHAIN_CACHE, env);
  const requirementsFile = join(building, 'requirements.txt');
  await writeFile(requirementsFile, requirements);
  await runOrThrow(
    join(building, 'bin', 'python'),
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--require-virtualenv',
      '-r',
      requirementsFile,
    ],
    TOOLCHAIN_CACHE,
    env,
  );
  await writeFile(join(building, 'ready'), '');
  await rm(venv, { recursive: true, force: true });
  await rename(building, venv);
  return venv;
}

/**
 * Installs a rendered function repository's pinned dependencies from the registries this
 * machine is configured with (npm, PyPI through pip, the Go module proxy) and runs its own tests
 * with its language's runner, as its README and CI do: `npm ci` then `npm test` for node and
 * typescript (with this process's Node), `python3 -m unittest` in a virtual environment with
 * `requirements.txt`, `go vet` and `go test`. A missing toolchain fails with what to install.
 */
export async function runFunctionRepoTests(
  repoDir: string,
  language: string,
): Promise<FunctionRepoTestResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The package.json scripts call `node`: make it this Node (22, as the image).
    PATH: [dirname(process.execPath), process.env.PATH]
      .filter(Boolean)
      .join(delimiter),
    NODE_OPTIONS: '',
    npm_config_cache: join(TOOLCHAIN_CACHE, 'npm'),
    PIP_CACHE_DIR: join(TOOLCHAIN_CACHE, 'pip'),
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    GOMODCACHE: join(TOOLCHAIN_CACHE, 'go-mod'),
    GOCACHE: join(TOOLCHAIN_CACHE, 'go-build'),
    GOFLAGS: '-mod=readonly',
  };
  await mkdir(TOOLCHAIN_CACHE, { recursive: true });
  switch (language) {
    case 'node':
    case 'typescript': {
      const manifest = JSON.parse(
        await readFile(join(repoDir, 'package.json'), 'utf8'),
      );
      await runOrThrow(
        'npm',
        ['ci', '--prefer-offline', '--no-audit', '--no-fund'],
        repoDir,
        env,
      );
      return {
        output: await runOrThrow('sh', ['-c', manifest.scripts.test], repoDir, {
          ...env,
          PATH: [join(repoDir, 'node_modules', '.bin'), env.PATH].join(
            delimiter,
          ),
        }),
      };
    }
    case 'python': {
      const venv = await pythonVenv(
        await readFile(join(repoDir, 'requirements.txt'), 'utf8'),
        env,
      );
      return {
        output: await runOrThrow(
          join(venv, 'bin', 'python'),
          ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'],
          repoDir,
          env,
        ),
      };
    }
    case 'go':
      await runOrThrow('go', ['vet', './...'], repoDir, env);
      return {
        output: await runOrThrow('go', ['test', './...'], repoDir, env),
      };
    default:
      throw new Error(`No test runner known for language "${language}"`);
  }
}
