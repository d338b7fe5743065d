import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { scaffolderServiceRef } from '@backstage/plugin-scaffolder-node';
import { atonixServerlessPermissions } from '@internal/backstage-plugin-atonix-serverless-common';
import {
  ClusterRuntimes,
  PublishSettings,
  TrafficPullRequests,
  functionPermissionRules,
  functionResourceRef,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { FunctionAlerts } from './alertmanager/FunctionAlerts';
import { notifyOwners } from './alertmanager/notifyOwners';
import { readAtonixClusters } from './clusters';
import {
  FunctionRuntimeModule,
  atonixServerlessRuntimesExtensionPoint,
} from './extensions';
import { FunctionInventory } from './inventory/FunctionInventory';
import { FleetMetrics } from './prometheus/FleetMetrics';
import {
  ConditionalDecisions,
  DEFAULT_DECISION_FRESHNESS_MS,
} from './ConditionalDecisions';
import { createRouter, ROUTER_PATHS } from './router';
import { GitopsTraffic } from './traffic/GitopsTraffic';
import { BUILT_IN_RUNTIMES } from './runtimes';
import { RuntimeRegistry } from './runtimes/RuntimeRegistry';
import {
  fleetMetricsRefreshMs,
  lokiLogsServiceRef,
  prometheusMetricsServiceRef,
  readDayTwoConfig,
  readAlertsConfig,
  readInventoryConfig,
} from './services';
import { queryTimeoutMs } from './upstream';

/**
 * The Atonix Serverless backend: function inventory, metrics, alerts and logs under
 * `/api/atonix-serverless`. This file only wires services together; the work lives in the services.
 * Runtimes beyond the built-in Knative and OpenFaaS come through
 * {@link atonixServerlessRuntimesExtensionPoint}.
 *
 * @public
 */
export const atonixServerlessPlugin = createBackendPlugin({
  pluginId: 'atonix-serverless',
  register(env) {
    const added: FunctionRuntimeModule[] = [];
    env.registerExtensionPoint(atonixServerlessRuntimesExtensionPoint, {
      addRuntime: runtime => {
        added.push(runtime);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        lifecycle: coreServices.lifecycle,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        userInfo: coreServices.userInfo,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        urlReader: coreServices.urlReader,
        events: eventsServiceRef,
        scaffolder: scaffolderServiceRef,
        metrics: prometheusMetricsServiceRef,
        logs: lokiLogsServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        auth,
        lifecycle,
        httpAuth,
        httpRouter,
        permissions,
        userInfo,
        permissionsRegistry,
        catalog,
        events,
        scaffolder,
        metrics,
        logs,
        urlReader,
        notifications,
      }) {
        // A module's runtime replaces the built-in one of the same id (two modules with one id
        // are refused by the registry).
        const runtimes = [
          ...BUILT_IN_RUNTIMES.filter(
            builtIn => !added.some(a => a.runtime === builtIn.runtime),
          ),
          ...added,
        ];
        const registry = RuntimeRegistry.create(runtimes);
        const clusters = readAtonixClusters(config, logger);
        const inventory = await FunctionInventory.create({
          clusters,
          logger,
          runtimes,
          catalog,
          auth,
          events,
          ...readInventoryConfig(config),
        });
        lifecycle.addShutdownHook(() => inventory.stop());
        const fleetMetrics = FleetMetrics.create({
          clusters,
          metrics,
          logger,
          runtimes,
        });
        fleetMetrics.start(fleetMetricsRefreshMs(config));
        lifecycle.addShutdownHook(() => fleetMetrics.stop());

        const alertsConfig = readAlertsConfig(config);
        const alerts = FunctionAlerts.create({
          clusters,
          logger,
          timeoutMs: queryTimeoutMs(config),
          resolvedRetentionMs: alertsConfig.resolvedRetentionMs,
          onTransition: notifyOwners({
            functionOf: (cluster, namespace, name) =>
              inventory.get(cluster, namespace, name),
            notifications,
            logger,
          }),
        });
        alerts.start(alertsConfig.refreshMs);
        lifecycle.addShutdownHook(() => alerts.stop());

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
        // Where templates publish: traffic changes read that GitOps repository, and the trace links
        // function repositories' commits there.
        const publishSettings = config.has('atonix.scaffolder')
          ? PublishSettings.fromConfig(config)
          : undefined;
        for (const path of ROUTER_PATHS) {
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
        httpRouter.use(
          await createRouter({
            httpAuth,
            decisions: ConditionalDecisions.create({
              permissions,
              userInfo,
              freshnessMs:
                (config.getOptionalNumber('atonix.permissionDecisionSeconds') ??
                  DEFAULT_DECISION_FRESHNESS_MS / 1000) * 1000,
            }),
            functionRules:
              permissionsRegistry.getPermissionRuleset(functionResourceRef),
            inventory,
            runtimes: registry,
            metrics,
            fleetMetrics,
            alerts,
            logs,
            catalog,
            ...readDayTwoConfig(config, urlReader),
            scaffolder,
            clusterRuntimes: ClusterRuntimes.fromConfig(config),
            publishSettings,
            traffic: publishSettings
              ? GitopsTraffic.create({
                  settings: publishSettings,
                  logger,
                  pullRequests: TrafficPullRequests.fromConfig(config, {
                    settings: publishSettings,
                  }),
                })
              : undefined,
          }),
        );
      },
    });
  },
});
