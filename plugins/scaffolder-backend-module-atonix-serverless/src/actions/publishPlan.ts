import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { PublishSettings } from '@internal/backstage-plugin-atonix-serverless-node';
import { examples } from './publishPlan.examples';

/**
 * `atonix:publish:plan`: where this template run publishes, from `atonix.scaffolder` config. Its
 * `local` and `github` outputs switch the templates' publishing steps with `if:`, so one template
 * serves the local portal and production.
 */
export function createPublishPlanAction(options: {
  settings: PublishSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: 'atonix:publish:plan',
    description:
      'Works out where a template publishes (local git server or GitHub): repository URLs, image repository, catalog file URL',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, {
              message:
                'repoName must be lower-case letters, digits and -, e.g. the function name',
            })
            .describe('Name of the repository to create (the function name)'),
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of the entity file inside the new repository, for catalogInfoUrl (default catalog-info.yaml)',
            ),
      },
      output: {
        target: z => z.enum(['local', 'github']),
        local: z => z.boolean(),
        github: z => z.boolean(),
        repoUrl: z => z.string(),
        remoteUrl: z => z.string(),
        repoWebUrl: z => z.string(),
        catalogInfoUrl: z => z.string(),
        imageRepository: z => z.string(),
        gitopsRepoUrl: z => z.string(),
        gitopsRemoteUrl: z => z.string(),
        gitopsWebUrl: z => z.string(),
      },
    },
    async handler(ctx) {
      const { repoName, catalogInfoPath = 'catalog-info.yaml' } = ctx.input;
      const repo = settings.functionRepository(repoName);
      const gitops = settings.gitopsRepository();
      ctx.output('target', settings.target);
      ctx.output('local', settings.target === 'local');
      ctx.output('github', settings.target === 'github');
      ctx.output('repoUrl', repo.repoUrl);
      ctx.output('remoteUrl', repo.cloneUrl);
      ctx.output('repoWebUrl', repo.webUrl);
      ctx.output('catalogInfoUrl', repo.fileUrl(catalogInfoPath));
      ctx.output('imageRepository', settings.imageRepository(repoName));
      ctx.output('gitopsRepoUrl', gitops.repoUrl);
      ctx.output('gitopsRemoteUrl', gitops.cloneUrl);
      ctx.output('gitopsWebUrl', gitops.webUrl);
    },
  });
}
