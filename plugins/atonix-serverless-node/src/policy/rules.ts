import {
  FunctionSpec,
  MAX_SCALE_LIMIT,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { detectSecrets } from './secrets';

/**
 * Every rule the platform enforces, by id. The ids appear in validator output, in the scaffolder's
 * errors and in the README's table of rules, so they never change once published.
 */
export const RULE_IDS = [
  'team-namespace',
  'autoscaling',
  'scale-to-zero',
  'max-scale',
  'hardcoded-secret',
  'plaintext-secret',
  'sops-recipients',
  'secret-ref',
  'schema',
  'flux-ref',
  'flux-cycle',
  'kustomize-build',
  'knative-webhook',
  'image-tag',
  'tenant-isolation',
  'pod-security',
  'allowed-callers',
  'prometheus-rule',
  'function-alerts',
  'revision-history',
  'revision-name',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** A rule broken by a function: which rule, which spec field, and what to do. */
export interface PolicyFinding {
  rule: RuleId;
  /** Dotted path of the spec field, e.g. `scaling.minScale` or `env.2.value`. */
  field: string;
  message: string;
}

/**
 * The scaling facts the rules look at. Kept apart from `FunctionSpec` because the validator reads
 * them back from rendered manifests (Knative annotations, OpenFaaS labels), which may have been
 * edited by hand.
 */
export interface ScalingFacts {
  minScale: number;
  maxScale: number;
  metric: string;
  class: string;
  query?: string;
  critical: boolean;
}

/** Rules `scale-to-zero`, `max-scale` and `autoscaling` over one function's scaling. */
export function checkScaling(facts: ScalingFacts): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  if (facts.minScale > 0 && !facts.critical) {
    findings.push({
      rule: 'scale-to-zero',
      field: 'scaling.minScale',
      message: `minScale is ${facts.minScale} but the function is not critical; non-critical functions scale to zero: set minScale to 0, or mark the function critical if it must stay warm`,
    });
  }
  if (facts.maxScale > MAX_SCALE_LIMIT) {
    findings.push({
      rule: 'max-scale',
      field: 'scaling.maxScale',
      message: `maxScale is ${facts.maxScale}, above the platform limit of ${MAX_SCALE_LIMIT}; lower it, or ask the platform team to raise the limit and the team's quota together`,
    });
  }
  if (facts.class === 'kpa' && !['rps', 'concurrency'].includes(facts.metric)) {
    findings.push({
      rule: 'autoscaling',
      field: 'scaling.metric',
      message: `Knative's KPA scales on rps or concurrency only, not ${facts.metric}; use class hpa for cpu, memory or a custom metric`,
    });
  }
  if (facts.class === 'hpa' && ['rps', 'concurrency'].includes(facts.metric)) {
    findings.push({
      rule: 'autoscaling',
      field: 'scaling.metric',
      message: `the HPA class cannot scale on ${facts.metric}; use class kpa for request-driven scaling`,
    });
  }
  if (facts.class === 'hpa' && facts.minScale === 0) {
    findings.push({
      rule: 'autoscaling',
      field: 'scaling.minScale',
      message:
        'the HPA class cannot scale to zero; set minScale to at least 1 and mark the function critical, or use class kpa',
    });
  }
  if (facts.metric === 'custom' && !facts.query) {
    findings.push({
      rule: 'autoscaling',
      field: 'scaling.query',
      message:
        'a custom metric needs a Prometheus query (scaling.query) whose value the HPA compares with scaling.target',
    });
  }
  return findings;
}

/** The `hardcoded-secret` message for the literal env var `name`, given why it looks secret. */
export function hardcodedSecretMessage(name: string, reason: string): string {
  return `${name} looks like ${reason}; move it to a Secret (SOPS, SealedSecret or ExternalSecret) and reference it from secretEnv (secretKeyRef)`;
}

/** Rule `hardcoded-secret` over literal env vars; `fieldPrefix` locates them, e.g. `env`. */
export async function checkLiteralEnv(
  env: ReadonlyArray<{ name: string; value?: string }>,
  fieldPrefix: string,
): Promise<PolicyFinding[]> {
  const literal = [...env.entries()].flatMap(([index, { name, value }]) =>
    value === undefined ? [] : [{ index, name, value }],
  );
  const reasons = await detectSecrets(literal);
  return literal.flatMap(({ index, name }, i) => {
    const reason = reasons[i];
    return reason
      ? [
          {
            rule: 'hardcoded-secret' as const,
            field: `${fieldPrefix}.${index}.value`,
            message: hardcodedSecretMessage(name, reason),
          },
        ]
      : [];
  });
}

/**
 * Every platform rule a function spec can break, for the scaffolder (before it opens a pull
 * request) and `yarn atonix render` (before it writes anything).
 */
export async function checkFunctionPolicy(
  spec: FunctionSpec,
): Promise<PolicyFinding[]> {
  return [
    ...checkScaling({ ...spec.scaling, critical: spec.critical }),
    ...(await checkLiteralEnv(spec.env, 'env')),
  ];
}
