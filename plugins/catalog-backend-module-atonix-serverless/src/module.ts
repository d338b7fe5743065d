import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { FunctionEntityProvider } from './FunctionEntityProvider';
import { GitOpsErrorProcessor } from './GitOpsErrorProcessor';

/**
 * Registers functions and teams from the GitOps repository in the catalog (`atonix.catalog`).
 *
 * @public
 */
export const catalogModuleAtonixServerless = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'atonix-serverless',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        reader: coreServices.urlReader,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ catalog, config, logger, ...deps }) {
        catalog.addProcessor(new GitOpsErrorProcessor());
        const provider = FunctionEntityProvider.fromConfig(config, {
          logger,
          ...deps,
        });
        if (!provider) {
          logger.info(
            'atonix.catalog is not configured: no functions or teams are read from a GitOps repository',
          );
          return;
        }
        catalog.addEntityProvider(provider);
      },
    });
  },
});
