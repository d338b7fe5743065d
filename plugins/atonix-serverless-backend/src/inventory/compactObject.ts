import type { KubeObject, WatchedResource } from '../extensions';

/** kubectl's copy of the whole applied object, which nothing here reads. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What the inventory keeps of a watched object: the metadata it reads (name, namespace, labels,
 * annotations but kubectl's last-applied copy, creation time) and what the informer needs
 * (`resourceVersion`, `uid`); of `spec` and `status` only the fields the resource's runtime `reads`;
 * of each condition its type, status, reason and message. `managedFields` alone is often half of an
 * object the API server sends.
 */
export function compactObject(
  object: KubeObject,
  reads: WatchedResource['reads'],
): KubeObject {
  const metadata = object.metadata ?? {};
  const { [LAST_APPLIED]: _lastApplied, ...annotations } =
    metadata.annotations ?? {};
  const compact: KubeObject = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      creationTimestamp: metadata.creationTimestamp,
      ...(metadata.labels ? { labels: metadata.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  };
  const spec = pick(object.spec, reads?.spec);
  const status = pick(object.status, reads?.status);
  if (spec !== undefined) compact.spec = spec;
  if (status !== undefined) {
    compact.status = Array.isArray(status.conditions)
      ? { ...status, conditions: status.conditions.map(slimCondition) }
      : status;
  }
  return compact;
}

function pick(
  value: Record<string, unknown> | undefined,
  fields: readonly string[] | undefined,
): Record<string, any> | undefined {
  if (value === undefined || fields === undefined) {
    return value;
  }
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (value[field] !== undefined) picked[field] = value[field];
  }
  return picked;
}

function slimCondition(condition: Record<string, unknown>) {
  const { type, status, reason, message } = condition;
  return {
    type,
    status,
    ...(reason !== undefined ? { reason } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}
