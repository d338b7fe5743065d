import type { WatchedResource } from '../../extensions';

/** What the Knative runtime watches: Serving's Service, Revisions, Routes, and Eventing's delivery. */
export const KNATIVE_RESOURCES = {
  knativeService: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'services',
    reads: {
      // The autoscaling annotations and the first container's image and env (derive.ts).
      spec: [
        'template.metadata.annotations',
        'template.spec.containers.image',
        'template.spec.containers.env',
      ],
      status: [
        'conditions',
        'url',
        'traffic',
        'latestCreatedRevisionName',
        'latestReadyRevisionName',
      ],
      conditions: ['Ready'],
    },
  },
  revision: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'revisions',
    reads: {
      spec: ['containers.image'],
      status: ['conditions', 'actualReplicas', 'desiredReplicas'],
      conditions: ['Ready'],
    },
  },
  route: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'routes',
    reads: { spec: [], status: ['url', 'traffic'] },
  },
  trigger: { group: 'eventing.knative.dev', version: 'v1', plural: 'triggers' },
  broker: { group: 'eventing.knative.dev', version: 'v1', plural: 'brokers' },
  rabbitmqSource: {
    group: 'sources.knative.dev',
    version: 'v1alpha1',
    plural: 'rabbitmqsources',
  },
  kafkaSource: {
    group: 'sources.knative.dev',
    version: 'v1',
    plural: 'kafkasources',
  },
} as const satisfies Record<string, WatchedResource>;

export type KnativeKind = keyof typeof KNATIVE_RESOURCES;
