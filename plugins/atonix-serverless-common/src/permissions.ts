import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** The resource type of a function in permission rules and conditions. */
export const FUNCTION_RESOURCE_TYPE = 'atonix-function';

/**
 * Every permission below is a resource permission on one function, so a policy can narrow it to
 * the functions of the user's own teams (rule `IS_FUNCTION_OWNER`).
 */
type FunctionPermission = ResourcePermission<typeof FUNCTION_RESOURCE_TYPE>;

/**
 * See a function's status: health, replicas, URL, triggers (the Functions page, the entity card and
 * tab header). Service-catalog information.
 */
export const functionReadPermission: FunctionPermission = createPermission({
  name: 'atonix.function.read',
  attributes: { action: 'read' },
  resourceType: FUNCTION_RESOURCE_TYPE,
});

/** Read a function's logs (Loki). */
export const functionLogsReadPermission: FunctionPermission = createPermission({
  name: 'atonix.function.logs.read',
  attributes: { action: 'read' },
  resourceType: FUNCTION_RESOURCE_TYPE,
});

/** Read a function's metrics: request rate, errors, latency, replicas, cold starts (Prometheus). */
export const functionMetricsReadPermission: FunctionPermission =
  createPermission({
    name: 'atonix.function.metrics.read',
    attributes: { action: 'read' },
    resourceType: FUNCTION_RESOURCE_TYPE,
  });

/**
 * Read a function's details: image, environment variables (secrets only as references) and
 * revisions.
 */
export const functionEnvironmentReadPermission: FunctionPermission =
  createPermission({
    name: 'atonix.function.environment.read',
    attributes: { action: 'read' },
    resourceType: FUNCTION_RESOURCE_TYPE,
  });

/** Send a test request to a function from the portal (no route yet: defined for the policy). */
export const functionInvokePermission: FunctionPermission = createPermission({
  name: 'atonix.function.invoke',
  attributes: { action: 'update' },
  resourceType: FUNCTION_RESOURCE_TYPE,
});

/** Add or replace a function's secret, SOPS-encrypted into GitOps (no route yet). */
export const functionSecretWritePermission: FunctionPermission =
  createPermission({
    name: 'atonix.function.secret.write',
    attributes: { action: 'update' },
    resourceType: FUNCTION_RESOURCE_TYPE,
  });

/** Change how traffic is split between a function's revisions, through GitOps (no route yet). */
export const functionTrafficUpdatePermission: FunctionPermission =
  createPermission({
    name: 'atonix.function.traffic.update',
    attributes: { action: 'update' },
    resourceType: FUNCTION_RESOURCE_TYPE,
  });

/** Ask Flux to reconcile a function's Kustomization now (no route yet). */
export const functionSyncPermission: FunctionPermission = createPermission({
  name: 'atonix.function.sync',
  attributes: { action: 'update' },
  resourceType: FUNCTION_RESOURCE_TYPE,
});

/** Every permission this plugin defines, for the permission integration router. */
export const atonixServerlessPermissions = [
  functionReadPermission,
  functionLogsReadPermission,
  functionMetricsReadPermission,
  functionEnvironmentReadPermission,
  functionInvokePermission,
  functionSecretWritePermission,
  functionTrafficUpdatePermission,
  functionSyncPermission,
];
