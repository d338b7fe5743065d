import type { ClusterObjects, KubeObject } from '../../extensions';

/** The runtimes' kind names (`knative/resources.ts`, `openfaas/resources.ts`) of the fixtures' objects. */
const KIND_OF: Record<string, string> = {
  'serving.knative.dev/v1/Service': 'knativeService',
  'serving.knative.dev/v1/Revision': 'revision',
  'serving.knative.dev/v1/Route': 'route',
  'openfaas.com/v1/Function': 'openfaasFunction',
  'apps/v1/Deployment': 'openfaasDeployment',
};

/**
 * The watched objects of one cluster held in memory, by the runtimes' kind names: what a
 * derivation reads, without an API server. Objects of kinds no runtime watches are left out.
 */
export function clusterObjectsOf(objects: KubeObject[]): ClusterObjects {
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
