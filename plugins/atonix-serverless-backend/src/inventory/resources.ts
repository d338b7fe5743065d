import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * The resources the inventory watches in every cluster. Paths are cluster-wide; the service
 * account needs `list` and `watch` on each.
 */
export const WATCHED_RESOURCES = {
  knativeService: {
    path: '/apis/serving.knative.dev/v1/services',
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'services',
  },
  revision: {
    path: '/apis/serving.knative.dev/v1/revisions',
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'revisions',
  },
  route: {
    path: '/apis/serving.knative.dev/v1/routes',
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'routes',
  },
  trigger: {
    path: '/apis/eventing.knative.dev/v1/triggers',
    group: 'eventing.knative.dev',
    version: 'v1',
    plural: 'triggers',
  },
  broker: {
    path: '/apis/eventing.knative.dev/v1/brokers',
    group: 'eventing.knative.dev',
    version: 'v1',
    plural: 'brokers',
  },
  rabbitmqSource: {
    path: '/apis/sources.knative.dev/v1alpha1/rabbitmqsources',
    group: 'sources.knative.dev',
    version: 'v1alpha1',
    plural: 'rabbitmqsources',
  },
  kafkaSource: {
    path: '/apis/sources.knative.dev/v1/kafkasources',
    group: 'sources.knative.dev',
    version: 'v1',
    plural: 'kafkasources',
  },
  openfaasFunction: {
    path: '/apis/openfaas.com/v1/functions',
    group: 'openfaas.com',
    version: 'v1',
    plural: 'functions',
  },
  // Only the Deployments OpenFaaS makes for functions: its provider labels them `faas_function`.
  deployment: {
    path: '/apis/apps/v1/deployments',
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    labelSelector: 'faas_function',
  },
  kustomization: {
    path: '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations',
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
  },
} as const;

export type WatchedKind = keyof typeof WATCHED_RESOURCES;

export const WATCHED_KINDS = Object.keys(WATCHED_RESOURCES) as WatchedKind[];

/**
 * A watched object as the informers hold it: client-node's `KubernetesObject` with the `spec`
 * and `status` the inventory reads, which stay untyped because every watched kind differs.
 * The informers keep the JSON as received, so `metadata.creationTimestamp` is the wire string
 * despite its `Date` type; read it through `new Date(...)`.
 */
export type KubeObject = KubernetesObject & { spec?: any; status?: any };

/** Read access to one cluster's watched objects. */
export interface ClusterObjects {
  get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined;
  list(kind: WatchedKind, namespace?: string): KubeObject[];
}
