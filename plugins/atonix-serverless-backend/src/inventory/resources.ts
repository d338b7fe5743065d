import type { ReadField, WatchedResource } from '../extensions';
import { condition, label, text } from './fields';

/** Flux's labels on every object a Kustomization applied, a Kustomization included. */
const FLUX_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
const FLUX_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';

/** The Flux Kustomization that applied an object (its labels), one shared copy per Kustomization. */
export const appliedBy: ReadField<
  { name: string; namespace: string } | undefined
> = (object, keep) => {
  const name = label(FLUX_NAME_LABEL)(object, keep);
  const namespace = label(FLUX_NAMESPACE_LABEL)(object, keep);
  return name && namespace ? keep.share({ name, namespace }) : undefined;
};

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
    fields: {
      ready: condition('Ready'),
      lastAppliedRevision: text(o => o.status?.lastAppliedRevision),
      lastAttemptedRevision: text(o => o.status?.lastAttemptedRevision),
      lastHandledReconcileAt: text(o => o.status?.lastHandledReconcileAt),
      dependsOn: (
        o,
        keep,
      ): ReadonlyArray<{ name: string; namespace?: string }> =>
        keep.share(
          (o.spec?.dependsOn ?? []).map(
            (d: { name: string; namespace?: string }) => ({
              name: d.name,
              ...(d.namespace ? { namespace: d.namespace } : {}),
            }),
          ),
        ),
      appliedBy,
    },
  },
  receiver: {
    group: 'notification.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'receivers',
    fields: {
      ready: condition('Ready'),
      webhookPath: text(o => o.status?.webhookPath),
      /** The objects a call reconciles (`spec.resources`). */
      resources: (
        o,
        keep,
      ): ReadonlyArray<{ kind?: string; name?: string; namespace?: string }> =>
        keep.share(
          (o.spec?.resources ?? []).map(
            (r: { kind?: string; name?: string; namespace?: string }) => ({
              kind: r.kind,
              name: r.name,
              namespace: r.namespace,
            }),
          ),
        ),
    },
  },
} as const satisfies Record<string, WatchedResource>;

/** The cluster's Flux objects, as every runtime's derivation and the trace read them. */
export type FluxResources = typeof FLUX_RESOURCES;

/** The cluster-wide list/watch path of a resource. */
export function resourcePath(resource: WatchedResource): string {
  const groupVersion = resource.group
    ? `/apis/${resource.group}/${resource.version}`
    : `/api/${resource.version}`;
  return `${groupVersion}/${resource.plural}`;
}
