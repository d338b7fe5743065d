import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  PublishSettings,
  commitToGitopsBranch,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { GitopsCheckout } from '../service/gitopsCheckout';
import {
  assertLocalPublishing,
  SCAFFOLDER_GIT_AUTHOR,
} from '../service/localPublishing';
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
        path: GitopsCheckout.input,
        commitMessage: z => z.string().describe('Commit message'),
      },
      output: {
        remoteUrl: z => z.string(),
        branch: z => z.string(),
        commitHash: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      assertLocalPublishing(
        settings,
        'atonix:gitops:commit pushes straight to the GitOps branch',
        'production templates open a pull request with publish:github:pull-request',
      );
      const { path, repoDir: dir } = GitopsCheckout.in(
        ctx.workspacePath,
        ctx.input.path,
      );
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
        author: SCAFFOLDER_GIT_AUTHOR,
      });
      ctx.logger.info(
        `Pushed ${commitHash} to ${cloneUrl} ${settings.gitopsBranch}`,
      );
      ctx.output('commitHash', commitHash);
    },
  });
}
