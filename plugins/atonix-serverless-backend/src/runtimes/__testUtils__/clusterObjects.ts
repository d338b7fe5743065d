import type { KubeObject as FixtureObject } from '@internal/atonix-test-servers';
import type { ClusterObjects, KubeObject } from '../../extensions';

/**
 * The kind names the inventory watches (the runtimes' `resources.ts`, Flux's in
 * `inventory/resources.ts`) of the fixtures' objects.
 */
export const KIND_OF: Record<string, string> = {
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
};

/**
 * The watched objects of one cluster held in memory, by the runtimes' kind names: what a
 * derivation reads, without an API server. Objects of kinds no runtime watches are left out.
 */
export function clusterObjectsOf(fixtures: FixtureObject[]): ClusterObjects {
  // The fixtures keep timestamps as the wire strings, as the informers do (see KubeObject).
  const objects = fixtures as KubeObject[];
  const byKind = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const kind = KIND_OF[`${object.apiVersion}/${object.kind}`];
    if (kind) {
      byKind.set(kind, [...(byKind.get(kind) ?? []), object]);
    }
  }
  const list = (kind: string, namespace?: string) =>
    (byKind.get(kind) ?? []).filter(
      o => namespace === undefined || o.metadata?.namespace === namespace,
    );
  return {
    list,
    get: (kind, namespace, name) =>
      list(kind, namespace).find(o => o.metadata?.name === name),
  };
}
