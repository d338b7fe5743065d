import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { atonixServerlessPermissions } from '@internal/backstage-plugin-atonix-serverless-common';
import { createRouter } from './router';

/**
 * The Atonix Serverless backend: function inventory, metrics and logs under
 * `/api/atonix-serverless`. This file only wires services together; the work lives in the services.
 *
 * @public
 */
export const atonixServerlessPlugin = createBackendPlugin({
  pluginId: 'atonix-serverless',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ httpAuth, httpRouter, permissionsRegistry }) {
        permissionsRegistry.addPermissions(atonixServerlessPermissions);
        httpRouter.use(await createRouter({ httpAuth }));
      },
    });
  },
});
