import {
  ANNOTATION_CRITICAL,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_TEAM,
  ConditionStatus,
  FunctionDetails,
  FunctionEnvVar,
  FunctionFluxStatus,
  FunctionRevision,
  FunctionTriggerStatus,
  TrafficTarget,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { looksLikeSecret } from '@internal/backstage-plugin-atonix-serverless-node';
import { ClusterObjects, KubeObject, WatchedKind } from './resources';

/** A function as the inventory keeps it: its status and what only the details route needs. */
export type DerivedFunction = Omit<
  FunctionDetails,
  'cluster' | 'observedAt' | 'stale' | 'staleSeconds' | 'entityRef' | 'owner'
>;

const FLUX_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
const FLUX_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
const KNATIVE_SERVICE_LABEL = 'serving.knative.dev/service';
const OPENFAAS_FUNCTION_LABEL = 'faas_function';
const AUTOSCALING = 'autoscaling.knative.dev';

/** Identifies a function within a cluster: its runtime object's namespace and name. */
export interface FunctionKey {
  runtime: 'knative' | 'openfaas';
  namespace: string;
  name: string;
}

/**
 * Which functions a change of `object` can affect, so that only they are derived again: their
 * keys, or for objects shared by many functions (a Flux Kustomization, a Broker) a test to run
 * over the functions already known.
 */
export function affectedFunctions(
  kind: WatchedKind,
  object: KubeObject,
): FunctionKey[] | ((fn: DerivedFunction) => boolean) {
  const namespace = object.metadata?.namespace ?? '';
  const labels = object.metadata?.labels ?? {};
  const name = object.metadata?.name ?? '';
  switch (kind) {
    case 'knativeService':
      return [{ runtime: 'knative', namespace, name }];
    case 'revision':
    case 'route':
      return labels[KNATIVE_SERVICE_LABEL]
        ? [
            {
              runtime: 'knative',
              namespace,
              name: labels[KNATIVE_SERVICE_LABEL],
            },
          ]
        : [];
    case 'trigger':
    case 'rabbitmqSource':
    case 'kafkaSource': {
      const target = eventTarget(kind, object);
      return target ? [{ runtime: 'knative', namespace, name: target }] : [];
    }
    case 'openfaasFunction':
      return [{ runtime: 'openfaas', namespace, name }];
    case 'deployment':
      return labels[OPENFAAS_FUNCTION_LABEL]
        ? [
            {
              runtime: 'openfaas',
              namespace,
              name: labels[OPENFAAS_FUNCTION_LABEL],
            },
          ]
        : [];
    case 'broker':
      return fn =>
        fn.namespace === namespace && fn.triggers.some(t => t.broker === name);
    case 'kustomization':
      return fn =>
        fn.flux?.kustomization === name && fn.flux.namespace === namespace;
    default:
      return [];
  }
}

/**
 * The function an event delivery object feeds: a Trigger's subscriber or a source's sink when that
 * is a Knative Service, else the `backstage.io/kubernetes-id` label the renderers put on
 * everything a function owns (a source that sinks into the team's Broker).
 */
function eventTarget(
  kind: WatchedKind,
  object: KubeObject,
): string | undefined {
  const ref =
    kind === 'trigger' ? object.spec?.subscriber?.ref : object.spec?.sink?.ref;
  if (ref?.kind === 'Service' && typeof ref.name === 'string') {
    return ref.name;
  }
  return object.metadata?.labels?.[ANNOTATION_KUBERNETES_ID];
}

function condition(
  object: KubeObject | undefined,
  type: string,
): { status: ConditionStatus; reason?: string; message?: string } | undefined {
  const found = (object?.status?.conditions ?? []).find(
    (c: { type?: string }) => c.type === type,
  );
  if (!found) {
    return undefined;
  }
  const status: ConditionStatus =
    found.status === 'True' || found.status === 'False'
      ? found.status
      : 'Unknown';
  return {
    status,
    ...(found.reason ? { reason: found.reason } : {}),
    ...(found.message ? { message: found.message } : {}),
  };
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  const parsed = typeof value === 'number' ? value : Number(value);
  return value === undefined || value === '' || Number.isNaN(parsed)
    ? fallback
    : parsed;
}

function isCritical(object: KubeObject): boolean {
  return (
    object.metadata?.labels?.[ANNOTATION_CRITICAL] === 'true' ||
    object.metadata?.annotations?.[ANNOTATION_CRITICAL] === 'true'
  );
}

function teamOf(object: KubeObject): string {
  return (
    object.metadata?.labels?.[ANNOTATION_TEAM] ??
    object.metadata?.namespace ??
    ''
  );
}

function fluxStatus(
  objects: ClusterObjects,
  object: KubeObject,
): FunctionFluxStatus | undefined {
  const name = object.metadata?.labels?.[FLUX_NAME_LABEL];
  const namespace = object.metadata?.labels?.[FLUX_NAMESPACE_LABEL];
  if (!name || !namespace) {
    return undefined;
  }
  const kustomization = objects.get('kustomization', namespace, name);
  const ready = condition(kustomization, 'Ready');
  return {
    kustomization: name,
    namespace,
    ready: ready?.status ?? 'Unknown',
    ...(kustomization?.status?.lastAppliedRevision
      ? { revision: kustomization.status.lastAppliedRevision }
      : {}),
    ...(ready?.message ? { message: ready.message } : {}),
  };
}

/**
 * Environment variables without secrets: values from Secrets are references only, literal values
 * the platform's secret rule flags are replaced by `redacted`.
 */
export function redactEnv(env: unknown): FunctionEnvVar[] {
  if (!Array.isArray(env)) {
    return [];
  }
  return env.map((entry): FunctionEnvVar => {
    const name = String(entry?.name ?? '');
    const secretRef = entry?.valueFrom?.secretKeyRef;
    if (secretRef) {
      return {
        name,
        secretKeyRef: {
          name: String(secretRef.name),
          key: String(secretRef.key),
        },
      };
    }
    const configMapRef = entry?.valueFrom?.configMapKeyRef;
    if (configMapRef) {
      return {
        name,
        configMapKeyRef: {
          name: String(configMapRef.name),
          key: String(configMapRef.key),
        },
      };
    }
    const value = String(entry?.value ?? '');
    return looksLikeSecret(name, value)
      ? { name, redacted: true }
      : { name, value };
  });
}

function triggersOf(
  objects: ClusterObjects,
  namespace: string,
  name: string,
): FunctionTriggerStatus[] {
  const triggers: FunctionTriggerStatus[] = [];
  const feeds = (kind: WatchedKind) =>
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
  const namespace = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
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
  const desired = revisions.reduce(
    (sum, r) => sum + (r.desiredReplicas ?? r.actualReplicas),
    0,
  );
  const annotations = service.spec?.template?.metadata?.annotations ?? {};
  const container = service.spec?.template?.spec?.containers?.[0] ?? {};
  return {
    namespace,
    team: teamOf(service),
    name,
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
      class:
        annotations[`${AUTOSCALING}/class`] ?? 'kpa.autoscaling.knative.dev',
      metric: annotations[`${AUTOSCALING}/metric`] ?? 'concurrency',
      target: numberOr(annotations[`${AUTOSCALING}/target`], undefined),
      minScale: numberOr(annotations[`${AUTOSCALING}/min-scale`], 0),
      maxScale: numberOr(annotations[`${AUTOSCALING}/max-scale`], undefined),
      initialScale: numberOr(
        annotations[`${AUTOSCALING}/initial-scale`],
        undefined,
      ),
    },
    critical: isCritical(service),
    triggers: triggersOf(objects, namespace, name),
    flux: fluxStatus(objects, service),
    image: container.image,
    env: redactEnv(container.env),
    revisions,
  };
}

/** One OpenFaaS function from its Function object and the Deployment the operator made. */
export function deriveOpenFaaSFunction(
  objects: ClusterObjects,
  fn: KubeObject,
  gateway: string | undefined,
): DerivedFunction {
  const namespace = fn.metadata?.namespace ?? '';
  const name = fn.metadata?.name ?? '';
  const deployment = objects.get('deployment', namespace, name);
  const desired = numberOr(deployment?.spec?.replicas, 0);
  const actual = numberOr(deployment?.status?.availableReplicas, 0);
  const available = condition(deployment, 'Available');
  const fnReady = condition(fn, 'Ready');
  let ready: ConditionStatus = 'Unknown';
  let reason: string | undefined;
  let message: string | undefined;
  if (fnReady?.status === 'False') {
    ({ status: ready, reason, message } = fnReady);
  } else if (deployment) {
    ready = desired === 0 || actual > 0 ? 'True' : 'False';
    if (ready === 'False') {
      reason = available?.reason ?? 'NoAvailableReplicas';
      message = available?.message ?? 'The function has no available replica';
    }
  } else {
    reason = 'DeploymentMissing';
    message = `OpenFaaS has not created the Deployment ${namespace}/${name} yet`;
  }
  const scaleLabels = fn.spec?.labels ?? {};
  const environment: Record<string, string> = fn.spec?.environment ?? {};
  return {
    namespace,
    team: teamOf(fn),
    name,
    runtime: 'openfaas',
    ready,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    ...(gateway ? { url: `${gateway}/function/${name}` } : {}),
    traffic: [],
    replicas: { desired, actual },
    scaledToZero: ready === 'True' && desired === 0,
    autoscaling: {
      class: 'openfaas',
      metric: scaleLabels['com.openfaas.scale.type'] ?? 'rps',
      target: numberOr(scaleLabels['com.openfaas.scale.target'], undefined),
      minScale: numberOr(scaleLabels['com.openfaas.scale.min'], 1),
      maxScale: numberOr(scaleLabels['com.openfaas.scale.max'], undefined),
    },
    critical: isCritical(fn),
    triggers: [],
    flux: fluxStatus(objects, fn),
    image: fn.spec?.image,
    env: redactEnv(
      Object.entries(environment).map(([k, v]) => ({ name: k, value: v })),
    ),
    revisions: deployment
      ? [
          {
            name,
            ready,
            image: fn.spec?.image,
            actualReplicas: actual,
            desiredReplicas: desired,
            trafficPercent: 100,
          },
        ]
      : [],
  };
}

/** The catalog's `backstage.io/kubernetes-id` of a function: its label, else its name. */
export function kubernetesIdOf(object: KubeObject): string {
  return (
    object.metadata?.labels?.[ANNOTATION_KUBERNETES_ID] ??
    object.metadata?.name ??
    ''
  );
}

/**
 * The namespaces a catalog entity's `backstage.io/kubernetes-namespace` may name for a function.
 * OpenFaaS CE runs every function in `openfaas-fn`, while the entity names the team (as the catalog
 * module writes it, and as its drift check matches: by team and name); the namespace it actually
 * runs in (what the stock Kubernetes plugin needs) matches too.
 */
export function entityNamespacesOf(fn: {
  runtime: DerivedFunction['runtime'];
  namespace: string;
  team: string;
}): string[] {
  return fn.runtime === 'openfaas' && fn.team !== fn.namespace
    ? [fn.team, fn.namespace]
    : [fn.namespace];
}

/** Compact status (no env, image or revision list), as the fleet list returns it. */
export function withoutDetails<
  T extends { env: unknown; image?: unknown; revisions: unknown },
>(details: T): Omit<T, 'env' | 'image' | 'revisions'> {
  const {
    env: _env,
    image: _image,
    revisions: _revisions,
    ...status
  } = details;
  return status;
}
