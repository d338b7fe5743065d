import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  PublishSettings,
  cloneGitopsRepository,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { GitopsCheckout } from '../service/gitopsCheckout';
import { examples } from './gitopsClone.examples';

/**
 * `atonix:gitops:clone`: checks out the GitOps repository into the workspace. Templates run it
 * before anything is published, so an unreachable GitOps repository stops the run while nothing
 * has been pushed, and the later actions see the tree they add to (existing functions, tenants).
 */
export function createGitopsCloneAction(options: {
  settings: PublishSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: 'atonix:gitops:clone',
    description:
      'Clones the GitOps repository (atonix.scaffolder.gitops) into the workspace',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              `Workspace folder to clone into (default ${GitopsCheckout.DEFAULT_PATH})`,
            ),
        fullHistory: z =>
          z
            .boolean()
            .optional()
            .describe(
              "Clone every commit, not just the newest (default false): a traffic change needs the history, where the validator's rule revision-history looks for the revisions git named",
            ),
      },
      output: {
        path: z => z.string(),
        remoteUrl: z => z.string(),
        repoUrl: z => z.string(),
        branch: z => z.string(),
      },
    },
    async handler(ctx) {
      const { path: targetPath, repoDir: dir } = GitopsCheckout.in(
        ctx.workspacePath,
        ctx.input.targetPath,
      );
      const { fullHistory = false } = ctx.input;
      const gitops = settings.gitopsRepository();
      await cloneGitopsRepository({
        settings,
        dir,
        logger: ctx.logger,
        fullHistory,
      });
      ctx.logger.info(`Cloned ${gitops.cloneUrl} into ${targetPath}`);
      ctx.output('path', targetPath);
      ctx.output('remoteUrl', gitops.cloneUrl);
      ctx.output('repoUrl', gitops.repoUrl);
      ctx.output('branch', settings.gitopsBranch);
    },
  });
}
