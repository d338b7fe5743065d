import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of a function in permission rules and conditions. */
export const FUNCTION_RESOURCE_TYPE = 'atonix-function';

/**
 * Read a function's status, metrics and logs. A resource permission, so a policy can narrow it to
 * the functions of the user's own teams.
 */
export const functionReadPermission = createPermission({
  name: 'atonix.function.read',
  attributes: { action: 'read' },
  resourceType: FUNCTION_RESOURCE_TYPE,
});

/** Every permission this plugin defines, for the permission integration router. */
export const atonixServerlessPermissions = [functionReadPermission];
