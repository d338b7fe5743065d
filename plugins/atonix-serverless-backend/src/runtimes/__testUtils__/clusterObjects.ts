import type { KubeObject as FixtureObject } from '@internal/atonix-test-servers';
import type {
  CachedObject,
  ClusterObjects,
  KubeObject,
  WatchedResource,
} from '../../extensions';
import { Interner, cachedObject } from '../../inventory/cachedObject';
import { FLUX_RESOURCES } from '../../inventory/resources';
import { KNATIVE_RESOURCES } from '../knative/resources';
import { OPENFAAS_RESOURCES } from '../openfaas/resources';

/**
 * The kind names the inventory watches (the runtimes' `resources.ts`, Flux's in
 * `inventory/resources.ts`) of the fixtures' objects.
 */
const KIND_OF: Record<string, string> = {
  'serving.knative.dev/v1/Service': 'knativeService',
  'serving.knative.dev/v1/Revision': 'revision',
  'serving.knative.dev/v1/Route': 'route',
  'eventing.knative.dev/v1/Trigger': 'trigger',
  'eventing.knative.dev/v1/Broker': 'broker',
  'sources.knative.dev/v1alpha1/RabbitmqSource': 'rabbitmqSource',
  'sources.knative.dev/v1/KafkaSource': 'kafkaSource',
  'openfaas.com/v1/Function': 'openfaasFunction',
  'apps/v1/Deployment': 'openfaasDeployment',
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': 'kustomization',
  'notification.toolkit.fluxcd.io/v1/Receiver': 'receiver',
};

/** Every resource the built-in runtimes and the inventory watch, by kind name. */
export const RESOURCES = {
  ...FLUX_RESOURCES,
  ...KNATIVE_RESOURCES,
  ...OPENFAAS_RESOURCES,
};

/** The kind name of a fixture object; undefined for kinds nothing watches. */
export function kindOf(object: FixtureObject): string | undefined {
  return KIND_OF[`${object.apiVersion}/${object.kind}`];
}

/** A fixture object as one cluster's cache keeps it, through that cluster's `interner`. */
export function cached(
  object: FixtureObject,
  interner = new Interner(),
): CachedObject {
  const kind = kindOf(object);
  if (!kind) {
    throw new Error(
      `No watched resource is a ${object.apiVersion} ${object.kind}; add it to KIND_OF`,
    );
  }
  // The fixtures keep timestamps as the wire strings, as the API server sends them.
  return cachedObject(
    object as KubeObject,
    (RESOURCES as Record<string, WatchedResource>)[kind],
    interner,
  );
}

/**
 * The watched objects of one cluster held in memory as the cache keeps them, by the runtimes' kind
 * names: what a derivation reads, without an API server. Objects of kinds no runtime watches are
 * left out.
 */
export function clusterObjectsOf(
  fixtures: FixtureObject[],
): ClusterObjects<typeof RESOURCES> {
  const interner = new Interner();
  const byKind = new Map<string, CachedObject[]>();
  for (const object of fixtures) {
    const kind = kindOf(object);
    if (kind) {
      byKind.set(kind, [...(byKind.get(kind) ?? []), cached(object, interner)]);
    }
  }
  const list = (kind: string, namespace?: string) =>
    (byKind.get(kind) ?? []).filter(
      o => namespace === undefined || o.namespace === namespace,
    );
  return {
    list,
    get: (kind, namespace, name) =>
      list(kind, namespace).find(o => o.name === name),
  } as ClusterObjects<typeof RESOURCES>;
}
