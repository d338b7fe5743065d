import type { WatchedResource } from '../../extensions';

/** What the Knative runtime watches: Serving's Service, Revisions, Routes, and Eventing's delivery. */
export const KNATIVE_RESOURCES = {
  knativeService: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'services',
  },
  revision: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'revisions',
  },
  route: { group: 'serving.knative.dev', version: 'v1', plural: 'routes' },
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
