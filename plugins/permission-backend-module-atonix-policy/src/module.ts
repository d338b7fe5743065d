import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { AtonixPermissionPolicy } from './AtonixPermissionPolicy';
import { readPolicySettings } from './PolicySettings';

/**
 * The permission policy of Atonix Serverless, configured under `permission.atonix` (config.d.ts).
 *
 * @public
 */
export const permissionModuleAtonixPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'atonix-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ policy, config }) {
        policy.setPolicy(
          AtonixPermissionPolicy.create(readPolicySettings(config)),
        );
      },
    });
  },
});
