import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  GITOPS_REPOSITORY_FOLDER,
  gitopsViolationsError,
  validateGitopsTree,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { existsSync } from 'node:fs';
import { isAbsolute, posix, relative } from 'node:path';
import { GitopsCheckout } from '../service/gitopsCheckout';
import { examples } from './gitopsValidate.examples';

/** The GitOps tree of the checkout `atonix:gitops:clone` makes by default. */
const GITOPS_TREE = posix.join(
  GitopsCheckout.DEFAULT_PATH,
  GITOPS_REPOSITORY_FOLDER,
);

/**
 * `atonix:gitops:validate`: runs the GitOps validator (the same one as `yarn atonix validate` and
 * the GitOps repository's CI) over a folder of the workspace, so a template never proposes a change
 * that CI or Flux would reject.
 */
export function createGitopsValidateAction() {
  return createTemplateAction({
    id: 'atonix:gitops:validate',
    description:
      'Validates a GitOps tree in the workspace (schemas, Flux graph, platform rules) and fails with its path:line: rule-id: message lines',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe(
              `Workspace folder of the GitOps tree, the folder holding clusters/, tenants/ and functions/ (default ${GITOPS_TREE})`,
            ),
      },
      output: {
        violations: z =>
          z.number().describe('Always 0: any violation fails the step'),
      },
    },
    async handler(ctx) {
      const { path = GITOPS_TREE } = ctx.input;
      const dir = resolveSafeChildPath(ctx.workspacePath, path);
      if (!existsSync(dir)) {
        throw new InputError(
          `There is no ${path} in the workspace to validate; check out the GitOps repository first (atonix:gitops:clone)`,
        );
      }
      const violations = await validateGitopsTree(dir);
      if (violations.length > 0) {
        // Workspace-relative: the temporary workspace folder means nothing to the user.
        throw gitopsViolationsError(
          `The GitOps tree ${path}`,
          violations,
          file => (isAbsolute(file) ? relative(ctx.workspacePath, file) : file),
        );
      }
      ctx.logger.info(`${path} validates clean`);
      ctx.output('violations', 0);
    },
  });
}
