import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { isDeepStrictEqual } from 'node:util';
import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { parseFunctionFile } from '../functionFile';
import type { PolicyFinding } from '../policy/rules';
import { renderKnativeService } from '../render/knative';

/**
 * What git remembers of one `function.yaml`: every revision name it has ever committed, and the
 * newest committed text that differs from the file as it is now (what the cluster runs, or is about
 * to be replaced by, when the file has just been edited; undefined for a new file).
 */
export interface RevisionHistory {
  namedRevisions: string[];
  previousText?: string;
}

/** How many older versions of a file to read looking for one that differs from the current text. */
const MAX_VERSIONS_READ = 20;

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise(resolve => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

// The spec's own name is the only top-level `revisionName:` key (traffic targets are indented).
const ADDED_REVISION_NAME = /^\+revisionName:\s*['"]?([-a-z0-9]+)['"]?\s*$/gm;

/**
 * Reads the history of a `function.yaml` with the git CLI (a file outside a git work tree, or a
 * machine without git, has no history: no revision is known but the current one).
 */
export async function readRevisionHistory(
  file: string,
  currentText: string,
): Promise<RevisionHistory> {
  const cwd = dirname(file);
  const name = basename(file);
  const patches = await git(cwd, [
    'log',
    '--format=',
    '--patch',
    '--unified=0',
    '--no-ext-diff',
    '--',
    name,
  ]);
  const namedRevisions = [
    ...new Set(
      [...(patches ?? '').matchAll(ADDED_REVISION_NAME)].map(m => m[1]),
    ),
  ];
  const commits = (
    (await git(cwd, [
      'log',
      `--max-count=${MAX_VERSIONS_READ}`,
      '--format=%H',
      '--',
      name,
    ])) ?? ''
  )
    .split('\n')
    .filter(Boolean);
  for (const commit of commits) {
    const text = await git(cwd, ['show', `${commit}:./${name}`]);
    if (text !== undefined && text !== currentText) {
      return { namedRevisions, previousText: text };
    }
  }
  return { namedRevisions };
}

/**
 * Rules `revision-history` and `revision-name` for one function: a traffic target names a revision
 * git knows (this spec's or one committed before), so a rollback is reproducible from git; and a
 * changed revision template gets a new name, because Knative refuses a template change under the
 * same name (serving pkg/apis/serving/v1/revision_validation.go:80-107 at knative-v1.23.0, called by
 * service_validation.go:40-49 on every update), which would leave Flux failing to apply the function.
 */
export function checkRevisionHistory(
  spec: FunctionSpec,
  history: RevisionHistory,
): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const known = new Set(history.namedRevisions);
  if (spec.revisionName) {
    known.add(spec.revisionName);
  }
  for (const [index, target] of (spec.traffic ?? []).entries()) {
    if (target.revisionName && !known.has(target.revisionName)) {
      findings.push({
        rule: 'revision-history',
        field: `traffic.${index}.revisionName`,
        message: `revision ${
          target.revisionName
        } is neither this spec's revisionName nor one committed before in this function.yaml${
          known.size > 0 ? ` (known: ${[...known].sort().join(', ')})` : ''
        }; route only to revisions named in git, so a rollback can be rebuilt from it`,
      });
    }
  }
  const previous =
    history.previousText === undefined
      ? undefined
      : parseFunctionFile(history.previousText);
  if (
    spec.revisionName &&
    previous?.success &&
    previous.spec.runtime === 'knative' &&
    previous.spec.revisionName === spec.revisionName &&
    !isDeepStrictEqual(
      renderKnativeService(previous.spec).spec?.template,
      renderKnativeService(spec).spec?.template,
    )
  ) {
    findings.push({
      rule: 'revision-name',
      field: 'revisionName',
      message: `the revision template changed but revisionName is still ${
        spec.revisionName
      }, and Knative refuses that update; give this change a new revision name, e.g. ${nextRevisionName(
        spec.name,
        spec.revisionName,
      )}`,
    });
  }
  return findings;
}

/**
 * The name after `current` for a function: the trailing number counted up (`charge-card-v2` →
 * `charge-card-v3`), or `-2` appended. What the portal proposes when a change needs a new revision.
 */
export function nextRevisionName(functionName: string, current?: string) {
  if (!current) {
    return `${functionName}-v1`;
  }
  const match = /^(.*?)(\d+)$/.exec(current);
  return match
    ? `${match[1]}${String(Number(match[2]) + 1).padStart(
        match[2].length,
        '0',
      )}`
    : `${current}-2`;
}
