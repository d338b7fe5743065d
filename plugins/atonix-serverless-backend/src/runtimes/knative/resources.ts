import {
  ANNOTATION_KUBERNETES_ID,
  FunctionAutoscaling,
  TrafficTarget,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  KNATIVE_AUTOSCALING,
  KNATIVE_CLASS,
} from '@internal/backstage-plugin-atonix-serverless-node';
import type { KubeObject, ReadField, WatchedResource } from '../../extensions';
import {
  condition,
  label,
  number,
  numberOr,
  text,
} from '../../inventory/fields';
import { FUNCTION_OBJECT_FIELDS, RuntimeObjects, redactEnv } from '../objects';

/** Knative Serving's label on the Revisions and Routes of a Service. */
export const KNATIVE_SERVICE_LABEL = 'serving.knative.dev/service';

/**
 * A Service's or Route's `status.traffic` as the function's status gives it; undefined without a
 * status (a Route not reconciled yet: the Service's own status then speaks for it).
 */
const traffic: ReadField<readonly TrafficTarget[] | undefined> = (o, keep) => {
  if (!o.status) {
    return undefined;
  }
  const targets = (o.status.traffic ?? []).map((t: any) =>
    Object.freeze<TrafficTarget>({
      revisionName: keep.intern(t.revisionName),
      percent: t.percent ?? 0,
      latest: t.latestRevision === true,
      ...(t.tag ? { tag: keep.intern(t.tag) } : {}),
      ...(t.url ? { url: keep.intern(t.url) } : {}),
    }),
  );
  // One copy for the Service's and the Route's lists, which Knative keeps equal, and one empty
  // list; frozen, as the function's status holds this very list.
  return keep.share(targets);
};

/** The Service's `status.url`, or the Route's; absent as `traffic` is. */
const url = text(o => o.status?.url);

/** The first container of the Service's pod template. */
const container = (o: KubeObject) => o.spec?.template?.spec?.containers?.[0];

/** The autoscaling settings of the Service's pod template annotations, shared. */
const autoscaling: ReadField<FunctionAutoscaling> = (o, keep) => {
  const annotations = o.spec?.template?.metadata?.annotations ?? {};
  return keep.share({
    // Knative's own defaults (config-autoscaler) when the annotation is absent.
    class: annotations[KNATIVE_AUTOSCALING.class] ?? KNATIVE_CLASS.kpa,
    metric: annotations[KNATIVE_AUTOSCALING.metric] ?? 'concurrency',
    target: numberOr(annotations[KNATIVE_AUTOSCALING.target], undefined),
    minScale: numberOr(annotations[KNATIVE_AUTOSCALING.minScale], 0),
    maxScale: numberOr(annotations[KNATIVE_AUTOSCALING.maxScale], undefined),
    initialScale: numberOr(
      annotations[KNATIVE_AUTOSCALING.initialScale],
      undefined,
    ),
  });
};

/**
 * The function an event delivery object feeds: a Trigger's subscriber or a source's sink when that
 * is a Knative Service, else the `backstage.io/kubernetes-id` label the renderers put on
 * everything a function owns (a source that sinks into the team's Broker).
 */
function eventTarget(
  refOf: (o: KubeObject) => any,
): ReadField<string | undefined> {
  return (o, keep) => {
    const ref = refOf(o);
    if (ref?.kind === 'Service' && typeof ref.name === 'string') {
      return keep.intern(ref.name);
    }
    return label(ANNOTATION_KUBERNETES_ID)(o, keep);
  };
}

/** The Broker a source sinks into, when it sinks into one. */
const sinkBroker = text(o =>
  o.spec?.sink?.ref?.kind === 'Broker' ? o.spec.sink.ref.name : undefined,
);

/** What the Knative runtime watches: Serving's Service, Revisions, Routes, and Eventing's delivery. */
export const KNATIVE_RESOURCES = {
  knativeService: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'services',
    fields: {
      ...FUNCTION_OBJECT_FIELDS,
      ready: condition('Ready'),
      url,
      traffic,
      latestCreatedRevision: text(o => o.status?.latestCreatedRevisionName),
      latestReadyRevision: text(o => o.status?.latestReadyRevisionName),
      autoscaling,
      image: text(o => container(o)?.image),
      env: (o, keep) => keep.share(redactEnv(container(o)?.env)),
    },
  },
  revision: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'revisions',
    fields: {
      /** Whose it is (derive.ts, affectedFunctions). */
      service: label(KNATIVE_SERVICE_LABEL),
      ready: condition('Ready'),
      image: text(o => o.spec?.containers?.[0]?.image),
      actualReplicas: number(o => o.status?.actualReplicas, 0),
      desiredReplicas: number(o => o.status?.desiredReplicas, undefined),
      createdAt: (o, keep) => {
        const created = o.metadata?.creationTimestamp;
        // A function's objects are created within the same second or so.
        return created
          ? keep.intern(new Date(created).toISOString())
          : undefined;
      },
    },
  },
  route: {
    group: 'serving.knative.dev',
    version: 'v1',
    plural: 'routes',
    fields: { service: label(KNATIVE_SERVICE_LABEL), url, traffic },
  },
  trigger: {
    group: 'eventing.knative.dev',
    version: 'v1',
    plural: 'triggers',
    fields: {
      target: eventTarget(o => o.spec?.subscriber?.ref),
      broker: text(o => o.spec?.broker ?? 'default'),
      filters: (o, keep): Readonly<Record<string, string>> =>
        keep.share({ ...(o.spec?.filter?.attributes ?? {}) }),
      ready: condition('Ready'),
    },
  },
  broker: {
    group: 'eventing.knative.dev',
    version: 'v1',
    plural: 'brokers',
    fields: { ready: condition('Ready') },
  },
  rabbitmqSource: {
    group: 'sources.knative.dev',
    version: 'v1alpha1',
    plural: 'rabbitmqsources',
    fields: {
      target: eventTarget(o => o.spec?.sink?.ref),
      sinkBroker,
      /** What it reads from: its queue, else its exchange. */
      source: text(
        o =>
          o.spec?.rabbitmqResourcesConfig?.queueName ??
          o.spec?.rabbitmqResourcesConfig?.exchangeName,
      ),
      ready: condition('Ready'),
    },
  },
  kafkaSource: {
    group: 'sources.knative.dev',
    version: 'v1',
    plural: 'kafkasources',
    fields: {
      target: eventTarget(o => o.spec?.sink?.ref),
      sinkBroker,
      /** What it reads from: its topics. */
      source: text(o => (o.spec?.topics ?? []).join(',')),
      ready: condition('Ready'),
    },
  },
} as const satisfies Record<string, WatchedResource>;

export type KnativeKind = keyof typeof KNATIVE_RESOURCES;

/** A cluster's objects as the Knative runtime reads them. */
export type KnativeObjects = RuntimeObjects<typeof KNATIVE_RESOURCES>;
