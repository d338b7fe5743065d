import type { WatchedResource } from '../extensions';

/**
 * What the inventory watches for every runtime: the Flux Kustomizations that applied the
 * functions (their sync state is part of every function's status).
 */
export const FLUX_RESOURCES = {
  kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
  },
} as const satisfies Record<string, WatchedResource>;

/** The cluster-wide list/watch path of a resource. */
export function resourcePath(resource: WatchedResource): string {
  const groupVersion = resource.group
    ? `/apis/${resource.group}/${resource.version}`
    : `/api/${resource.version}`;
  return `${groupVersion}/${resource.plural}`;
}
