import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';

/** The outcome of running a rendered function repository's own test suite. */
export type FunctionRepoTestResult =
  | { status: 'passed'; output: string }
  | { status: 'skipped'; reason: string };

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; output: string; missing: boolean }> {
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
        output: String(error),
        missing: error.code === 'ENOENT',
      }),
    );
    child.on('close', code => resolvePromise({ code, output, missing: false }));
  });
}

/**
 * Gives a rendered TypeScript repository the compiler and Node types it declares as dev
 * dependencies, by linking this monorepo's copies instead of installing from the network.
 */
async function linkTypeScriptToolchain(repoDir: string): Promise<void> {
  const modules = join(repoDir, 'node_modules');
  if (existsSync(join(modules, 'typescript'))) {
    return;
  }
  await mkdir(join(modules, '@types'), { recursive: true });
  await mkdir(join(modules, '.bin'), { recursive: true });
  const typescript = dirname(require.resolve('typescript/package.json'));
  await symlink(typescript, join(modules, 'typescript'), 'dir');
  await symlink(
    dirname(require.resolve('@types/node/package.json')),
    join(modules, '@types', 'node'),
    'dir',
  );
  await symlink(join(typescript, 'bin', 'tsc'), join(modules, '.bin', 'tsc'));
}

/** The commands each language's README and CI use to test the repository. */
async function testCommand(
  repoDir: string,
  language: string,
): Promise<{ command: string; args: string[] }> {
  switch (language) {
    case 'node':
    case 'typescript': {
      const manifest = JSON.parse(
        await readFile(join(repoDir, 'package.json'), 'utf8'),
      );
      return { command: 'sh', args: ['-c', manifest.scripts.test] };
    }
    case 'python':
      return {
        command: 'python3',
        args: ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'],
      };
    case 'go':
      return { command: 'go', args: ['test', './...'] };
    default:
      throw new Error(`No test runner known for language "${language}"`);
  }
}

/**
 * Runs a rendered function repository's own tests with its language's runner: `npm test`'s
 * script for node and typescript (run with this process's Node), `python3 -m unittest` and
 * `go test`. A missing python3 or go toolchain skips, with the reason, instead of failing.
 */
export async function runFunctionRepoTests(
  repoDir: string,
  language: string,
): Promise<FunctionRepoTestResult> {
  if (language === 'typescript') {
    await linkTypeScriptToolchain(repoDir);
  }
  const { command, args } = await testCommand(repoDir, language);
  const env = {
    ...process.env,
    // The package.json scripts call `node` and `tsc`: make them this Node and the linked tsc.
    PATH: [
      dirname(process.execPath),
      join(repoDir, 'node_modules', '.bin'),
      process.env.PATH,
    ]
      .filter(Boolean)
      .join(delimiter),
    NODE_OPTIONS: '',
  };
  const result = await run(command, args, repoDir, env);
  if (result.missing) {
    return {
      status: 'skipped',
      reason: `${command} is not installed on this machine, so the ${language} repository's tests (${command} ${args.join(
        ' ',
      )}) were not run`,
    };
  }
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed in ${repoDir} (exit ${
        result.code
      }):\n${result.output}`,
    );
  }
  return { status: 'passed', output: result.output };
}
