import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { FunctionEntityProvider } from './FunctionEntityProvider';

/**
 * Registers functions and teams from the GitOps repository in the catalog.
 *
 * @public
 */
export const catalogModuleAtonixServerless = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'atonix-serverless',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addEntityProvider(new FunctionEntityProvider());
      },
    });
  },
});
