import {
  ANNOTATION_COLD_START_OBJECTIVE,
  ANNOTATION_CRITICAL,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_TEAM,
  FunctionEnvVar,
  FunctionFluxStatus,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { looksLikeSecret } from '@internal/backstage-plugin-atonix-serverless-node';
import type {
  CachedObject,
  ClusterObjects,
  ReadFields,
  WatchedResource,
} from '../extensions';
import { FluxResources, appliedBy } from '../inventory/resources';

// What every runtime reads the same way of its function objects: the platform's labels, the Flux
// Kustomization that applied it, the environment without secrets.

/**
 * The fields every runtime's function kind declares (spread into its `fields`): whose it is, its
 * catalog id, whether it is critical, its cold-start objective, the Kustomization that applied it.
 */
export const FUNCTION_OBJECT_FIELDS = {
  team: (o, keep) =>
    keep.intern(
      String(
        o.metadata?.labels?.[ANNOTATION_TEAM] ?? o.metadata?.namespace ?? '',
      ),
    ),
  /** The catalog's `backstage.io/kubernetes-id` of a function: its label, else its name. */
  kubernetesId: (o, keep) =>
    keep.intern(
      String(
        o.metadata?.labels?.[ANNOTATION_KUBERNETES_ID] ??
          o.metadata?.name ??
          '',
      ),
    ),
  critical: o =>
    o.metadata?.labels?.[ANNOTATION_CRITICAL] === 'true' ||
    o.metadata?.annotations?.[ANNOTATION_CRITICAL] === 'true',
  /** The spec's cold-start objective the renderer put on the function object; absent unless valid. */
  coldStartObjectiveMs: o => {
    const ms = Number(
      o.metadata?.annotations?.[ANNOTATION_COLD_START_OBJECTIVE],
    );
    return Number.isInteger(ms) && ms > 0 ? ms : undefined;
  },
  appliedBy,
} as const satisfies ReadFields;

/** A cluster's objects as a runtime reads them: its own resources' records and Flux's. */
export type RuntimeObjects<
  R extends Readonly<Record<string, WatchedResource>>,
> = ClusterObjects<R & FluxResources>;

/** A function object as the cache keeps it, of any runtime. */
export type FunctionObject = CachedObject<typeof FUNCTION_OBJECT_FIELDS>;

function fluxStatus(
  objects: ClusterObjects<FluxResources>,
  object: FunctionObject,
): FunctionFluxStatus | undefined {
  if (!object.appliedBy) {
    return undefined;
  }
  const { name, namespace } = object.appliedBy;
  const kustomization = objects.get('kustomization', namespace, name);
  const ready = kustomization?.ready;
  return {
    kustomization: name,
    namespace,
    ready: ready?.status ?? 'Unknown',
    ...(kustomization?.lastAppliedRevision
      ? { revision: kustomization.lastAppliedRevision }
      : {}),
    ...(ready?.message ? { message: ready.message } : {}),
  };
}

/**
 * What every runtime's status says the same way of its function object: where it runs, whose it
 * is, whether it is critical, and the Flux Kustomization that applied it.
 */
export function commonStatus(
  objects: ClusterObjects<FluxResources>,
  object: FunctionObject,
) {
  return {
    namespace: object.namespace,
    team: object.team,
    name: object.name,
    critical: object.critical,
    ...(object.coldStartObjectiveMs !== undefined
      ? { coldStartObjectiveMs: object.coldStartObjectiveMs }
      : {}),
    flux: fluxStatus(objects, object),
  };
}

/**
 * Environment variables without secrets: values from Secrets are references only, literal values
 * the platform's secret rule flags are replaced by `redacted`.
 */
export function redactEnv(env: unknown): FunctionEnvVar[] {
  if (!Array.isArray(env)) {
    return [];
  }
  return env.map((entry): FunctionEnvVar => {
    const name = String(entry?.name ?? '');
    const secretRef = entry?.valueFrom?.secretKeyRef;
    if (secretRef) {
      return {
        name,
        secretKeyRef: {
          name: String(secretRef.name),
          key: String(secretRef.key),
        },
      };
    }
    const configMapRef = entry?.valueFrom?.configMapKeyRef;
    if (configMapRef) {
      return {
        name,
        configMapKeyRef: {
          name: String(configMapRef.name),
          key: String(configMapRef.key),
        },
      };
    }
    const value = String(entry?.value ?? '');
    return looksLikeSecret(name, value)
      ? { name, redacted: true }
      : { name, value };
  });
}

/** The catalog's `backstage.io/kubernetes-id` of a function object: its label, else its name. */
export function kubernetesIdOf(object: CachedObject): string {
  return typeof object.kubernetesId === 'string'
    ? object.kubernetesId
    : object.name;
}

/** Compact status (no env, image or revision list), as the fleet list returns it. */
export function withoutDetails<
  T extends { env: unknown; image?: unknown; revisions: unknown },
>(details: T): Omit<T, 'env' | 'image' | 'revisions'> {
  const {
    env: _env,
    image: _image,
    revisions: _revisions,
    ...status
  } = details;
  return status;
}
