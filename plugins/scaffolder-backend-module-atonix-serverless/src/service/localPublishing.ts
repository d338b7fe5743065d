import { InputError } from '@backstage/errors';
import { PublishSettings } from '@internal/backstage-plugin-atonix-serverless-node';

/** Who commits what the actions push to the local git server. */
export const SCAFFOLDER_GIT_AUTHOR = {
  name: 'Atonix scaffolder',
  email: 'scaffolder@atonix.invalid',
};

/**
 * Fails unless the portal publishes to the local git server (`atonix.scaffolder.publishTarget:
 * local`): `action` does what only the local portal may, `instead` says what a template does in
 * production.
 */
export function assertLocalPublishing(
  settings: PublishSettings,
  action: string,
  instead: string,
) {
  if (settings.target !== 'local') {
    throw new InputError(
      `${action}, which only the local portal does (atonix.scaffolder.publishTarget is "${settings.target}"); ${instead}`,
    );
  }
}
