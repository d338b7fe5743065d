import { formatFunctionSpecIssues } from '@internal/backstage-plugin-atonix-serverless-common';
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { functionFileLocator, parseFunctionFile } from '../functionFile';
import { checkFunctionPolicy } from '../policy/rules';
import { writeFunctionFolder } from '../render/writeFunctionFolder';
import {
  formatViolation,
  validateGitopsTree,
} from '../validate/validateGitopsTree';

/** Exit codes: clean, rule violations found, or the command could not run (usage, I/O). */
export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_USAGE = 2;

/** Where the CLI writes; the real process streams, or buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The folder relative paths are read from (the repository root under `yarn atonix`). */
  cwd: string;
  kustomize?: string;
}

const USAGE = `Usage:
  yarn atonix render <function.yaml> [--out <gitops dir>]   write the function's folder (default --out gitops)
  yarn atonix validate [<gitops dir>] [--format text|json]   check a GitOps tree (default gitops)
      [--changed <file>]...                                 only what these changed files affect (a pull request)

Exit codes: 0 clean, 1 rule violations, 2 usage or I/O error.`;

class UsageError extends Error {}

async function render(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string', default: 'gitops' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    throw new UsageError('render takes exactly one function.yaml');
  }
  const specFile = positionals[0];
  const text = await fs.readFile(resolve(io.cwd, specFile), 'utf8');
  const at = functionFileLocator(text);

  const parsed = parseFunctionFile(text);
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      io.stderr(
        `${specFile}:${at(issue.path)}: schema: ${formatFunctionSpecIssues([
          issue,
        ])}\n`,
      );
    }
    io.stderr('Nothing was written.\n');
    return EXIT_VIOLATIONS;
  }
  const findings = await checkFunctionPolicy(parsed.spec);
  if (findings.length > 0) {
    for (const finding of findings) {
      io.stderr(
        `${specFile}:${at(finding.field)}: ${finding.rule}: ${
          finding.message
        }\n`,
      );
    }
    io.stderr('Nothing was written.\n');
    return EXIT_VIOLATIONS;
  }
  const written = await writeFunctionFolder(
    resolve(io.cwd, values.out!),
    parsed.spec,
  );
  for (const file of written) {
    io.stdout(`wrote ${values.out}/${file}\n`);
  }
  return EXIT_OK;
}

async function validate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string', default: 'text' },
      changed: { type: 'string', multiple: true },
    },
    allowPositionals: true,
  });
  if (positionals.length > 1 || !['text', 'json'].includes(values.format!)) {
    throw new UsageError(
      'validate takes at most one folder and --format text or json',
    );
  }
  const dir = positionals[0] ?? 'gitops';
  const stat = await fs.stat(resolve(io.cwd, dir)).catch(() => undefined);
  if (!stat?.isDirectory()) {
    io.stderr(
      `${dir} is not a folder; pass the GitOps tree to validate, e.g. gitops\n`,
    );
    return EXIT_USAGE;
  }
  const absolute = resolve(io.cwd, dir);
  const violations = (
    await validateGitopsTree(absolute, {
      kustomize: io.kustomize,
      changedFiles: values.changed?.map(file => resolve(io.cwd, file)),
    })
  ).map(violation => ({
    ...violation,
    file: violation.file.replace(absolute, dir),
  }));
  if (values.format === 'json') {
    io.stdout(`${JSON.stringify(violations, null, 2)}\n`);
  } else {
    for (const violation of violations) {
      io.stdout(`${formatViolation(violation)}\n`);
    }
    io.stderr(
      violations.length === 0
        ? `${dir}: no violations\n`
        : `${dir}: ${violations.length} violation${
            violations.length === 1 ? '' : 's'
          }\n`,
    );
  }
  return violations.length === 0 ? EXIT_OK : EXIT_VIOLATIONS;
}

/** Runs `atonix <command> ...` and resolves to the process exit code. */
export async function runAtonixCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === 'render') return await render(args, io);
    if (command === 'validate') return await validate(args, io);
    throw new UsageError(
      command ? `unknown command ${command}` : 'no command given',
    );
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`${(error as Error).message}\n\n${USAGE}\n`);
    } else {
      io.stderr(`atonix ${command}: ${(error as Error).message}\n`);
    }
    return EXIT_USAGE;
  }
}
