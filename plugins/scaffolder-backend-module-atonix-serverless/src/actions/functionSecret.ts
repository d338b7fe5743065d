import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  functionSecretWritePermission,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  NoSopsRecipientsError,
  sopsRecipientsFor,
  teamSecretPath,
  nextRevisionName,
  writeFunctionFolder,
  writeTeamSecret,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { posix } from 'node:path';
import { FunctionPermissions } from '../service/FunctionPermissions';
import {
  changesPathInput,
  functionPathInput,
  readPermittedFunction,
  writtenChanges,
} from '../service/functionFolder';
import { examples } from './functionSecret.examples';

/** A Secret's name: a DNS-1123 subdomain. */
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * `atonix:function:secret`: adds or replaces a Secret of a function's team, encrypted with SOPS to
 * the team's public age keys (`gitops/.sops.yaml`), in `functions/<team>/secrets/<name>.sops.yaml`,
 * and optionally points env vars of the function at it. Only for users the permission policy
 * allows `atonix.function.secret.write` on the function (its owners and the platform team, by
 * default), as the backend's secret route checks it. The values come from the template's secrets (`ui:field: Secret`, passed as
 * `${{ secrets.<field> }}`), which the scaffolder masks in the form and redacts from the task log;
 * this action never writes them anywhere but into the encryption.
 */
export function createFunctionSecretAction(options: {
  functionPermissions: FunctionPermissions;
}) {
  const { functionPermissions } = options;
  return createTemplateAction({
    id: 'atonix:function:secret',
    description:
      "Adds or replaces a function's Secret, SOPS-encrypted to its team's public keys, and optionally reads it into env vars",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        functionPath: functionPathInput,
        name: z =>
          z
            .string()
            .describe(
              'Name of the Secret in the team namespace, e.g. charge-card-provider',
            ),
        values: z =>
          z
            .array(z.object({ key: z.string(), value: z.string() }))
            .describe(
              "The Secret's keys and values. Pass each value from the template's secrets (a parameter with ui:field: Secret, then ${{ secrets.<field> }}) so it is masked and never stored with the task",
            ),
        env: z =>
          z
            .array(z.object({ name: z.string(), key: z.string() }))
            .optional()
            .describe(
              "Env vars to read a key of this Secret (the function's secretEnv, a secretKeyRef), e.g. [{ name: PROVIDER_API_KEY, key: api-key }]; an entry with an empty name is skipped (an optional form field left empty)",
            ),
        changesPath: changesPathInput,
      },
      output: {
        secretPath: z =>
          z.string().describe('The Secret file in the GitOps repository'),
        files: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const { functionPath, name, changesPath } = ctx.input;
      const values = Object.fromEntries(
        ctx.input.values.map(({ key, value }) => [key, value]),
      );
      const env = Object.fromEntries(
        (ctx.input.env ?? []).flatMap(({ name: variable, key }) =>
          variable ? [[variable, key]] : [],
        ),
      );
      const { gitopsDir, spec } = await readPermittedFunction({
        ctx,
        functionPermissions,
        functionPath,
        permission: functionSecretWritePermission,
      });
      if (!SECRET_NAME.test(name) || name.length > 253) {
        throw new InputError(
          `name "${name}" is not a Secret name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`,
        );
      }
      const keys = Object.keys(values);
      for (const [variable, key] of Object.entries(env)) {
        if (!keys.includes(key)) {
          throw new InputError(
            `env ${variable} reads key "${key}", which is not among the keys given (${keys.join(
              ', ',
            )}); add it to values or fix the key`,
          );
        }
      }
      const envChanges = Object.keys(env).length > 0;
      const updated = parseFunctionSpec({
        ...spec,
        // New env vars change the revision template, and Knative refuses a changed template under
        // a name it already has (rule revision-name): the change gets the next revision name.
        ...(envChanges && spec.revisionName
          ? { revisionName: nextRevisionName(spec.name, spec.revisionName) }
          : {}),
        secretEnv: {
          ...spec.secretEnv,
          ...Object.fromEntries(
            Object.entries(env).map(([variable, key]) => [
              variable,
              { secretName: name, key },
            ]),
          ),
        },
      });
      if (!updated.success) {
        throw new InputError(
          `env: ${updated.issues
            .map(i => `${i.path}: ${i.message}`)
            .join('; ')}`,
        );
      }
      const secretPath = posix.join('gitops', teamSecretPath(spec.team, name));
      try {
        await sopsRecipientsFor(gitopsDir, teamSecretPath(spec.team, name));
      } catch (error) {
        if (error instanceof NoSopsRecipientsError) {
          throw new InputError(error.message);
        }
        throw error;
      }
      // A dry run has no secrets to encrypt (the scaffolder passes none).
      if (ctx.isDryRun) {
        ctx.output('secretPath', secretPath);
        ctx.output('files', [secretPath]);
        return;
      }
      if (keys.length === 0 || keys.some(key => values[key] === '')) {
        throw new InputError(
          `Secret ${name} needs at least one key, each with a value (empty: ${
            keys.filter(key => values[key] === '').join(', ') || 'no keys given'
          })`,
        );
      }
      let written: string[];
      try {
        written = await writeTeamSecret(gitopsDir, spec.team, { name, values });
      } catch (error) {
        // encryptSecret's messages name keys, never values.
        throw new InputError((error as Error).message);
      }
      if (Object.keys(env).length > 0) {
        written.push(...(await writeFunctionFolder(gitopsDir, updated.spec)));
      }
      const files = await writtenChanges(
        ctx.workspacePath,
        gitopsDir,
        written,
        changesPath,
      );
      ctx.logger.info(
        `Wrote Secret ${name} (keys ${keys.join(', ')}) of ${spec.team}/${
          spec.name
        }, SOPS-encrypted, to ${secretPath}`,
      );
      ctx.output('secretPath', secretPath);
      ctx.output('files', files);
    },
  });
}
