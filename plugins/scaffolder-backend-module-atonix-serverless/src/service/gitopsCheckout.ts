import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { GITOPS_REPOSITORY_FOLDER } from '@internal/backstage-plugin-atonix-serverless-node';
import { existsSync } from 'node:fs';
import type { z as zod } from 'zod/v3';

/** The GitOps checkout `atonix:gitops:clone` made in the workspace, as the actions after it use it. */
export class GitopsCheckout {
  /** Where `atonix:gitops:clone` checks out unless told otherwise, and where the others look. */
  static readonly DEFAULT_PATH = 'gitops-repo';

  /** The input naming the checkout, of the actions that work in it. */
  static readonly input = (z: typeof zod) =>
    z
      .string()
      .optional()
      .describe(
        `Workspace folder of the GitOps checkout made by atonix:gitops:clone (default ${GitopsCheckout.DEFAULT_PATH})`,
      );

  /** The checkout at `path` in the workspace (refused outside it). */
  static in(
    workspacePath: string,
    path: string = GitopsCheckout.DEFAULT_PATH,
  ): GitopsCheckout {
    return new GitopsCheckout(path, resolveSafeChildPath(workspacePath, path));
  }

  /** Its `gitops/` folder, the root of the GitOps tree. */
  readonly gitopsDir: string;

  private constructor(
    /** As the template gave it, for messages. */
    readonly path: string,
    readonly repoDir: string,
  ) {
    this.gitopsDir = resolveSafeChildPath(repoDir, GITOPS_REPOSITORY_FOLDER);
  }

  /** Fails unless the checkout is there: the template did not run atonix:gitops:clone first. */
  assertCloned(): void {
    if (!existsSync(this.gitopsDir)) {
      throw new InputError(
        `${this.path} holds no GitOps checkout (no ${GITOPS_REPOSITORY_FOLDER}/ folder); run atonix:gitops:clone first`,
      );
    }
  }
}
