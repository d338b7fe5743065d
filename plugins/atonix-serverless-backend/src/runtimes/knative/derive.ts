import {
  ANNOTATION_KUBERNETES_ID,
  FunctionRevision,
  FunctionTriggerStatus,
  TrafficTarget,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  KNATIVE_AUTOSCALING,
  KNATIVE_CLASS,
} from '@internal/backstage-plugin-atonix-serverless-node';
import type {
  ClusterObjects,
  DerivedFunction,
  KubeObject,
} from '../../extensions';
import { commonStatus, condition, numberOr, redactEnv } from '../objects';
import { KNATIVE_SERVICE_LABEL, KnativeKind } from './resources';

/**
 * The function an event delivery object feeds: a Trigger's subscriber or a source's sink when that
 * is a Knative Service, else the `backstage.io/kubernetes-id` label the renderers put on
 * everything a function owns (a source that sinks into the team's Broker).
 */
export function eventTarget(
  kind: KnativeKind,
  object: KubeObject,
): string | undefined {
  const ref =
    kind === 'trigger' ? object.spec?.subscriber?.ref : object.spec?.sink?.ref;
  if (ref?.kind === 'Service' && typeof ref.name === 'string') {
    return ref.name;
  }
  return object.metadata?.labels?.[ANNOTATION_KUBERNETES_ID];
}

function triggersOf(
  objects: ClusterObjects,
  namespace: string,
  name: string,
): FunctionTriggerStatus[] {
  const triggers: FunctionTriggerStatus[] = [];
  const feeds = (kind: KnativeKind) =>
    objects
      .list(kind, namespace)
      .filter(o => eventTarget(kind, o) === name)
      .sort((a, b) =>
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
      );
  for (const trigger of feeds('trigger')) {
    const brokerName: string = trigger.spec?.broker ?? 'default';
    const ready = condition(trigger, 'Ready');
    const brokerReady = condition(
      objects.get('broker', namespace, brokerName),
      'Ready',
    );
    // A Trigger on a Broker that is gone or broken delivers nothing, whatever its own status says.
    const blocked = brokerReady?.status !== 'True' && ready?.status === 'True';
    triggers.push({
      kind: 'Trigger',
      name: trigger.metadata?.name ?? '',
      broker: brokerName,
      filters: { ...(trigger.spec?.filter?.attributes ?? {}) },
      ready: blocked
        ? brokerReady?.status ?? 'Unknown'
        : ready?.status ?? 'Unknown',
      ...(blocked
        ? {
            reason: 'BrokerNotReady',
            message: `Broker "${brokerName}" is not ready`,
          }
        : { reason: ready?.reason, message: ready?.message }),
    });
  }
  for (const [kind, label] of [
    ['rabbitmqSource', 'RabbitmqSource'],
    ['kafkaSource', 'KafkaSource'],
  ] as const) {
    for (const source of feeds(kind)) {
      const ready = condition(source, 'Ready');
      const sink = source.spec?.sink?.ref;
      triggers.push({
        kind: label,
        name: source.metadata?.name ?? '',
        ...(sink?.kind === 'Broker' ? { broker: sink.name } : {}),
        source:
          kind === 'kafkaSource'
            ? (source.spec?.topics ?? []).join(',')
            : source.spec?.rabbitmqResourcesConfig?.queueName ??
              source.spec?.rabbitmqResourcesConfig?.exchangeName,
        ready: ready?.status ?? 'Unknown',
        reason: ready?.reason,
        message: ready?.message,
      });
    }
  }
  return triggers.map(
    t =>
      Object.fromEntries(
        Object.entries(t).filter(([, v]) => v !== undefined),
      ) as FunctionTriggerStatus,
  );
}

/** One Knative function from its Service, Route, Revisions, Triggers, sources and Kustomization. */
export function deriveKnativeFunction(
  objects: ClusterObjects,
  service: KubeObject,
): DerivedFunction {
  const base = commonStatus(objects, service);
  const { namespace, name } = base;
  const route = objects.get('route', namespace, name);
  const routed = route?.status ?? service.status ?? {};
  const traffic: TrafficTarget[] = (routed.traffic ?? []).map((t: any) => ({
    revisionName: t.revisionName,
    percent: t.percent ?? 0,
    latest: t.latestRevision === true,
    ...(t.tag ? { tag: t.tag } : {}),
    ...(t.url ? { url: t.url } : {}),
  }));
  const percentOf = (revisionName: string) =>
    traffic
      .filter(t => t.revisionName === revisionName)
      .reduce((sum, t) => sum + t.percent, 0);
  const revisions: FunctionRevision[] = objects
    .list('revision', namespace)
    .filter(r => r.metadata?.labels?.[KNATIVE_SERVICE_LABEL] === name)
    .map(r => {
      const ready = condition(r, 'Ready');
      const created = r.metadata?.creationTimestamp;
      return {
        name: r.metadata?.name ?? '',
        ready: ready?.status ?? 'Unknown',
        ...(ready?.reason ? { reason: ready.reason } : {}),
        ...(ready?.message ? { message: ready.message } : {}),
        image: r.spec?.containers?.[0]?.image,
        actualReplicas: numberOr(r.status?.actualReplicas, 0),
        desiredReplicas: numberOr(r.status?.desiredReplicas, undefined),
        createdAt: created ? new Date(created).toISOString() : undefined,
        trafficPercent: percentOf(r.metadata?.name ?? ''),
      };
    })
    .sort((a, b) => b.name.localeCompare(a.name));
  const ready = condition(service, 'Ready');
  const actual = revisions.reduce((sum, r) => sum + r.actualReplicas, 0);
  // Desired replicas are those that serve the function: a revision the Route sends no traffic to
  // (a roll-out's pending revision, at initial-scale) is not counted. Before the Route has
  // assigned any traffic (a first roll-out), every revision counts.
  const serving = traffic.length
    ? revisions.filter(r => r.trafficPercent > 0)
    : revisions;
  const desired = serving.reduce(
    (sum, r) => sum + (r.desiredReplicas ?? r.actualReplicas),
    0,
  );
  const annotations = service.spec?.template?.metadata?.annotations ?? {};
  const container = service.spec?.template?.spec?.containers?.[0] ?? {};
  return {
    ...base,
    runtime: 'knative',
    ready: ready?.status ?? 'Unknown',
    ...(ready?.reason ? { reason: ready.reason } : {}),
    ...(ready?.message ? { message: ready.message } : {}),
    ...(routed.url ? { url: routed.url } : {}),
    ...(service.status?.latestCreatedRevisionName
      ? { latestCreatedRevision: service.status.latestCreatedRevisionName }
      : {}),
    ...(service.status?.latestReadyRevisionName
      ? { latestReadyRevision: service.status.latestReadyRevisionName }
      : {}),
    traffic,
    replicas: { desired, actual },
    scaledToZero: ready?.status === 'True' && actual === 0 && desired === 0,
    autoscaling: {
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
    },
    triggers: triggersOf(objects, namespace, name),
    image: container.image,
    env: redactEnv(container.env),
    revisions,
  };
}
