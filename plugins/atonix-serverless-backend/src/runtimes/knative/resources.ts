import type { WatchedResource } from '../../extensions';

/** Knative Serving's label on the Revisions and Routes of a Service. */
export const KNATIVE_SERVICE_LABEL = 'serving.knative.dev/service';

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
      // Whose it is (derive.ts, affectedFunctions); not the autoscaling copy of the Service's.
      labels: [KNATIVE_SERVICE_LABEL],
      annotations: [],
    },
  },
  route: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'routes',
    reads: {
      spec: [],
      status: ['url', 'traffic'],
      labels: [KNATIVE_SERVICE_LABEL],
      annotations: [],
    },
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
