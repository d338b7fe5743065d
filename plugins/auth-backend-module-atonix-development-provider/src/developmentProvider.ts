import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';
import { DEVELOPMENT_SIGN_IN_HEADER } from '@internal/backstage-plugin-atonix-serverless-common';

/**
 * Whether development sign-in may run: switched on in `auth.providers.development.enabled`, an
 * `auth.environment` of `development` (the auth backend's default) and a development process, as
 * Backstage's guest provider also demands. Every condition is needed, so one production setting
 * (app-config.production.yaml sets `auth.environment: production` and `enabled: false`) is enough
 * to keep it off.
 */
export function isDevelopmentSignInEnabled(
  config: Config,
  nodeEnv = process.env.NODE_ENV,
): boolean {
  return (
    config.getOptionalBoolean('auth.providers.development.enabled') === true &&
    (config.getOptionalString('auth.environment') ?? 'development') ===
      'development' &&
    nodeEnv === 'development'
  );
}

/** The User entity ref a request asks for: `ada`, `user:ada` or `user:default/ada`. */
export function requestedUser(value: string | undefined): string {
  if (!value) {
    throw new InputError(
      `Development sign-in needs the ${DEVELOPMENT_SIGN_IN_HEADER} header: the User to sign in as, e.g. user:default/ada`,
    );
  }
  const ref = parseEntityRef(value, {
    defaultKind: 'user',
    defaultNamespace: 'default',
  });
  if (ref.kind.toLocaleLowerCase('en-US') !== 'user') {
    throw new InputError(
      `Development sign-in is for Users; ${DEVELOPMENT_SIGN_IN_HEADER} names a ${ref.kind} (${value})`,
    );
  }
  return stringifyEntityRef(ref);
}

const authenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { userEntityRef: string }) => ({
    profile: { displayName: parseEntityRef(result.userEntityRef).name },
  }),
  initialize: () => undefined,
  async authenticate({ req }) {
    return {
      result: {
        userEntityRef: requestedUser(req.get(DEVELOPMENT_SIGN_IN_HEADER)),
      },
    };
  },
});

/**
 * Signs in as the User the request names, with the ownership Backstage derives from the catalog
 * (the User and the Groups it is a member of), exactly as a real sign-in with a catalog user.
 */
export const developmentProviderFactory = createProxyAuthProviderFactory({
  authenticator,
  signInResolver: async ({ result }, ctx) =>
    ctx.signInWithCatalogUser({ entityRef: result.userEntityRef }),
});
