import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAtonixActions } from './actions';
import {
  ClusterRuntimes,
  PublishSettings,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { FunctionPermissions } from './service/FunctionPermissions';
import { TeamDirectory } from './service/TeamDirectory';

/**
 * Scaffolder actions that turn a template's answers into a function's GitOps manifests, and publish
 * them locally or to GitHub as `atonix.scaffolder` config says.
 *
 * @public
 */
export const scaffolderModuleAtonixServerless = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'atonix-serverless',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({
        scaffolder,
        config,
        catalog,
        userInfo,
        permissions,
        auth,
        logger,
      }) {
        const settings = PublishSettings.fromConfig(config);
        const teams = TeamDirectory.create({
          catalog,
          userInfo,
          restrictToOwnTeams: settings.restrictToOwnTeams,
        });
        scaffolder.addActions(
          ...createAtonixActions({
            settings,
            teams,
            functionPermissions: FunctionPermissions.create({
              permissions,
              catalog,
              auth,
            }),
            clusterRuntimes: ClusterRuntimes.fromConfig(config),
            logger,
          }),
        );
      },
    });
  },
});
