import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  cloneRepo,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { PublishSettings } from '../service/PublishSettings';
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
            .describe('Workspace folder to clone into (default gitops-repo)'),
      },
      output: {
        path: z => z.string(),
        remoteUrl: z => z.string(),
        repoUrl: z => z.string(),
        branch: z => z.string(),
      },
    },
    async handler(ctx) {
      const { targetPath = 'gitops-repo' } = ctx.input;
      const dir = resolveSafeChildPath(ctx.workspacePath, targetPath);
      const gitops = settings.gitopsRepository();
      try {
        await cloneRepo({
          url: gitops.cloneUrl,
          dir,
          ref: settings.gitopsBranch,
          auth: settings.gitAuth(gitops.cloneUrl),
          logger: ctx.logger,
        });
      } catch (error) {
        throw new InputError(
          `The GitOps repository ${gitops.cloneUrl} (branch ${settings.gitopsBranch}) is unreachable: ${error}. Nothing was published; check atonix.scaffolder.gitops and that the repository is up, then run the template again`,
        );
      }
      ctx.logger.info(`Cloned ${gitops.cloneUrl} into ${targetPath}`);
      ctx.output('path', targetPath);
      ctx.output('remoteUrl', gitops.cloneUrl);
      ctx.output('repoUrl', gitops.repoUrl);
      ctx.output('branch', settings.gitopsBranch);
    },
  });
}
