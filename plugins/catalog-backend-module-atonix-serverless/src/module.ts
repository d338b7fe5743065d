import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { FunctionDirectory } from './FunctionDirectory';
import { CONFIG_ROOT, FunctionEntityProvider } from './FunctionEntityProvider';
import { GitOpsFunctionProcessor } from './GitOpsFunctionProcessor';

/**
 * Registers functions and teams from the GitOps repository in the catalog, one provider per
 * instance under `catalog.providers.atonixServerless`.
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
        events: eventsServiceRef,
      },
      async init({ catalog, catalogService, config, logger, ...deps }) {
        const directories: FunctionDirectory[] = [];
        const providers = FunctionEntityProvider.fromConfig(config, {
          logger,
          catalog: catalogService,
          directory: () => {
            const directory = new FunctionDirectory();
            directories.push(directory);
            return directory;
          },
          ...deps,
        });
        if (!providers.length) {
          logger.info(
            `${CONFIG_ROOT} is not configured: no functions or teams are read from a GitOps repository`,
          );
          return;
        }
        catalog.addProcessor(new GitOpsFunctionProcessor(directories));
        catalog.addEntityProvider(providers);
      },
    });
  },
});
