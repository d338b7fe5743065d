import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import {
  AtonixPermissionPolicy,
  readPolicySettings,
} from '@internal/backstage-plugin-permission-backend-module-atonix-policy';
import { FunctionPermissions } from '../service/FunctionPermissions';

/**
 * The catalog entity of the charge-card fixture (functionFolder.ts), as the catalog module writes
 * it from the GitOps folder: owned by payments, linked by its kubernetes-id and its team namespace.
 */
export const CHARGE_CARD_ENTITY = functionEntity(
  'charge-card',
  'group:default/payments',
  { 'backstage.io/kubernetes-namespace': 'payments' },
);

/**
 * `FunctionPermissions` as the portal decides: the real Atonix permission policy, configured with
 * `permission.atonix` = `atonix` (default: app-config.yaml's defaults, platform team
 * group:default/platform), answers for a user who is a member of `groups`, as the permission
 * backend asks it with the user's claims at sign-in; the catalog holds `entities` (default: the
 * charge-card fixture's entity).
 */
export function functionPermissionsFor(
  groups: string[],
  options: { atonix?: object; entities?: Entity[] } = {},
): FunctionPermissions {
  const userEntityRef = 'user:default/mock';
  const policy = AtonixPermissionPolicy.create(
    readPolicySettings(
      new ConfigReader({ permission: { atonix: options.atonix ?? {} } }),
    ),
  );
  const user = {
    credentials: mockCredentials.user(userEntityRef),
    info: {
      userEntityRef,
      ownershipEntityRefs: [
        userEntityRef,
        ...groups.map(group => `group:default/${group}`),
      ],
    },
  };
  return FunctionPermissions.create({
    permissions: mockServices.permissions.mock({
      authorizeConditional: async requests =>
        Promise.all(
          requests.map(({ permission }) => policy.handle({ permission }, user)),
        ),
    }),
    catalog: catalogServiceMock({
      entities: options.entities ?? [CHARGE_CARD_ENTITY],
    }),
    auth: mockServices.auth(),
  });
}
