import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);

/** The promtool to run: `$PROMTOOL`, else `promtool` on the PATH (Debian package `prometheus`). */
export function promtoolPath(): string {
  return process.env.PROMTOOL ?? 'promtool';
}

/** Runs promtool; a missing binary or a failed run throws with promtool's own output. */
export async function promtool(args: string[], cwd?: string) {
  try {
    return await run(promtoolPath(), args, { cwd });
  } catch (error: any) {
    if (error.code === 'ENOENT') {
      throw new Error(
        `${promtoolPath()} not found: install it with apt-get install prometheus (./run test does), or set PROMTOOL`,
      );
    }
    const failure = new Error(
      `promtool ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`,
    );
    Object.assign(failure, { stdout: error.stdout, stderr: error.stderr });
    throw failure;
  }
}

/** The rule groups of a PrometheusRule's `spec.groups`, as promtool reads them from a file. */
export interface RuleGroups {
  groups: unknown[];
}

/**
 * `promtool check rules` over many rule files in one run (one process for a whole tree). Returns,
 * for each input in order, undefined when it passed or promtool's message when it did not.
 */
export async function checkRules(
  inputs: RuleGroups[],
): Promise<Array<string | undefined>> {
  if (inputs.length === 0) return [];
  const dir = await mkdtemp(join(tmpdir(), 'atonix-rules-'));
  try {
    const files = inputs.map((_, index) => `${index}.rules.yaml`);
    await Promise.all(
      inputs.map((groups, index) =>
        writeFile(join(dir, files[index]), stringify(groups)),
      ),
    );
    let output: string;
    try {
      const { stdout, stderr } = await promtool(
        ['check', 'rules', ...files],
        dir,
      );
      output = `${stdout}${stderr}`;
    } catch (error: any) {
      if (error.stdout === undefined) throw error;
      output = `${error.stdout}${error.stderr}`;
    }
    return files.map(file => ruleFileProblem(output, file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * promtool 2.42 prints `Checking <file>` and `  SUCCESS: …` for a good file on stdout, and
 * `<file>: <line>:<col>: group "…", rule N, "…": <error>` on stderr for a bad one. The line and
 * column are of the file written here, so only the group, rule and error are kept.
 */
function ruleFileProblem(output: string, file: string): string | undefined {
  const lines = output.split('\n');
  const start = lines.findIndex(line => line === `Checking ${file}`);
  const next = lines.findIndex(
    (line, index) => index > start && line.startsWith('Checking '),
  );
  const section = lines.slice(start + 1, next === -1 ? undefined : next);
  if (start !== -1 && section.some(line => line.includes('SUCCESS'))) {
    return undefined;
  }
  const errors = lines
    .filter(line => line.startsWith(`${file}:`))
    .map(line => line.slice(file.length + 1).replace(/^\s*\d+:\d+:\s*/, ''));
  return (
    errors.join('; ') ||
    section.join(' ').trim() ||
    'promtool check rules failed'
  );
}
