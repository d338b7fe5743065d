import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { FunctionDirectory } from './FunctionDirectory';
import { FunctionEntityProvider } from './FunctionEntityProvider';
import { GitOpsFunctionProcessor } from './GitOpsFunctionProcessor';

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
        catalogService: catalogServiceRef,
      },
      async init({ catalog, catalogService, config, logger, ...deps }) {
        const directory = new FunctionDirectory();
        catalog.addProcessor(new GitOpsFunctionProcessor(directory));
        const provider = FunctionEntityProvider.fromConfig(config, {
          logger,
          catalog: catalogService,
          directory,
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
