import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { authProvidersExtensionPoint } from '@backstage/plugin-auth-node';
import {
  developmentProviderFactory,
  isDevelopmentSignInEnabled,
} from './developmentProvider';

/**
 * The `development` auth provider: sign in as any catalog User, in development only
 * (config.d.ts). Outside development nothing is registered, so `/api/auth/development` is absent.
 *
 * @public
 */
export const authModuleAtonixDevelopmentProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'atonix-development-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        if (!isDevelopmentSignInEnabled(config)) {
          return;
        }
        logger.warn(
          'Development sign-in is on: anyone who reaches this backend can sign in as any catalog User',
        );
        providers.registerProvider({
          providerId: 'development',
          factory: developmentProviderFactory,
        });
      },
    });
  },
});
