import { InputError } from '@backstage/errors';
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

/** The folders of `gitops/clusters`, one per cluster Flux is bootstrapped on. */
async function clusterNames(gitopsDir: string) {
  const entries = await fs
    .readdir(join(gitopsDir, 'clusters'), { withFileTypes: true })
    .catch(() => []);
  return entries
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();
}

/**
 * The text of `gitops/.sops.yaml` with a creation rule for a new team's Secrets
 * (`functions/<team>/secrets/*.sops.yaml`), encrypted to the public key of each cluster of
 * `gitops/clusters` (`recipientsByCluster`: cluster → `age1…`), so every cluster that syncs the
 * team can decrypt them. Throws, naming the field, when a cluster has no key, a key names no
 * cluster or is not an age X25519 public key, and when the team has a rule already. Writes nothing.
 */
export async function teamCreationRule(
  gitopsDir: string,
  team: string,
  recipientsByCluster: Record<string, string>,
): Promise<string> {
  const clusters = await clusterNames(gitopsDir);
  const given = Object.keys(recipientsByCluster).sort();
  const missing = clusters.filter(cluster => !given.includes(cluster));
  const unknown = given.filter(cluster => !clusters.includes(cluster));
  if (missing.length > 0 || unknown.length > 0 || given.length === 0) {
    throw new InputError(
      `ageRecipients: give one age public key per cluster of gitops/clusters (${
        clusters.join(', ') || 'none found'
      })${missing.length ? `; missing: ${missing.join(', ')}` : ''}${
        unknown.length ? `; not a cluster: ${unknown.join(', ')}` : ''
      }`,
    );
  }
  for (const cluster of given) {
    const recipient = recipientsByCluster[cluster].trim();
    const problem = await ageRecipientProblem(recipient);
    if (problem) {
      throw new InputError(
        `ageRecipients.${cluster}: ${JSON.stringify(recipient)} ${problem}`,
      );
    }
  }
  const samplePath = teamSecretPath(team, 'any');
  return addCreationRule(
    await readIfExists(join(gitopsDir, SOPS_CONFIG_FILE)),
    {
      pathRegex: `(^|/)${posix.dirname(samplePath)}/[^/]+\\.sops\\.yaml$`,
      age: clusters.map(cluster => recipientsByCluster[cluster].trim()),
      samplePath,
    },
    `gitops/${SOPS_CONFIG_FILE}`,
  );
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
