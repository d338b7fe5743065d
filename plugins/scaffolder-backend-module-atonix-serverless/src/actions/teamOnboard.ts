import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { GroupEntity, parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { functionSpecSchema } from '@internal/backstage-plugin-atonix-serverless-common';
import {
  teamAlertEmailSchema,
  tenantFolderPath,
  writeFluxReceiverToken,
  writeTeamSecret,
  writeTenantFolder,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import yaml from 'yaml';
import { PublishSettings } from '@internal/backstage-plugin-atonix-serverless-node';
import { TeamDirectory } from '../service/TeamDirectory';
import { changesPathInput, copyChanges } from '../service/functionFolder';
import { GitopsCheckout } from '../service/gitopsCheckout';
import { examples } from './teamOnboard.examples';

/**
 * The image-pull Secret every team's `default` ServiceAccount names
 * (gitops/tenants/base/default-service-account.yaml).
 */
const IMAGE_PULL_SECRET = 'ghcr-pull';

/** Where onboarded teams' Group entities live in the GitOps repository (beside catalog/org.yaml). */
const GROUPS_FOLDER = 'catalog/teams';

/**
 * `atonix:team:onboard`: adds a team to the GitOps checkout in the workspace (its tenant folder,
 * its line in the tenants list, an empty functions folder, its SOPS creation rule) and writes its
 * Group entity; given a registry token, also its image-pull Secret, SOPS-encrypted. Nobody is
 * restricted here: in production the result is a pull request the platform team reviews. The token
 * comes from the template's secrets (`ui:field: Secret`, `${{ secrets.<field> }}`), masked in the
 * form and redacted from the task log; it goes nowhere but into the encryption.
 */
export function createTeamOnboardAction(options: {
  settings: PublishSettings;
  teams: TeamDirectory;
}) {
  const { settings, teams } = options;
  return createTemplateAction({
    id: 'atonix:team:onboard',
    description:
      'Writes a new team into the GitOps checkout: gitops/tenants/<team>, gitops/functions/<team>, its gitops/.sops.yaml rule, its Flux Receiver token and optionally its ghcr-pull Secret (SOPS-encrypted), and its Group entity',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        team: z =>
          z
            .string()
            .describe(
              'Team name: becomes the Group and the namespace (DNS label)',
            ),
        description: z => z.string().optional().describe('What the team does'),
        alertEmail: z =>
          z
            .string()
            .describe(
              "Where the team's warning and critical alerts are mailed (its Alertmanager receiver)",
            ),
        parent: z =>
          z
            .string()
            .optional()
            .describe('Parent Group ref, e.g. group:default/platform'),
        ageRecipients: z =>
          z
            .record(z.string())
            .describe(
              "The team's age public key on each cluster of gitops/clusters, e.g. { staging: age1…, production: age1… } (age-keygen prints it; the private key stays in the cluster, Secret sops-age). Added to gitops/.sops.yaml so the team's Secrets can be encrypted",
            ),
        registryUsername: z =>
          z
            .string()
            .optional()
            .describe(
              'Account the image-pull Secret logs in to the image registry as; required with registryToken',
            ),
        registryToken: z =>
          z
            .string()
            .optional()
            .describe(
              "A registry token that can read the team's images (read:packages). When given, writes the team's ghcr-pull Secret (kubernetes.io/dockerconfigjson), SOPS-encrypted. Pass it from the template's secrets (ui:field: Secret, then ${{ secrets.<field> }}) so it is masked and never stored with the task",
            ),
        repoPath: GitopsCheckout.input,
        changesPath: changesPathInput,
      },
      output: {
        tenantPath: z => z.string(),
        groupPath: z => z.string(),
        groupUrl: z =>
          z
            .string()
            .describe(
              "The Group entity's URL on the GitOps branch, for catalog:register",
            ),
        files: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const {
        team,
        description,
        alertEmail,
        parent,
        ageRecipients,
        registryUsername,
        registryToken,
        changesPath,
      } = ctx.input;
      const checkout = GitopsCheckout.in(ctx.workspacePath, ctx.input.repoPath);
      const { repoDir, gitopsDir } = checkout;
      const changesDir =
        changesPath && resolveSafeChildPath(ctx.workspacePath, changesPath);
      const name = functionSpecSchema.shape.team.safeParse(team);
      if (!name.success) {
        throw new InputError(
          `team: ${name.error.issues.map(i => i.message).join('; ')}`,
        );
      }
      const email = teamAlertEmailSchema.safeParse(alertEmail);
      if (!email.success) {
        throw new InputError(
          `alertEmail: ${JSON.stringify(alertEmail)} ${
            email.error.issues[0].message
          }`,
        );
      }
      if (registryToken && !registryUsername) {
        throw new InputError(
          'registryUsername: required with registryToken, as the account the ghcr-pull Secret logs in as',
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      await teams.assertTeamNew(team, credentials);
      const parentName = parent ? TeamDirectory.teamName(parent) : undefined;
      if (parentName) {
        await teams.assertTeamExists(parentName, credentials);
      }
      checkout.assertCloned();
      const tenantPath = posix.join('gitops', tenantFolderPath(team));
      if (existsSync(resolveSafeChildPath(repoDir, tenantPath))) {
        throw new ConflictError(
          `${tenantPath} exists already in the GitOps repository; choose another team name`,
        );
      }

      const written = await writeTenantFolder(
        gitopsDir,
        team,
        alertEmail,
        ageRecipients,
      );
      // The token of the team's Flux Receiver ("Sync now"), random and SOPS-encrypted like every
      // Secret of the team; the Receiver in tenants/base reads it.
      written.push(...(await writeFluxReceiverToken(gitopsDir, team)));
      // A dry run has no secrets (the scaffolder passes none).
      if (registryToken && registryUsername && !ctx.isDryRun) {
        const registry = settings.imageRegistryHost();
        written.push(
          ...(await writeTeamSecret(gitopsDir, team, {
            name: IMAGE_PULL_SECRET,
            type: 'kubernetes.io/dockerconfigjson',
            // The kubelet's credential file format (auths.<registry>.auth is base64 "user:token").
            values: {
              '.dockerconfigjson': JSON.stringify({
                auths: {
                  [registry]: {
                    username: registryUsername,
                    password: registryToken,
                    auth: Buffer.from(
                      `${registryUsername}:${registryToken}`,
                    ).toString('base64'),
                  },
                },
              }),
            },
          })),
        );
      }
      const groupPath = posix.join(GROUPS_FOLDER, `${team}.yaml`);
      const userRef = ctx.user?.ref ? parseEntityRef(ctx.user.ref) : undefined;
      const group: GroupEntity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: team, ...(description && { description }) },
        spec: {
          type: 'team',
          ...(parentName && { parent: parentName }),
          children: [],
          // Whoever onboards the team is its first member, so they can create its functions.
          ...(userRef?.kind.toLocaleLowerCase('en-US') === 'user' && {
            members: [userRef.name],
          }),
        },
      };
      const groupFile = resolveSafeChildPath(repoDir, groupPath);
      await mkdir(dirname(groupFile), { recursive: true });
      await writeFile(
        groupFile,
        `# Team ${team}, onboarded by the team-onboarding template.\n${yaml.stringify(
          group,
        )}`,
      );

      const files = [
        ...[...new Set(written)].map(file => posix.join('gitops', file)),
        groupPath,
      ];
      if (changesDir) {
        await copyChanges(repoDir, changesDir, files);
      }
      ctx.logger.info(`Onboarded team ${team} into ${checkout.path}`);
      ctx.output('tenantPath', tenantPath);
      ctx.output('groupPath', groupPath);
      ctx.output('groupUrl', settings.gitopsRepository().fileUrl(groupPath));
      ctx.output('files', files);
    },
  });
}
