import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  PublishSettings,
  commitToGitopsBranch,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { examples } from './gitopsCommit.examples';

/**
 * `atonix:gitops:commit`: commits the GitOps checkout made by `atonix:gitops:clone` and pushes it
 * to the branch Flux reconciles. The local portal's stand-in for `publish:github:pull-request`:
 * there is no reviewer on a developer's machine, so the change lands directly.
 */
export function createGitopsCommitAction(options: {
  settings: PublishSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: 'atonix:gitops:commit',
    description:
      'Commits and pushes the GitOps checkout to its branch on the local git server (local portal only)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder of the GitOps checkout (default gitops-repo)',
            ),
        commitMessage: z => z.string().describe('Commit message'),
      },
      output: {
        remoteUrl: z => z.string(),
        branch: z => z.string(),
        commitHash: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      if (settings.target !== 'local') {
        throw new InputError(
          `atonix:gitops:commit pushes straight to the GitOps branch, which only the local portal does (atonix.scaffolder.publishTarget is "${settings.target}"); production templates open a pull request with publish:github:pull-request`,
        );
      }
      const { path = 'gitops-repo' } = ctx.input;
      const dir = resolveSafeChildPath(ctx.workspacePath, path);
      const { cloneUrl } = settings.gitopsRepository();
      ctx.output('remoteUrl', cloneUrl);
      ctx.output('branch', settings.gitopsBranch);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would commit ${path} and push it to ${cloneUrl} ${settings.gitopsBranch}`,
        );
        return;
      }
      const { commitHash } = await commitToGitopsBranch({
        settings,
        dir,
        logger: ctx.logger,
        commitMessage: ctx.input.commitMessage,
        author: {
          name: 'Atonix scaffolder',
          email: 'scaffolder@atonix.invalid',
        },
      });
      ctx.logger.info(
        `Pushed ${commitHash} to ${cloneUrl} ${settings.gitopsBranch}`,
      );
      ctx.output('commitHash', commitHash);
    },
  });
}
