import {
  ANNOTATION_COLD_START_OBJECTIVE,
  ANNOTATION_CRITICAL,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_TEAM,
  ConditionStatus,
  FunctionEnvVar,
  FunctionFluxStatus,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { looksLikeSecret } from '@internal/backstage-plugin-atonix-serverless-node';
import type { ClusterObjects, KubeObject } from '../extensions';

// Readers every runtime uses on the objects it watches: conditions, numbers in strings, the
// platform's labels, the Flux Kustomization that applied an object.

/** Flux's labels on every object a Kustomization applied. */
const FLUX_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
const FLUX_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';

export function condition(
  object: KubeObject | undefined,
  type: string,
): { status: ConditionStatus; reason?: string; message?: string } | undefined {
  const found = (object?.status?.conditions ?? []).find(
    (c: { type?: string }) => c.type === type,
  );
  if (!found) {
    return undefined;
  }
  const status: ConditionStatus =
    found.status === 'True' || found.status === 'False'
      ? found.status
      : 'Unknown';
  return {
    status,
    ...(found.reason ? { reason: found.reason } : {}),
    ...(found.message ? { message: found.message } : {}),
  };
}

export function numberOr<T>(value: unknown, fallback: T): number | T {
  const parsed = typeof value === 'number' ? value : Number(value);
  return value === undefined || value === '' || Number.isNaN(parsed)
    ? fallback
    : parsed;
}

function isCritical(object: KubeObject): boolean {
  return (
    object.metadata?.labels?.[ANNOTATION_CRITICAL] === 'true' ||
    object.metadata?.annotations?.[ANNOTATION_CRITICAL] === 'true'
  );
}

/** The spec's cold-start objective the renderer put on the function object; absent unless valid. */
function coldStartObjective(object: KubeObject): {
  coldStartObjectiveMs?: number;
} {
  const ms = Number(
    object.metadata?.annotations?.[ANNOTATION_COLD_START_OBJECTIVE],
  );
  return Number.isInteger(ms) && ms > 0 ? { coldStartObjectiveMs: ms } : {};
}

function teamOf(object: KubeObject): string {
  return (
    object.metadata?.labels?.[ANNOTATION_TEAM] ??
    object.metadata?.namespace ??
    ''
  );
}

function fluxStatus(
  objects: ClusterObjects,
  object: KubeObject,
): FunctionFluxStatus | undefined {
  const name = object.metadata?.labels?.[FLUX_NAME_LABEL];
  const namespace = object.metadata?.labels?.[FLUX_NAMESPACE_LABEL];
  if (!name || !namespace) {
    return undefined;
  }
  const kustomization = objects.get('kustomization', namespace, name);
  const ready = condition(kustomization, 'Ready');
  return {
    kustomization: name,
    namespace,
    ready: ready?.status ?? 'Unknown',
    ...(kustomization?.status?.lastAppliedRevision
      ? { revision: kustomization.status.lastAppliedRevision }
      : {}),
    ...(ready?.message ? { message: ready.message } : {}),
  };
}

/**
 * What every runtime's status says the same way of its function object: where it runs, whose it
 * is, whether it is critical, and the Flux Kustomization that applied it.
 */
export function commonStatus(objects: ClusterObjects, object: KubeObject) {
  return {
    namespace: object.metadata?.namespace ?? '',
    team: teamOf(object),
    name: object.metadata?.name ?? '',
    critical: isCritical(object),
    ...coldStartObjective(object),
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

/** The catalog's `backstage.io/kubernetes-id` of a function: its label, else its name. */
export function kubernetesIdOf(object: KubeObject): string {
  return (
    object.metadata?.labels?.[ANNOTATION_KUBERNETES_ID] ??
    object.metadata?.name ??
    ''
  );
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
