import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';

/** The request header that names the User to sign in as (set by the portal's sign-in picker). */
export const SIGN_IN_AS_HEADER = 'x-atonix-sign-in-as';

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
      `Development sign-in needs the ${SIGN_IN_AS_HEADER} header: the User to sign in as, e.g. user:default/ada`,
    );
  }
  const ref = parseEntityRef(value, {
    defaultKind: 'user',
    defaultNamespace: 'default',
  });
  if (ref.kind.toLocaleLowerCase('en-US') !== 'user') {
    throw new InputError(
      `Development sign-in is for Users; ${SIGN_IN_AS_HEADER} names a ${ref.kind} (${value})`,
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
      result: { userEntityRef: requestedUser(req.get(SIGN_IN_AS_HEADER)) },
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
