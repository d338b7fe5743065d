import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  applyTrafficChange,
  describeTraffic,
  formatFunctionSpecIssues,
  functionTrafficUpdatePermission,
  parseFunctionSpec,
  specTraffic,
  trafficChangeSchema,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  trafficCommitMessage,
  writeFunctionFolder,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { isDeepStrictEqual } from 'node:util';
import { FunctionPermissions } from '../service/FunctionPermissions';
import { withoutUnsetFields } from '../service/formInput';
import {
  changesPathInput,
  functionPathInput,
  readPermittedFunction,
  writtenChanges,
} from '../service/functionFolder';
import { examples } from './functionTraffic.examples';

/**
 * `atonix:function:traffic`: applies a traffic change (roll back, promote, split, tag) to a
 * function's `function.yaml` in the workspace's GitOps checkout and renders the folder again, so
 * the Knative Service routes as the spec says. The spec's own rules (sum 100, unique tags, named or
 * latest targets) are checked here; the history rules (`revision-history`: a target git named
 * before) by `atonix:gitops:validate` over a checkout with its history. Only for users the
 * permission policy allows `atonix.function.traffic.update` on the function (its owners and the
 * platform team, by default), as the backend's traffic route checks it.
 */
export function createFunctionTrafficAction(options: {
  functionPermissions: FunctionPermissions;
}) {
  const { functionPermissions } = options;
  return createTemplateAction({
    id: 'atonix:function:traffic',
    description:
      "Applies a traffic change (rollback, promote, split, tag) to a Knative function's function.yaml and renders its Service",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        functionPath: functionPathInput,
        change: z =>
          z
            .record(z.unknown())
            .describe(
              'The change: { action: rollback, revisionName } | { action: promote } | { action: split, traffic: [{ revisionName | latestRevision: true, percent, tag? }] } | { action: tag, revisionName, tag }',
            ),
        requestedBy: z =>
          z
            .string()
            .min(1)
            .describe(
              'Who asks for the change, a user entity ref (${{ user.ref }}); the commit message names them',
            ),
        changesPath: changesPathInput,
      },
      output: {
        subject: z =>
          z
            .string()
            .describe(
              'One line for the commit or pull request: `<team>/<name>: traffic <split>`',
            ),
        commitMessage: z =>
          z
            .string()
            .describe(
              "The subject, the action and the trailers (Atonix-Change: traffic, Requested-By) by which the portal's traffic view finds the change",
            ),
        traffic: z => z.array(z.record(z.unknown())),
        files: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const { functionPath, changesPath } = ctx.input;
      // A form leaves optional fields as empty strings; the change's schema wants them absent.
      const change = trafficChangeSchema.safeParse(
        withoutUnsetFields(
          ctx.input.change,
          field => field === '' || field === undefined || field === null,
        ),
      );
      if (!change.success) {
        throw new InputError(
          `change is not a traffic change: ${change.error.issues
            .map(i => `${['change', ...i.path].join('.')}: ${i.message}`)
            .join('; ')}`,
        );
      }
      const { gitopsDir, spec } = await readPermittedFunction({
        ctx,
        functionPermissions,
        functionPath,
        permission: functionTrafficUpdatePermission,
      });
      if (spec.runtime !== 'knative') {
        throw new InputError(
          `${spec.team}/${spec.name} runs on ${spec.runtime}, which has no revisions to split traffic between`,
        );
      }
      const parsed = parseFunctionSpec({
        ...spec,
        traffic: applyTrafficChange(spec, change.data),
      });
      if (!parsed.success) {
        throw new InputError(
          `The traffic change does not make a valid function spec; nothing was written:\n${formatFunctionSpecIssues(
            parsed.issues,
          )}`,
        );
      }
      const next = parsed.spec;
      if (isDeepStrictEqual(specTraffic(next), specTraffic(spec))) {
        throw new InputError(
          `${spec.team}/${spec.name} already routes ${describeTraffic(
            specTraffic(spec),
          )} in git; nothing to change`,
        );
      }
      const traffic = specTraffic(next);
      const subject = `${spec.team}/${spec.name}: traffic ${describeTraffic(
        traffic,
      )}`;
      ctx.output('subject', subject);
      ctx.output(
        'commitMessage',
        trafficCommitMessage({
          subject,
          action: change.data.action,
          requestedBy: ctx.input.requestedBy,
        }),
      );
      ctx.output('traffic', traffic);
      if (ctx.isDryRun) {
        ctx.output('files', []);
        return;
      }
      const files = await writtenChanges(
        ctx.workspacePath,
        gitopsDir,
        await writeFunctionFolder(gitopsDir, next),
        changesPath,
      );
      ctx.logger.info(
        `${subject} (${change.data.action}), written to ${files.join(', ')}`,
      );
      ctx.output('files', files);
    },
  });
}
