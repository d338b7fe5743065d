import type { WatchedResource } from '../extensions';

/**
 * What the inventory watches for every runtime: the Flux Kustomizations that applied the
 * functions (their sync state is part of every function's status, their dependencies the trace's),
 * and the Receivers "Sync now" calls (their `status.webhookPath`).
 */
export const FLUX_RESOURCES = {
  kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    // Not `status.inventory` (every object it applied): whether it is ready, at which revision,
    // what it waits for (the trace's dependency chain) and when it last handled "Sync now".
    reads: {
      spec: ['dependsOn'],
      status: [
        'conditions',
        'lastAppliedRevision',
        'lastAttemptedRevision',
        'lastHandledReconcileAt',
      ],
      conditions: ['Ready'],
    },
  },
  receiver: {
    group: 'notification.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'receivers',
  },
} as const satisfies Record<string, WatchedResource>;

/** The cluster-wide list/watch path of a resource. */
export function resourcePath(resource: WatchedResource): string {
  const groupVersion = resource.group
    ? `/apis/${resource.group}/${resource.version}`
    : `/api/${resource.version}`;
  return `${groupVersion}/${resource.plural}`;
}
