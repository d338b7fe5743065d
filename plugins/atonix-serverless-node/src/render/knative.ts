import {
  ANNOTATION_ALLOWED_CALLERS,
  ANNOTATION_COLD_START_OBJECTIVE,
  ANNOTATION_CRITICAL,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_RUNTIME,
  ANNOTATION_TEAM,
  FunctionSpec,
  FunctionTrafficTarget,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { IService } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import type { ITrigger } from '@kubernetes-models/knative/eventing.knative.dev/v1/Trigger';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IIoK8sApiCoreV1Container } from 'kubernetes-models/v1/Container';
import type { IIoK8sApiCoreV1EnvVar } from 'kubernetes-models/v1/EnvVar';
import { customMetricName } from './names';

/** Knative's autoscaling annotations, set on the revision template. */
export const KNATIVE_AUTOSCALING = {
  class: 'autoscaling.knative.dev/class',
  metric: 'autoscaling.knative.dev/metric',
  target: 'autoscaling.knative.dev/target',
  minScale: 'autoscaling.knative.dev/min-scale',
  maxScale: 'autoscaling.knative.dev/max-scale',
  initialScale: 'autoscaling.knative.dev/initial-scale',
} as const;

/** The values of `autoscaling.knative.dev/class` for each spec class. */
export const KNATIVE_CLASS = {
  kpa: 'kpa.autoscaling.knative.dev',
  hpa: 'hpa.autoscaling.knative.dev',
} as const;

/** Labels every object of a function carries, so dashboards, quotas and the portal can select them. */
export function functionLabels(spec: FunctionSpec): Record<string, string> {
  return {
    [ANNOTATION_KUBERNETES_ID]: spec.name,
    [ANNOTATION_TEAM]: spec.team,
    [ANNOTATION_RUNTIME]: spec.runtime,
    [ANNOTATION_CRITICAL]: String(spec.critical),
  };
}

/**
 * The metadata of an object rendered for a function: `name` (the function's own by default) in its
 * team's namespace, with the function's labels.
 */
export function functionMetadata(spec: FunctionSpec, name = spec.name) {
  return { name, namespace: spec.team, labels: functionLabels(spec) };
}

/** Literal env vars first, then Secret references, each group sorted by name for stable output. */
export function renderEnv(spec: FunctionSpec): IIoK8sApiCoreV1EnvVar[] {
  const literal = spec.env.map(({ name, value }) => ({ name, value }));
  const secret = Object.entries(spec.secretEnv)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, ref]) => ({
      name,
      valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
    }));
  return [...literal, ...secret];
}

/**
 * The annotations that tell the Kourier gateway's authorizer (platform/caller-authz) which teams
 * may call the function through its URL: none when it declares no callers.
 */
export function allowedCallersAnnotations(
  spec: FunctionSpec,
): Record<string, string> {
  return spec.allowedCallers.length > 0
    ? {
        [ANNOTATION_ALLOWED_CALLERS]: [...spec.allowedCallers].sort().join(','),
      }
    : {};
}

/**
 * The Knative Service of a function. Autoscaling lives in revision-template annotations (the
 * only place Knative reads them). The container has no `name`: Knative names it `user-container`.
 */
export function renderKnativeService(spec: FunctionSpec): IService {
  const { scaling } = spec;
  const labels = functionLabels(spec);
  const metric =
    scaling.metric === 'custom' ? customMetricName(spec) : scaling.metric;
  const env = renderEnv(spec);
  // On the Service, not the revision template: neither cuts a new revision when it changes.
  const serviceAnnotations: Record<string, string> = {
    ...(spec.objectives?.coldStartP95Ms !== undefined && {
      [ANNOTATION_COLD_START_OBJECTIVE]: String(spec.objectives.coldStartP95Ms),
    }),
    ...allowedCallersAnnotations(spec),
  };
  const container: Omit<IIoK8sApiCoreV1Container, 'name'> = {
    image: spec.image,
    ports: [{ containerPort: spec.port }],
    ...(env.length > 0 ? { env } : {}),
    ...(spec.resources ? { resources: spec.resources } : {}),
  };
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      ...functionMetadata(spec),
      ...(Object.keys(serviceAnnotations).length > 0 && {
        annotations: serviceAnnotations,
      }),
    },
    spec: {
      template: {
        metadata: {
          ...(spec.revisionName ? { name: spec.revisionName } : {}),
          labels,
          annotations: {
            [KNATIVE_AUTOSCALING.class]: KNATIVE_CLASS[scaling.class],
            [KNATIVE_AUTOSCALING.metric]: metric,
            [KNATIVE_AUTOSCALING.target]: String(scaling.target),
            [KNATIVE_AUTOSCALING.minScale]: String(scaling.minScale),
            [KNATIVE_AUTOSCALING.maxScale]: String(scaling.maxScale),
            [KNATIVE_AUTOSCALING.initialScale]: String(scaling.initialScale),
          },
        },
        // The packaged type follows the Kubernetes PodSpec, where a container name is required;
        // Knative's webhook does not require one.
        spec: { containers: [container as IIoK8sApiCoreV1Container] },
      },
      ...(spec.traffic ? { traffic: renderTraffic(spec.traffic) } : {}),
    },
  };
}

/**
 * Knative's traffic list. `latestRevision` is always written out: Knative's defaulting fills it in
 * (serving pkg/apis/serving/v1/route_defaults.go:54-57 at knative-v1.23.0), and a field the webhook
 * adds would show up as drift between git and the cluster.
 */
export function renderTraffic(
  traffic: FunctionTrafficTarget[],
): NonNullable<NonNullable<IService['spec']>['traffic']> {
  return traffic.map(target => ({
    ...(target.revisionName ? { revisionName: target.revisionName } : {}),
    latestRevision: target.revisionName === undefined,
    percent: target.percent,
    ...(target.tag ? { tag: target.tag } : {}),
  }));
}

/**
 * The recording rule behind a custom scaling metric: Prometheus evaluates the function's query and
 * stores it as `atonix_scaling_<name>`, which prometheus-adapter serves to the HPA Knative creates.
 */
export function renderScalingRule(spec: FunctionSpec): IPrometheusRule {
  const { query } = spec.scaling;
  if (!query) {
    throw new Error(
      `${spec.name} scales on a custom metric without scaling.query; run checkFunctionPolicy before rendering`,
    );
  }
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: functionMetadata(spec, `${spec.name}-scaling`),
    spec: {
      groups: [
        {
          name: `${spec.team}-${spec.name}-scaling`,
          rules: [{ record: customMetricName(spec), expr: query }],
        },
      ],
    },
  };
}

/** A Trigger on the team's Broker delivering matching events to the function. */
export function renderTrigger(spec: FunctionSpec): ITrigger {
  if (spec.trigger.type !== 'cloudevents') {
    throw new Error(`${spec.name} has no CloudEvents trigger`);
  }
  const { broker, filters } = spec.trigger;
  const sortedFilters = Object.fromEntries(
    Object.entries(filters).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: functionMetadata(spec),
    spec: {
      broker,
      ...(Object.keys(sortedFilters).length > 0
        ? { filter: { attributes: sortedFilters } }
        : {}),
      subscriber: {
        ref: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          name: spec.name,
        },
      },
    },
  };
}
