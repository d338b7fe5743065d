import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  FunctionStatus,
  FunctionTrafficView,
  GitopsCommit,
  formatFunctionSpecIssues,
  specTraffic,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  FUNCTION_FILE_NAME,
  GITOPS_REPOSITORY_FOLDER,
  PublishSettings,
  REQUESTED_BY_TRAILER,
  TRAFFIC_CHANGE_TRAILER,
  TrafficPullRequests,
  cloneGitopsRepository,
  functionFolderPath,
  parseFunctionFile,
  readRevisionHistory,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

/**
 * A function's traffic as its `function.yaml` on the GitOps repository's branch has it, the
 * revisions git has named, and the portal's newest change to it while Flux has not applied it.
 * Changes are made by the function-traffic template (`atonix:function:traffic`), whose commit
 * message carries the trailers read here. With `publishTarget: github` the change waits in a pull
 * request first; the view adds the open one from GitHub. Nothing here talks to a cluster.
 */
export class GitopsTraffic {
  readonly #settings: PublishSettings;
  readonly #logger: LoggerService;
  readonly #pullRequests: TrafficPullRequests;

  static create(options: {
    settings: PublishSettings;
    logger: LoggerService;
    /** Asked with `publishTarget: github`, where a change is a pull request until merged. */
    pullRequests: TrafficPullRequests;
  }): GitopsTraffic {
    return new GitopsTraffic(
      options.settings,
      options.logger,
      options.pullRequests,
    );
  }

  private constructor(
    settings: PublishSettings,
    logger: LoggerService,
    pullRequests: TrafficPullRequests,
  ) {
    this.#settings = settings;
    this.#logger = logger;
    this.#pullRequests = pullRequests;
  }

  async view(fn: FunctionStatus): Promise<FunctionTrafficView> {
    const [inGit, pullRequest] = await Promise.all([
      this.#gitView(fn),
      this.#settings.target === 'github' ? this.#pullRequests.lookup(fn) : {},
    ]);
    return { ...inGit, ...pullRequest };
  }

  async #gitView(fn: FunctionStatus): Promise<FunctionTrafficView> {
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
        ...(await this.#portalChange(checkout, file, fn)),
      };
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
   * The newest portal traffic change to `file`: applied once the Flux Kustomization's
   * `lastAppliedRevision` is that commit or a later one, pending until then.
   */
  async #portalChange(
    checkout: string,
    file: string,
    fn: FunctionStatus,
  ): Promise<{ pending?: GitopsCommit; applied?: GitopsCommit }> {
    const last = (
      await git(checkout, [
        'log',
        '-1',
        `--grep=^${TRAFFIC_CHANGE_TRAILER}$`,
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
        return { applied: await this.#commitAt(checkout, last) };
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
