import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { atonixServerlessPermissions } from '@internal/backstage-plugin-atonix-serverless-common';
import {
  functionPermissionRules,
  functionResourceRef,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { functionInventoryServiceRef } from './inventory/FunctionInventory';
import { lokiLogsServiceRef } from './loki/LokiLogs';
import { fleetMetricsServiceRef } from './prometheus/FleetMetrics';
import { prometheusMetricsServiceRef } from './prometheus/PrometheusMetrics';
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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        inventory: functionInventoryServiceRef,
        metrics: prometheusMetricsServiceRef,
        fleetMetrics: fleetMetricsServiceRef,
        logs: lokiLogsServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
        inventory,
        metrics,
        fleetMetrics,
        logs,
      }) {
        permissionsRegistry.addResourceType({
          resourceRef: functionResourceRef,
          permissions: atonixServerlessPermissions,
          rules: Object.values(functionPermissionRules),
          getResources: async ids =>
            ids.map(id => {
              const [cluster, namespace, name] = id.split('/');
              return inventory.get(cluster, namespace, name);
            }),
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            functionRules:
              permissionsRegistry.getPermissionRuleset(functionResourceRef),
            inventory,
            metrics,
            fleetMetrics,
            logs,
            catalog,
          }),
        );
      },
    });
  },
});
