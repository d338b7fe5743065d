import {
  ALERT_SEVERITIES,
  ANNOTATION_CRITICAL,
  ANNOTATION_TEAM,
  FUNCTION_ALERT_LABELS,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  PolicyFinding,
  RuleId,
  ScalingFacts,
  checkScaling,
} from '../policy/rules';
import { KNATIVE_AUTOSCALING, KNATIVE_CLASS } from '../render/knative';
import { knativeWebhookFindings } from './knativeWebhook';
import { OPENFAAS_SCALE, OpenFaasFunctionSpec } from '../render/openfaas';
import type { IServiceSpec } from '@kubernetes-models/knative/serving.knative.dev/v1/ServiceSpec';

/** A Kubernetes object as read from `kustomize build` output. */
export interface ManifestObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** A rule broken by an object: the rule, the field path inside the object, and what to do. */
export interface ObjectFinding {
  rule: RuleId;
  path: Array<string | number>;
  message: string;
}

const KUBERNETES_DEFAULT_METRICS = ['rps', 'concurrency', 'cpu', 'memory'];

function knativeFacts(
  object: ManifestObject,
  recordedSeries: ReadonlySet<string>,
): { facts: ScalingFacts; at: (field: string) => Array<string | number> } {
  const annotations =
    (object.spec as IServiceSpec | undefined)?.template?.metadata
      ?.annotations ?? {};
  const annotationPath = (key: string) => [
    'spec',
    'template',
    'metadata',
    'annotations',
    key,
  ];
  const cls = (
    annotations[KNATIVE_AUTOSCALING.class] ?? 'kpa.autoscaling.knative.dev'
  ).split('.')[0];
  const metric =
    annotations[KNATIVE_AUTOSCALING.metric] ??
    (cls === 'hpa' ? 'cpu' : 'concurrency');
  const isCustom = !KUBERNETES_DEFAULT_METRICS.includes(metric);
  return {
    facts: {
      minScale: Number(annotations[KNATIVE_AUTOSCALING.minScale] ?? 0),
      maxScale: Number(annotations[KNATIVE_AUTOSCALING.maxScale] ?? Infinity),
      metric: isCustom ? 'custom' : metric,
      class: cls,
      query: isCustom && recordedSeries.has(metric) ? metric : undefined,
      critical: object.metadata?.labels?.[ANNOTATION_CRITICAL] === 'true',
    },
    at: field =>
      annotationPath(
        {
          'scaling.minScale': KNATIVE_AUTOSCALING.minScale,
          'scaling.maxScale': KNATIVE_AUTOSCALING.maxScale,
          'scaling.metric': KNATIVE_AUTOSCALING.metric,
          'scaling.query': KNATIVE_AUTOSCALING.metric,
        }[field] ?? KNATIVE_AUTOSCALING.class,
      ),
  };
}

function openFaasFacts(object: ManifestObject): {
  facts: ScalingFacts;
  at: (field: string) => Array<string | number>;
} {
  const labels =
    (object.spec as OpenFaasFunctionSpec | undefined)?.labels ?? {};
  const type = labels[OPENFAAS_SCALE.type] ?? 'rps';
  return {
    facts: {
      minScale:
        labels[OPENFAAS_SCALE.zero] === 'true'
          ? 0
          : Number(labels[OPENFAAS_SCALE.min] ?? 1),
      maxScale: Number(labels[OPENFAAS_SCALE.max] ?? Infinity),
      metric: type === 'capacity' ? 'concurrency' : type,
      class: 'openfaas',
      critical: object.metadata?.labels?.[ANNOTATION_CRITICAL] === 'true',
    },
    at: field => [
      'spec',
      'labels',
      field === 'scaling.maxScale' ? OPENFAAS_SCALE.max : OPENFAAS_SCALE.zero,
    ],
  };
}

/**
 * Rule `autoscaling` (platform rule 2): the scaling class, metric and target are written on every
 * revision, never left to the cluster's defaults, which can change under a running function.
 */
function implicitAutoscalingFindings(object: ManifestObject): ObjectFinding[] {
  const annotations =
    (object.spec as IServiceSpec | undefined)?.template?.metadata
      ?.annotations ?? {};
  const missing = (['class', 'metric', 'target'] as const).filter(
    key => !(KNATIVE_AUTOSCALING[key] in annotations),
  );
  if (missing.length === 0) {
    return [];
  }
  const seed = { class: KNATIVE_CLASS.kpa, metric: 'rps', target: '100' };
  const lines = missing
    .map(key => `${KNATIVE_AUTOSCALING[key]}: '${seed[key]}'`)
    .join(', ');
  return [
    {
      rule: 'autoscaling',
      path: ['spec', 'template', 'metadata', 'annotations'],
      message: `Service ${object.metadata?.name} leaves ${missing.join(
        ', ',
      )} to the cluster's defaults; autoscaling must be explicit: add under spec.template.metadata.annotations ${lines} (the seed's values; render from function.yaml to get them)`,
    },
  ];
}

function scalingFindings(
  object: ManifestObject,
  recordedSeries: ReadonlySet<string>,
): ObjectFinding[] {
  let scaled: ReturnType<typeof openFaasFacts> | undefined;
  if (
    object.apiVersion === 'serving.knative.dev/v1' &&
    object.kind === 'Service'
  ) {
    scaled = knativeFacts(object, recordedSeries);
  } else if (
    object.apiVersion === 'openfaas.com/v1' &&
    object.kind === 'Function'
  ) {
    scaled = openFaasFacts(object);
  }
  if (!scaled) {
    return [];
  }
  const explicit =
    object.kind === 'Service' ? implicitAutoscalingFindings(object) : [];
  return [
    ...explicit,
    ...checkScaling(scaled.facts).map((finding: PolicyFinding) => ({
      rule: finding.rule,
      path: scaled.at(finding.field),
      message:
        finding.rule === 'max-scale' && !Number.isFinite(scaled.facts.maxScale)
          ? 'no max scale is set, so the function can scale without bound; set it (at most 50)'
          : finding.message,
    })),
  ];
}

/** A literal env var inside an object: where its value is, its name and its value. */
export interface LiteralEnvVar {
  path: Array<string | number>;
  name: string;
  value: string;
}

/**
 * The literal env vars of an object (rule `hardcoded-secret`): every container `env` list
 * anywhere in it, and an OpenFaaS Function's `environment`. Entries with `valueFrom` have no
 * literal value and are skipped.
 */
export function literalEnvVars(object: ManifestObject): LiteralEnvVar[] {
  const found: LiteralEnvVar[] = [];
  const visit = (value: unknown, path: Array<string | number>) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'env' && Array.isArray(child)) {
        child.forEach((entry: { name?: unknown; value?: unknown }, index) => {
          if (typeof entry?.value === 'string') {
            found.push({
              path: [...path, key, index, 'value'],
              name: String(entry.name),
              value: entry.value,
            });
          }
        });
      } else {
        visit(child, [...path, key]);
      }
    }
  };
  visit(object, []);
  if (object.apiVersion === 'openfaas.com/v1' && object.kind === 'Function') {
    const environment =
      (object.spec as OpenFaasFunctionSpec | undefined)?.environment ?? {};
    for (const [name, value] of Object.entries(environment)) {
      found.push({ path: ['spec', 'environment', name], name, value });
    }
  }
  return found;
}

function plaintextSecretFindings(object: ManifestObject): ObjectFinding[] {
  if (
    object.apiVersion === 'v1' &&
    object.kind === 'Secret' &&
    !('sops' in object)
  ) {
    return [
      {
        rule: 'plaintext-secret',
        path: ['kind'],
        message: `Secret ${object.metadata?.name} is not encrypted; encrypt it with SOPS (sops --encrypt --in-place), or use a SealedSecret or ExternalSecret`,
      },
    ];
  }
  return [];
}

/**
 * Rule `team-namespace` for objects a team's Flux tenant applies: they live in the team's
 * namespace and say so in their team label.
 */
export function teamNamespaceFindings(
  object: ManifestObject,
  team: string,
): ObjectFinding[] {
  const findings: ObjectFinding[] = [];
  const namespace = object.metadata?.namespace;
  if (namespace !== team) {
    findings.push({
      rule: 'team-namespace',
      path: ['metadata', 'namespace'],
      message: `${object.kind} ${object.metadata?.name} is in namespace ${
        namespace ?? '(none)'
      } but belongs to team ${team}; set metadata.namespace: ${team}`,
    });
  }
  const label = object.metadata?.labels?.[ANNOTATION_TEAM];
  if (label !== undefined && label !== team) {
    findings.push({
      rule: 'team-namespace',
      path: ['metadata', 'labels', ANNOTATION_TEAM],
      message: `${object.kind} ${object.metadata?.name} is labelled ${ANNOTATION_TEAM}: ${label} but lives in the folder of team ${team}; move it to functions/${label}/ or fix the label`,
    });
  }
  return findings;
}

interface AlertingRule {
  alert?: string;
  labels?: Record<string, string>;
}

/**
 * Rule `function-alerts` for a team's PrometheusRules: every alert names the team and the function
 * it is about, with a known severity. Alertmanager routes on `team` (the team's receiver, declared
 * in its tenant folder) and the portal finds a function's alerts by `team` and `function`; an alert
 * without them reaches only the platform team, and the owners never hear of it.
 */
export function functionAlertFindings(
  object: ManifestObject,
  team: string,
): ObjectFinding[] {
  if (object.kind !== 'PrometheusRule') return [];
  const groups =
    (object.spec as { groups?: Array<{ rules?: AlertingRule[] }> })?.groups ??
    [];
  const findings: ObjectFinding[] = [];
  for (const [g, group] of groups.entries()) {
    for (const [r, rule] of (group.rules ?? []).entries()) {
      if (!rule.alert) continue;
      const labels = rule.labels ?? {};
      const path = ['spec', 'groups', g, 'rules', r, 'labels'];
      const where = `alert ${rule.alert} in PrometheusRule ${object.metadata?.name}`;
      if (labels[FUNCTION_ALERT_LABELS.team] !== team) {
        findings.push({
          rule: 'function-alerts',
          path,
          message: `${where} is labelled team: ${
            labels[FUNCTION_ALERT_LABELS.team] ?? '(none)'
          } but belongs to team ${team}; set labels.team: ${team} so it reaches the team's receiver`,
        });
      }
      if (!labels[FUNCTION_ALERT_LABELS.function]) {
        findings.push({
          rule: 'function-alerts',
          path,
          message: `${where} names no function; set labels.function to the function it is about so the portal shows it there`,
        });
      }
      const severity = labels[FUNCTION_ALERT_LABELS.severity];
      if (!(ALERT_SEVERITIES as readonly string[]).includes(severity)) {
        findings.push({
          rule: 'function-alerts',
          path,
          message: `${where} has severity ${
            severity ?? '(none)'
          }; set labels.severity to one of ${ALERT_SEVERITIES.join(', ')}`,
        });
      }
    }
  }
  return findings;
}

/** The platform rules that look at one object on its own. */
export function objectFindings(
  object: ManifestObject,
  recordedSeries: ReadonlySet<string>,
): ObjectFinding[] {
  return [
    ...scalingFindings(object, recordedSeries),
    ...plaintextSecretFindings(object),
    ...knativeWebhookFindings(object),
  ];
}
