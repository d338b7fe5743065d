import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  createTemplateAction,
  initRepoAndPush,
} from '@backstage/plugin-scaffolder-node';
import { PublishSettings } from '@internal/backstage-plugin-atonix-serverless-node';
import {
  assertLocalPublishing,
  SCAFFOLDER_GIT_AUTHOR,
} from '../service/localPublishing';
import { examples } from './publishLocal.examples';

/**
 * `atonix:publish:local`: the local portal's `publish:github`. Creates a repository on the local
 * git server (packages/local-git-server) by pushing the generated folder as its first commit.
 */
export function createPublishLocalAction(options: {
  settings: PublishSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: 'atonix:publish:local',
    description:
      'Publishes a workspace folder as a new repository on the local git server (local portal only)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .describe('Repository name, as given to atonix:publish:plan'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder that becomes the repository (default .)',
            ),
        commitMessage: z =>
          z.string().optional().describe('First commit message'),
      },
      output: {
        remoteUrl: z => z.string(),
        commitHash: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      assertLocalPublishing(
        settings,
        'atonix:publish:local publishes to the local git server',
        'guard the step with if: ${{ steps.plan.output.local }}',
      );
      const { sourcePath = '.', commitMessage = 'Initial commit' } = ctx.input;
      const dir = resolveSafeChildPath(ctx.workspacePath, sourcePath);
      const { cloneUrl } = settings.functionRepository(ctx.input.repoName);
      if (await repositoryExists(cloneUrl)) {
        throw new ConflictError(
          `The repository ${cloneUrl} exists already; choose another function name`,
        );
      }
      ctx.output('remoteUrl', cloneUrl);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would push ${sourcePath} to ${cloneUrl}`);
        return;
      }
      const { commitHash } = await initRepoAndPush({
        dir,
        remoteUrl: cloneUrl,
        auth: settings.gitAuth(cloneUrl),
        logger: ctx.logger,
        defaultBranch: 'main',
        commitMessage,
        gitAuthorInfo: SCAFFOLDER_GIT_AUTHOR,
      });
      ctx.logger.info(`Pushed ${commitHash} to ${cloneUrl}`);
      ctx.output('commitHash', commitHash);
    },
  });
}

/** Smart-HTTP discovery answers 200 for a repository that exists and 404 otherwise. */
async function repositoryExists(cloneUrl: string): Promise<boolean> {
  let response;
  try {
    response = await fetch(`${cloneUrl}/info/refs?service=git-upload-pack`);
  } catch (error) {
    throw new InputError(
      `The local git server at ${
        new URL(cloneUrl).origin
      } is unreachable (${error}); './run start' starts it, or check atonix.scaffolder.localGitBaseUrl`,
    );
  }
  await response.body?.cancel();
  return response.ok;
}
