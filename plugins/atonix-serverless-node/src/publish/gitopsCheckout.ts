import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  cloneRepo,
  commitAndPushRepo,
} from '@backstage/plugin-scaffolder-node';
import { formatViolation, Violation } from '../validate/validateGitopsTree';
import { PublishSettings } from './PublishSettings';

/**
 * The one way anything in the portal changes the GitOps repository: the scaffolder's
 * `atonix:gitops:clone` / `atonix:gitops:commit` actions and the backend's traffic changes all clone
 * it, write with the renderers, validate with {@link validateGitopsTree} and commit through here.
 */

/**
 * Backstage's clone is shallow (one commit) unless given a depth; this one reaches back far enough for
 * any GitOps repository's history.
 */
const FULL_HISTORY_DEPTH = 1_000_000;

/**
 * Clones the GitOps repository's branch into `dir`: its newest commit, or with `fullHistory` every
 * commit (the revision rules and the traffic view read a function's history).
 */
export async function cloneGitopsRepository(options: {
  settings: PublishSettings;
  dir: string;
  logger: LoggerService;
  fullHistory?: boolean;
}): Promise<void> {
  const { settings, dir, logger, fullHistory = false } = options;
  const gitops = settings.gitopsRepository();
  try {
    await cloneRepo({
      url: gitops.cloneUrl,
      dir,
      ref: settings.gitopsBranch,
      auth: settings.gitAuth(gitops.cloneUrl),
      logger,
      depth: fullHistory ? FULL_HISTORY_DEPTH : 1,
    });
  } catch (error) {
    throw new InputError(
      `The GitOps repository ${gitops.cloneUrl} (branch ${settings.gitopsBranch}) is unreachable: ${error}. Nothing was published; check atonix.scaffolder.gitops and that the repository is up, then try again`,
    );
  }
}

/**
 * Commits a GitOps checkout and pushes it to the branch Flux reconciles: the local portal's stand-in
 * for a pull request (there is no reviewer on a developer's machine). Refused unless
 * `atonix.scaffolder.publishTarget` is `local`.
 */
export async function commitToGitopsBranch(options: {
  settings: PublishSettings;
  dir: string;
  logger: LoggerService;
  commitMessage: string;
  author: { name: string; email: string };
}): Promise<{ commitHash: string }> {
  const { settings, dir, logger, commitMessage, author } = options;
  if (settings.target !== 'local') {
    throw new InputError(
      `Only the local portal pushes straight to the GitOps branch (atonix.scaffolder.publishTarget is "${settings.target}"); with GitHub the change is a pull request`,
    );
  }
  const { cloneUrl } = settings.gitopsRepository();
  return commitAndPushRepo({
    dir,
    auth: settings.gitAuth(cloneUrl),
    logger,
    commitMessage,
    branch: settings.gitopsBranch,
    gitAuthorInfo: author,
  });
}

/**
 * The error for a GitOps tree that breaks rules: every violation as `file:line: rule: message`, with
 * files shown by `display` (a temporary checkout's path means nothing to the user).
 */
export function gitopsViolationsError(
  what: string,
  violations: Violation[],
  display: (file: string) => string,
): InputError {
  return new InputError(
    `${what} breaks ${
      violations.length
    } rule(s); nothing was committed to the GitOps repository:\n${violations
      .map(violation =>
        formatViolation({ ...violation, file: display(violation.file) }),
      )
      .join('\n')}`,
  );
}
