import { randomBytes } from 'node:crypto';
import { writeTeamSecret } from './writeTeamSecret';

/**
 * The Secret a team's Flux `Receiver` (gitops/tenants/base/receiver.yaml, `spec.secretRef`) reads
 * its token from, and the key: notification-controller api v1.9.4, v1/receiver_types.go:92-101
 * ("a Secret with a `token` key"). It lives with the team's other Secrets, SOPS-encrypted in
 * `functions/<team>/secrets/`, so the team's own Kustomization decrypts and applies it into the
 * Receiver's namespace.
 */
export const FLUX_RECEIVER_TOKEN_SECRET = 'flux-receiver-token';
export const FLUX_RECEIVER_TOKEN_KEY = 'token';

/**
 * Writes a new random token for `team`'s Flux Receiver, SOPS-encrypted to the team's recipients
 * (`writeTeamSecret`), replacing the one there (rotation). The receiver's webhook path is derived
 * from it (`/hook/sha256(token+name+namespace)`), which the portal reads from the Receiver's status,
 * so nobody needs the token itself. Returns the paths written, relative to `gitopsDir`.
 */
export async function writeFluxReceiverToken(
  gitopsDir: string,
  team: string,
): Promise<string[]> {
  return writeTeamSecret(gitopsDir, team, {
    name: FLUX_RECEIVER_TOKEN_SECRET,
    values: { [FLUX_RECEIVER_TOKEN_KEY]: randomBytes(32).toString('hex') },
  });
}
