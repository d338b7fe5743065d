import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatFunctionSpecIssues,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  checkFunctionPolicy,
  ClusterRuntimes,
  functionFolderPath,
  FUNCTIONS_FOLDER,
  GITOPS_REPOSITORY_FOLDER,
  writeFunctionFolder,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { TeamDirectory } from '../service/TeamDirectory';
import { withoutUnsetFields } from '../service/formInput';
import { GitopsCheckout } from '../service/gitopsCheckout';
import { examples } from './functionManifests.examples';

/**
 * `atonix:function:manifests`: checks a function's spec against the model and the platform rules,
 * then writes its folder (`function.yaml`, manifests, kustomization) into the GitOps checkout in the
 * workspace and lists it in the team's kustomization. A runtime that a cluster of the checkout does
 * not provide (`ClusterRuntimes`) is refused. Every check runs before the first write, so a
 * rejected spec leaves the checkout untouched.
 */
export function createFunctionManifestsAction(options: {
  teams: TeamDirectory;
  clusterRuntimes: ClusterRuntimes;
}) {
  const { teams, clusterRuntimes } = options;
  return createTemplateAction({
    id: 'atonix:function:manifests',
    description:
      "Renders a function spec into gitops/functions/<team>/<name>/ of the workspace's GitOps checkout and adds it to the team's kustomization",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        spec: z =>
          z
            .record(z.unknown())
            .describe(
              'The FunctionSpec (name, team, image, runtime, port, env, secretEnv, scaling, critical, trigger, allowedCallers, resources); team and allowedCallers entries may be Group refs such as group:default/payments; null means not set',
            ),
        repoPath: GitopsCheckout.input,
      },
      output: {
        gitopsPath: z =>
          z.string().describe('The function folder in the GitOps repository'),
        teamPath: z =>
          z
            .string()
            .describe("The team's functions folder in the GitOps repository"),
        files: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const checkout = GitopsCheckout.in(ctx.workspacePath, ctx.input.repoPath);
      const { gitopsDir } = checkout;
      // Template expressions render an unanswered optional question as null
      // (`${{ x if y else none }}`); in a spec, null means "not set", so the model's defaults apply.
      const input = withoutUnsetFields(
        ctx.input.spec,
        field => field === null,
      ) as Record<string, unknown>;
      const parsed = parseFunctionSpec({
        ...input,
        ...(typeof input.team === 'string' && {
          team: TeamDirectory.teamName(input.team),
        }),
        ...(Array.isArray(input.allowedCallers) && {
          allowedCallers: input.allowedCallers.map(caller =>
            typeof caller === 'string'
              ? TeamDirectory.teamName(caller)
              : caller,
          ),
        }),
      });
      if (!parsed.success) {
        throw new InputError(
          `The function spec is invalid:\n${formatFunctionSpecIssues(
            parsed.issues,
          )}`,
        );
      }
      const spec = parsed.spec;
      const findings = await checkFunctionPolicy(spec);
      if (findings.length > 0) {
        throw new InputError(
          `The function breaks platform rules:\n${findings
            .map(f => `${f.field}: ${f.rule}: ${f.message}`)
            .join('\n')}`,
        );
      }

      const credentials = await ctx.getInitiatorCredentials();
      await teams.assertTeamUsable(spec.team, credentials);
      checkout.assertCloned();
      await clusterRuntimes.assertProvided(
        spec.runtime,
        resolveSafeChildPath(gitopsDir, 'clusters'),
      );
      const folder = functionFolderPath(spec);
      // Any team's: the function's catalog entity, repository and image are named after it alone.
      const existing = await functionFoldersNamed(gitopsDir, spec.name);
      if (existing.length > 0) {
        throw new ConflictError(
          `A function named "${spec.name}" exists already in ${existing
            .map(f => `${GITOPS_REPOSITORY_FOLDER}/${f}`)
            .join(', ')}; choose another name`,
        );
      }
      await teams.assertComponentNameFree(spec.name, credentials);

      const written = await writeFunctionFolder(gitopsDir, spec);
      ctx.logger.info(
        `Wrote ${written.length} files for ${spec.team}/${spec.name} into ${checkout.path}/${GITOPS_REPOSITORY_FOLDER}`,
      );
      ctx.output('gitopsPath', posix.join(GITOPS_REPOSITORY_FOLDER, folder));
      ctx.output(
        'teamPath',
        posix.join(GITOPS_REPOSITORY_FOLDER, posix.dirname(folder)),
      );
      ctx.output(
        'files',
        written.map(file => posix.join(GITOPS_REPOSITORY_FOLDER, file)),
      );
    },
  });
}

/** The folders of functions called `name` in any team, relative to the `gitops/` folder. */
async function functionFoldersNamed(
  gitopsDir: string,
  name: string,
): Promise<string[]> {
  const teams = await readdir(
    resolveSafeChildPath(gitopsDir, FUNCTIONS_FOLDER),
    {
      withFileTypes: true,
    },
  ).catch(() => []);
  return teams
    .filter(team => team.isDirectory())
    .map(team => functionFolderPath({ team: team.name, name }))
    .filter(folder => existsSync(resolveSafeChildPath(gitopsDir, folder)));
}
