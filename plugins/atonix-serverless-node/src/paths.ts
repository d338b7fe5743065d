import { posix } from 'node:path';

/** Where Flux finds a team's functions, relative to the GitOps repository root. */
export const GITOPS_FUNCTIONS_ROOT = 'gitops/functions';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The folder of one function in the GitOps repository. Team and function names become namespace and
 * object names, so both must be DNS-1123 labels; checking here also keeps any `..` or `/` from
 * turning a name into a path outside the functions tree.
 */
export function functionFolder(team: string, name: string): string {
  for (const [field, value] of [
    ['team', team],
    ['name', name],
  ] as const) {
    if (value.length > 63 || !DNS_1123_LABEL.test(value)) {
      throw new Error(
        `${field} "${value}" is not a valid Kubernetes name: use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
      );
    }
  }
  return posix.join(GITOPS_FUNCTIONS_ROOT, team, name);
}
