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

function functionPermission(
  name: string,
  action: 'read' | 'update',
): FunctionPermission {
  return createPermission({
    name,
    attributes: { action },
    resourceType: FUNCTION_RESOURCE_TYPE,
  });
}

/**
 * See a function's status: health, replicas, URL, triggers (the Functions page, the entity card and
 * tab header). Service-catalog information.
 */
export const functionReadPermission = functionPermission(
  'atonix.function.read',
  'read',
);

/** Read a function's logs (Loki). */
export const functionLogsReadPermission = functionPermission(
  'atonix.function.logs.read',
  'read',
);

/** Read a function's metrics: request rate, errors, latency, replicas, cold starts (Prometheus). */
export const functionMetricsReadPermission = functionPermission(
  'atonix.function.metrics.read',
  'read',
);

/**
 * Read a function's details: image, environment variables (secrets only as references) and
 * revisions.
 */
export const functionEnvironmentReadPermission = functionPermission(
  'atonix.function.environment.read',
  'read',
);

/** Send a test request or CloudEvent to a function from the portal, and list its saved test events. */
export const functionInvokePermission = functionPermission(
  'atonix.function.invoke',
  'update',
);

/** Add or replace a function's secret, SOPS-encrypted into GitOps (no route yet). */
export const functionSecretWritePermission = functionPermission(
  'atonix.function.secret.write',
  'update',
);

/** Change how traffic is split between a function's revisions, through a GitOps commit. */
export const functionTrafficUpdatePermission = functionPermission(
  'atonix.function.traffic.update',
  'update',
);

/** Ask Flux to reconcile a function's Kustomization now, through its team's Receiver webhook. */
export const functionSyncPermission = functionPermission(
  'atonix.function.sync',
  'update',
);

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
