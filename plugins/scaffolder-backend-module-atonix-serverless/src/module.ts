import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAtonixActions } from './actions';

/**
 * Scaffolder actions that turn a template's answers into a function's GitOps manifests.
 *
 * @public
 */
export const scaffolderModuleAtonixServerless = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'atonix-serverless',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(...createAtonixActions());
      },
    });
  },
});
