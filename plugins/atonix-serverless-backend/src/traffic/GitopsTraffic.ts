import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import {
  FunctionSpec,
  FunctionStatus,
  FunctionTrafficView,
  GitopsCommit,
  TrafficChange,
  TrafficChangeResult,
  applyTrafficChange,
  describeTraffic,
  formatFunctionSpecIssues,
  parseFunctionSpec,
  specTraffic,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  FUNCTION_FILE_NAME,
  GITOPS_REPOSITORY_FOLDER,
  PublishSettings,
  cloneGitopsRepository,
  commitToGitopsBranch,
  functionFolderPath,
  gitopsViolationsError,
  parseFunctionFile,
  readRevisionHistory,
  validateGitopsTree,
  writeFunctionFolder,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/** The trailer that marks a commit as a traffic change made in the portal. */
const CHANGE_TRAILER = 'Atonix-Change: traffic';
const REQUESTED_BY_TRAILER = 'Requested-By';

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

/**
 * A function's traffic as its `function.yaml` in the GitOps repository has it, and changes to it.
 * A change is written, rendered and validated in a fresh checkout and committed exactly as the
 * scaffolder commits a new function (`cloneGitopsRepository`, `writeFunctionFolder`,
 * `validateGitopsTree`, `commitToGitopsBranch` from the node library); Flux applies it. Nothing here
 * talks to a cluster.
 */
export class GitopsTraffic {
  readonly #settings: PublishSettings;
  readonly #logger: LoggerService;

  static create(options: {
    settings: PublishSettings;
    logger: LoggerService;
  }): GitopsTraffic {
    return new GitopsTraffic(options.settings, options.logger);
  }

  private constructor(settings: PublishSettings, logger: LoggerService) {
    this.#settings = settings;
    this.#logger = logger;
  }

  async view(fn: FunctionStatus): Promise<FunctionTrafficView> {
    return this.#inCheckout(async checkout => {
      const { file, text, spec } = await this.#readSpec(checkout, fn);
      const history = await readRevisionHistory(file, text);
      const named = new Set(history.namedRevisions);
      if (spec.revisionName) {
        named.add(spec.revisionName);
      }
      return {
        file: this.#display(checkout, file),
        ...(spec.revisionName ? { revisionName: spec.revisionName } : {}),
        traffic: specTraffic(spec),
        namedRevisions: [...named].sort(),
        ...(await this.#pending(checkout, file, fn)),
      };
    });
  }

  async change(
    fn: FunctionStatus,
    change: TrafficChange,
    requestedBy: string,
  ): Promise<TrafficChangeResult> {
    if (this.#settings.target !== 'local') {
      throw new NotImplementedError(
        'Traffic changes are committed to the GitOps branch by the local portal only; opening a pull request on GitHub is not implemented yet, so change function.yaml in a pull request by hand',
      );
    }
    return this.#inCheckout(async checkout => {
      const { file, spec } = await this.#readSpec(checkout, fn);
      const parsed = parseFunctionSpec({
        ...spec,
        traffic: applyTrafficChange(spec, change),
      });
      if (!parsed.success) {
        throw new InputError(
          `The traffic change does not make a valid function spec; nothing was committed:\n${formatFunctionSpecIssues(
            parsed.issues,
          )}`,
        );
      }
      const next: FunctionSpec = parsed.spec;
      if (isDeepStrictEqual(specTraffic(next), specTraffic(spec))) {
        throw new InputError(
          `${fn.team}/${fn.name} already routes ${describeTraffic(
            specTraffic(spec),
          )} in git; nothing to commit`,
        );
      }
      const gitopsDir = join(checkout, GITOPS_REPOSITORY_FOLDER);
      const written = await writeFunctionFolder(gitopsDir, next);
      const violations = await validateGitopsTree(gitopsDir, {
        changedFiles: written.map(path => join(gitopsDir, path)),
      });
      if (violations.length > 0) {
        throw gitopsViolationsError(
          `The traffic change to ${this.#display(checkout, file)}`,
          violations,
          path => this.#display(checkout, path),
        );
      }
      const subject = `${fn.team}/${fn.name}: traffic ${describeTraffic(
        next.traffic ?? [],
      )}`;
      try {
        await commitToGitopsBranch({
          settings: this.#settings,
          dir: checkout,
          logger: this.#logger,
          commitMessage: `${subject}\n\nAsked for in the portal (${change.action}).\n\n${CHANGE_TRAILER}\n${REQUESTED_BY_TRAILER}: ${requestedBy}\n`,
          author: { name: requestedBy, email: 'portal@atonix.invalid' },
        });
      } catch (error) {
        if (error instanceof InputError) {
          throw error;
        }
        throw new ConflictError(
          `Could not push the traffic change to the GitOps repository (${error}); someone may have changed it at the same time: try again`,
        );
      }
      const commit = await this.#commitAt(checkout, 'HEAD');
      this.#logger.info(
        `Committed ${commit.commit} to the GitOps repository: ${subject}`,
      );
      return { commit, traffic: next.traffic ?? [] };
    });
  }

  async #inCheckout<T>(work: (checkout: string) => Promise<T>): Promise<T> {
    const checkout = await mkdtemp(join(tmpdir(), 'atonix-traffic-'));
    try {
      await cloneGitopsRepository({
        settings: this.#settings,
        dir: checkout,
        logger: this.#logger,
        fullHistory: true,
      });
      return await work(checkout);
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  }

  async #readSpec(checkout: string, fn: FunctionStatus) {
    const file = join(
      checkout,
      GITOPS_REPOSITORY_FOLDER,
      functionFolderPath(fn),
      FUNCTION_FILE_NAME,
    );
    const text = await readFile(file, 'utf8').catch(() => {
      throw new NotFoundError(
        `${this.#display(checkout, file)} is not in the GitOps repository ${
          this.#settings.gitopsRepository().webUrl
        }; a function's traffic is changed in its function.yaml, so add one (yarn atonix render) first`,
      );
    });
    const parsed = parseFunctionFile(text);
    if (!parsed.success) {
      throw new InputError(
        `${this.#display(
          checkout,
          file,
        )} in the GitOps repository is invalid; fix it first:\n${formatFunctionSpecIssues(
          parsed.issues,
        )}`,
      );
    }
    if (parsed.spec.runtime !== 'knative') {
      throw new InputError(
        `${fn.team}/${fn.name} runs on ${parsed.spec.runtime}, which has no revisions to split traffic between`,
      );
    }
    return { file, text, spec: parsed.spec };
  }

  /**
   * The newest portal traffic change to `file`, unless the Flux Kustomization has applied it (its
   * `lastAppliedRevision` is that commit or a later one).
   */
  async #pending(
    checkout: string,
    file: string,
    fn: FunctionStatus,
  ): Promise<{ pending?: GitopsCommit }> {
    const last = (
      await git(checkout, [
        'log',
        '-1',
        `--grep=^${CHANGE_TRAILER}$`,
        '--format=%H',
        '--',
        relative(checkout, file),
      ])
    ).trim();
    if (!last) {
      return {};
    }
    const applied = /sha1:([0-9a-f]{40})$/.exec(fn.flux?.revision ?? '')?.[1];
    if (applied) {
      const isApplied = await git(checkout, [
        'merge-base',
        '--is-ancestor',
        last,
        applied,
      ]).then(
        () => true,
        () => false,
      );
      if (isApplied) {
        return {};
      }
    }
    return { pending: await this.#commitAt(checkout, last) };
  }

  async #commitAt(checkout: string, ref: string): Promise<GitopsCommit> {
    const [commit, subject, committedAt, requestedBy] = (
      await git(checkout, [
        'log',
        '-1',
        `--format=%H%x00%s%x00%cI%x00%(trailers:key=${REQUESTED_BY_TRAILER},valueonly,separator=)`,
        ref,
      ])
    )
      .trim()
      .split('\0');
    return { commit, subject, committedAt, requestedBy };
  }

  /** A checkout path as the GitOps repository knows it (`gitops/functions/...`). */
  #display(checkout: string, path: string): string {
    return relative(checkout, path).split(/[\\/]/).join(posix.sep);
  }
}
