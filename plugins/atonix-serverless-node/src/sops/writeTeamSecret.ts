import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, posix } from 'node:path';
import {
  addKustomizationResource,
  addToTeamKustomization,
} from '../render/functionFolder';
import { FUNCTIONS_FOLDER } from '../render/names';
import { PlainSecret, encryptSecret } from './encryptSecret';
import {
  SOPS_CONFIG_FILE,
  addCreationRule,
  ageRecipientProblem,
  creationRuleFor,
  readSopsConfig,
} from './sopsConfig';

/**
 * The folder of a team's SOPS-encrypted Secrets, relative to `gitops/`. Secrets are per namespace,
 * so per team: two functions of a team that read the same Secret share one file. The name
 * `secrets` cannot be a function's (it is reserved in the function spec).
 */
export const TEAM_SECRETS_FOLDER = 'secrets';

/** Where a team's Secret is written: `functions/<team>/secrets/<name>.sops.yaml`. */
export function teamSecretPath(team: string, name: string) {
  return posix.join(
    FUNCTIONS_FOLDER,
    team,
    TEAM_SECRETS_FOLDER,
    `${name}.sops.yaml`,
  );
}

/**
 * The text of `gitops/.sops.yaml` with a creation rule for a new team's Secrets
 * (`functions/<team>/secrets/*.sops.yaml`), encrypted to its clusters' public keys, keyed by
 * cluster. Throws, naming the cluster, when a key is not an age X25519 public key, and when the team
 * has a rule already. Writes nothing: the caller writes it with the team's other files.
 */
export async function teamCreationRule(
  gitopsDir: string,
  team: string,
  recipientsByCluster: Record<string, string>,
): Promise<{ path: string; text: string }> {
  for (const [cluster, recipient] of Object.entries(recipientsByCluster)) {
    const problem = await ageRecipientProblem(recipient.trim());
    if (problem) {
      throw new Error(
        `ageRecipients.${cluster}: ${JSON.stringify(recipient)} ${problem}`,
      );
    }
  }
  const file = join(gitopsDir, SOPS_CONFIG_FILE);
  const secretsFolder = posix.dirname(teamSecretPath(team, 'any'));
  return {
    path: SOPS_CONFIG_FILE,
    text: addCreationRule(
      await readIfExists(file),
      {
        pathRegex: `(^|/)${secretsFolder}/[^/]+\\.sops\\.yaml$`,
        age: Object.values(recipientsByCluster).map(r => r.trim()),
        samplePath: teamSecretPath(team, 'any'),
      },
      `gitops/${SOPS_CONFIG_FILE}`,
    ),
  };
}

/** The error for a path `.sops.yaml` has no recipients for: the platform team must add them. */
export class NoSopsRecipientsError extends Error {
  constructor(path: string) {
    super(
      `gitops/${SOPS_CONFIG_FILE} has no creation rule with age recipients for ${path}; the platform team adds the team's public keys there (gitops/README.md, "Secrets")`,
    );
    this.name = 'NoSopsRecipientsError';
  }
}

/** The age recipients `.sops.yaml` names for a path of the `gitops/` folder. */
export async function sopsRecipientsFor(gitopsDir: string, path: string) {
  const config = await readSopsConfig(gitopsDir);
  const rule = config && creationRuleFor(config, path);
  if (!rule || rule.age.length === 0) {
    throw new NoSopsRecipientsError(path);
  }
  return rule.age;
}

async function readIfExists(path: string) {
  return fs.readFile(path, 'utf8').catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
}

/**
 * Encrypts a Secret of `team` to the recipients `.sops.yaml` names for its path and writes it to
 * `functions/<team>/secrets/<name>.sops.yaml` under `gitopsDir`, listed in that folder's
 * kustomization and the folder in the team's. Replaces a Secret of the same name (rotation).
 * Every file is written beside its target and renamed into place, so nothing is half-written.
 * Returns the paths written, relative to `gitopsDir`. The plaintext values go nowhere but into
 * the encryption: not into an error, not into a log.
 */
export async function writeTeamSecret(
  gitopsDir: string,
  team: string,
  secret: Omit<PlainSecret, 'namespace'>,
): Promise<string[]> {
  const path = teamSecretPath(team, secret.name);
  const recipients = await sopsRecipientsFor(gitopsDir, path);
  const encrypted = await encryptSecret(
    {
      ...secret,
      namespace: team,
      labels: { 'atonix.io/team': team, ...secret.labels },
    },
    { age: recipients },
  );
  const folderKustomization = posix.join(dirname(path), 'kustomization.yaml');
  const teamKustomization = posix.join(
    FUNCTIONS_FOLDER,
    team,
    'kustomization.yaml',
  );
  const files: Array<[string, string]> = [
    [path, encrypted],
    [
      folderKustomization,
      addKustomizationResource(
        await readIfExists(join(gitopsDir, folderKustomization)),
        posix.basename(path),
        {
          file: folderKustomization,
          header:
            ' The SOPS-encrypted Secrets of this team, decrypted by its Flux Kustomization (spec.decryption).',
        },
      ),
    ],
    [
      teamKustomization,
      addToTeamKustomization(
        await readIfExists(join(gitopsDir, teamKustomization)),
        TEAM_SECRETS_FOLDER,
      ),
    ],
  ];
  await fs.mkdir(join(gitopsDir, dirname(path)), { recursive: true });
  const suffix = `.tmp-${randomBytes(4).toString('hex')}`;
  try {
    for (const [file, content] of files) {
      await fs.writeFile(join(gitopsDir, file + suffix), content);
    }
    for (const [file] of files) {
      await fs.rename(join(gitopsDir, file + suffix), join(gitopsDir, file));
    }
  } finally {
    for (const [file] of files) {
      await fs.rm(join(gitopsDir, file + suffix), { force: true });
    }
  }
  return files.map(([file]) => file);
}
