/** A resource type the test API server serves, as its discovery document would describe it. */
export interface ResourceType {
  group: string;
  version: string;
  /** The URL segment, e.g. `services`. */
  plural: string;
  kind: string;
  namespaced: boolean;
}

/**
 * The resources of Knative Serving and Eventing, the Knative RabbitMQ and Kafka sources, OpenFaaS,
 * Flux and core Kubernetes that the Atonix Serverless backend and the stock Kubernetes plugin read.
 * Versions are the storage versions those projects serve today.
 */
export const RESOURCE_TYPES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
  },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    kind: 'Service',
    namespaced: true,
  },
  {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
  },
  {
    group: '',
    version: 'v1',
    plural: 'limitranges',
    kind: 'LimitRange',
    namespaced: true,
  },
  {
    group: '',
    version: 'v1',
    plural: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
    kind: 'DaemonSet',
    namespaced: true,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
  {
    group: 'batch',
    version: 'v1',
    plural: 'jobs',
    kind: 'Job',
    namespaced: true,
  },
  {
    group: 'batch',
    version: 'v1',
    plural: 'cronjobs',
    kind: 'CronJob',
    namespaced: true,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
  },
  {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'services',
    kind: 'Service',
    namespaced: true,
  },
  {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'revisions',
    kind: 'Revision',
    namespaced: true,
  },
  {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'routes',
    kind: 'Route',
    namespaced: true,
  },
  {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'configurations',
    kind: 'Configuration',
    namespaced: true,
  },
  {
    group: 'eventing.knative.dev',
    version: 'v1',
    plural: 'triggers',
    kind: 'Trigger',
    namespaced: true,
  },
  {
    group: 'eventing.knative.dev',
    version: 'v1',
    plural: 'brokers',
    kind: 'Broker',
    namespaced: true,
  },
  {
    group: 'sources.knative.dev',
    version: 'v1alpha1',
    plural: 'rabbitmqsources',
    kind: 'RabbitmqSource',
    namespaced: true,
  },
  {
    group: 'sources.knative.dev',
    version: 'v1',
    plural: 'kafkasources',
    kind: 'KafkaSource',
    namespaced: true,
  },
  {
    group: 'openfaas.com',
    version: 'v1',
    plural: 'functions',
    kind: 'Function',
    namespaced: true,
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    kind: 'Kustomization',
    namespaced: true,
  },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function findResourceTypeByKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t => apiVersionOf(t) === apiVersion && t.kind === kind,
  );
}
