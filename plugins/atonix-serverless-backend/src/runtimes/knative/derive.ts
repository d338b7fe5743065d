import {
  FunctionRevision,
  FunctionTriggerStatus,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { DerivedFunction, RecordOf } from '../../extensions';
import { commonStatus } from '../objects';
import { KNATIVE_RESOURCES, KnativeObjects } from './resources';

/** A Knative Service as the cache keeps it. */
export type KnativeService = RecordOf<typeof KNATIVE_RESOURCES.knativeService>;

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name);

function triggersOf(
  objects: KnativeObjects,
  namespace: string,
  name: string,
): FunctionTriggerStatus[] {
  const triggers: FunctionTriggerStatus[] = [];
  for (const trigger of objects
    .list('trigger', namespace)
    .filter(o => o.target === name)
    .sort(byName)) {
    const brokerName = trigger.broker ?? 'default';
    const ready = trigger.ready;
    const brokerReady = objects.get('broker', namespace, brokerName)?.ready;
    // A Trigger on a Broker that is gone or broken delivers nothing, whatever its own status says.
    const blocked = brokerReady?.status !== 'True' && ready?.status === 'True';
    triggers.push({
      kind: 'Trigger',
      name: trigger.name,
      broker: brokerName,
      filters: trigger.filters,
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
    for (const source of objects
      .list(kind, namespace)
      .filter(o => o.target === name)
      .sort(byName)) {
      triggers.push({
        kind: label,
        name: source.name,
        ...(source.sinkBroker ? { broker: source.sinkBroker } : {}),
        source: source.source,
        ready: source.ready?.status ?? 'Unknown',
        reason: source.ready?.reason,
        message: source.ready?.message,
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
  objects: KnativeObjects,
  service: KnativeService,
): DerivedFunction {
  const base = commonStatus(objects, service);
  const { namespace, name } = base;
  const route = objects.get('route', namespace, name);
  // The Route's status once it has one, else the Service's (which mirrors it).
  const routed = route?.traffic ? route : service;
  const traffic = routed.traffic ?? [];
  const percentOf = (revisionName: string) =>
    traffic
      .filter(t => t.revisionName === revisionName)
      .reduce((sum, t) => sum + t.percent, 0);
  const revisions: FunctionRevision[] = objects
    .list('revision', namespace)
    .filter(r => r.service === name)
    .map(r => ({
      name: r.name,
      ready: r.ready?.status ?? 'Unknown',
      ...(r.ready?.reason ? { reason: r.ready.reason } : {}),
      ...(r.ready?.message ? { message: r.ready.message } : {}),
      image: r.image,
      actualReplicas: r.actualReplicas,
      desiredReplicas: r.desiredReplicas,
      createdAt: r.createdAt,
      trafficPercent: percentOf(r.name),
    }))
    .sort((a, b) => b.name.localeCompare(a.name));
  const ready = service.ready;
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
  return {
    ...base,
    runtime: 'knative',
    ready: ready?.status ?? 'Unknown',
    ...(ready?.reason ? { reason: ready.reason } : {}),
    ...(ready?.message ? { message: ready.message } : {}),
    ...(routed.url ? { url: routed.url } : {}),
    ...(service.latestCreatedRevision
      ? { latestCreatedRevision: service.latestCreatedRevision }
      : {}),
    ...(service.latestReadyRevision
      ? { latestReadyRevision: service.latestReadyRevision }
      : {}),
    // The cached (frozen) list itself: the function's status holds no second copy of it.
    traffic: traffic as DerivedFunction['traffic'],
    replicas: { desired, actual },
    scaledToZero: ready?.status === 'True' && actual === 0 && desired === 0,
    autoscaling: service.autoscaling,
    triggers: triggersOf(objects, namespace, name),
    image: service.image,
    env: service.env,
    revisions,
  };
}
