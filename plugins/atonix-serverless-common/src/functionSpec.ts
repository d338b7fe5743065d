import { z } from 'zod';
import { FUNCTION_RUNTIMES } from './values';
import { objectivesSchema } from './objectives';

/**
 * The one model of a function (see ARCHITECTURE.md): what a developer writes in `function.yaml`, what the
 * scaffolder collects in its form, what the renderers turn into manifests and what the catalog and
 * the portal show. Everything else derives from it; nothing re-declares it.
 */

/** `apiVersion` of the `function.yaml` file that keeps a function's spec next to its manifests. */
export const FUNCTION_SPEC_API_VERSION = 'atonix.io/v1alpha1';
/** `kind` of the `function.yaml` file. */
export const FUNCTION_SPEC_KIND = 'Function';

/** The seed's scaling defaults (`initial-scale "1"`, `min-scale "0"`, `max-scale "50"`, rps, 100). */
export const SCALING_DEFAULTS = {
  initialScale: 1,
  minScale: 0,
  maxScale: 50,
  metric: 'rps',
  target: 100,
  class: 'kpa',
} as const;

/** Upper bound of `maxScale` on this platform (rule `max-scale`): the team quotas are sized for it. */
export const MAX_SCALE_LIMIT = 50;

/** The container port when the spec names none; Knative's and OpenFaaS's own convention. */
export const DEFAULT_PORT = 8080;

/**
 * Longest function name. Knative derives object names from the Service name, the longest being the
 * revision's private Kubernetes Service `<name>-00001-private`; Kubernetes Service names are DNS-1035
 * labels of at most 63 characters, so 63 - len('-00001-private') = 49. A longer name is accepted by
 * the Knative webhook but its first revision never becomes ready.
 */
export const MAX_FUNCTION_NAME_LENGTH = 49;

/**
 * Longest revision name (`revisionName`, a traffic target's name). Knative names a revision's private
 * Kubernetes Service `<revision>-private`, a DNS-1035 label of at most 63 characters: 63 -
 * len('-private') = 55. The same reasoning as {@link MAX_FUNCTION_NAME_LENGTH}.
 */
export const MAX_REVISION_NAME_LENGTH = 55;

/** Longest team name: the team is the namespace, a DNS-1123 label. */
export const MAX_TEAM_NAME_LENGTH = 63;

/**
 * Names that belong to the platform. A team named `kube-system` or `flux-system` would turn the
 * tenant into an owner of a system namespace (its Flux tenant could prune what runs there); a
 * function named after a controller's prefix would be confused with that controller's objects in
 * dashboards, alerts and RBAC rules that match by name.
 */
const RESERVED_NAMES = [
  /^kube-/,
  /^knative-/,
  /^openfaas/,
  /^flux-/,
  /^calico-/,
  /^tigera-/,
  /^kourier-/,
  /^rabbitmq/,
  /^cert-manager$/,
  /^atonix-/,
  /^keda$/,
  /^default$/,
  /^monitoring$/,
  /^logging$/,
  // Namespaces the platform's components install into (gitops/infrastructure); the validator
  // also refuses a team named after any namespace the platform creates (rule tenant-isolation).
  /^cert-manager$/,
  /^rabbitmq(-system)?$/,
  /^kourier-system$/,
];

/** True when `name` is kept for the platform and cannot name a team or a function. */
export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.some(pattern => pattern.test(name));
}

/**
 * Env names the runtimes set themselves: Knative rejects a Service that sets them, and the
 * function would read the runtime's value anyway.
 */
export const RESERVED_ENV_NAMES = [
  'PORT',
  'K_SERVICE',
  'K_CONFIGURATION',
  'K_REVISION',
];

/** Ports the Knative queue-proxy sidecar listens on; the user container cannot use them. */
const QUEUE_PROXY_PORTS = [8012, 8013, 8022, 9090, 9091];

// Service and namespace names are DNS-1035 labels: lower-case, must start with a letter.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

function dnsLabel(what: string, maxLength: number) {
  return z
    .string()
    .min(1, `${what} must not be empty`)
    .max(maxLength, `${what} must be at most ${maxLength} characters`)
    .regex(
      DNS_1035_LABEL,
      `${what} must be lower-case letters, digits and '-', start with a letter and end with a letter or digit`,
    )
    .refine(name => !isReservedName(name), {
      error: issue =>
        `${what} "${issue.input}" is reserved for the platform (kube-*, knative-*, openfaas*, flux-*, calico-*, tigera-*, kourier-*, rabbitmq*, cert-manager, atonix-*, keda, default, monitoring, logging); choose another`,
    });
}

const envName = z
  .string()
  .regex(
    ENV_NAME,
    'env names are letters, digits and _, not starting with a digit',
  )
  .refine(name => !RESERVED_ENV_NAMES.includes(name), {
    message: `is set by the runtime (${RESERVED_ENV_NAMES.join(
      ', ',
    )}); use another name`,
  });

const quantity = z
  .string()
  .regex(
    QUANTITY,
    'must be a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi',
  );

const resourceList = z.strictObject({
  cpu: quantity.optional(),
  memory: quantity.optional(),
});

/** A Kubernetes name used as a reference (Secret, Broker, RabbitmqCluster). */
const objectName = z
  .string()
  .max(253)
  .regex(DNS_1123_SUBDOMAIN, 'must be a lower-case DNS-1123 name');

export const secretKeyRefSchema = z.strictObject({
  secretName: objectName,
  key: z
    .string()
    .regex(SECRET_KEY, 'secret keys are letters, digits, -, _ and .'),
});

export const scalingSchema = z.strictObject({
  minScale: z.number().int().min(0).default(SCALING_DEFAULTS.minScale),
  maxScale: z.number().int().min(1).default(SCALING_DEFAULTS.maxScale),
  initialScale: z.number().int().min(0).default(SCALING_DEFAULTS.initialScale),
  metric: z
    .enum(['rps', 'concurrency', 'cpu', 'memory', 'custom'])
    .default(SCALING_DEFAULTS.metric),
  target: z.number().positive().default(SCALING_DEFAULTS.target),
  /**
   * `kpa`: Knative's request-driven autoscaler (rps/concurrency, can scale to zero). `hpa`: the
   * Kubernetes HPA through Knative's HPA class (cpu, memory, or a custom Prometheus query recorded
   * by a PrometheusRule and served to the HPA by prometheus-adapter). KEDA is not a class here: a
   * ScaledObject cannot target a Knative revision without a second HPA fighting Knative's own.
   */
  class: z.enum(['kpa', 'hpa']).default(SCALING_DEFAULTS.class),
  /** PromQL whose value is compared to `target`; required when `metric` is `custom`. */
  query: z.string().min(1).optional(),
});

const rabbitmqSourceSchema = z.strictObject({
  type: z.literal('rabbitmq'),
  /** The RabbitmqCluster (cluster operator) to consume from; or `connectionSecret` for any broker. */
  cluster: z
    .strictObject({ name: objectName, namespace: objectName.optional() })
    .optional(),
  /** A Secret with the connection `uri` (plus credentials) of a RabbitMQ outside the cluster. */
  connectionSecret: objectName.optional(),
  exchange: z.string().min(1),
  queue: z.string().min(1),
  vhost: z.string().min(1).optional(),
  /** Messages processed at once; 1 keeps the queue's order. */
  parallelism: z.number().int().min(1).max(1000).optional(),
  /**
   * Whether someone else already declared the queue (bound to the exchange). By default the source
   * declares a durable `headers` exchange of that name (kept if it exists with that type), the queue
   * and their binding through the RabbitMQ messaging topology operator the platform runs. Set true
   * only when the queue exists already, e.g. the exchange is of another type.
   */
  predeclared: z.boolean().default(false),
});

const kafkaSourceSchema = z.strictObject({
  type: z.literal('kafka'),
  bootstrapServers: z.array(z.string().min(1)).min(1),
  topics: z.array(z.string().min(1)).min(1),
  /** Defaults to `<team>-<name>` so two functions reading one topic each see every message. */
  consumerGroup: z.string().min(1).optional(),
  initialOffset: z.enum(['earliest', 'latest']).default('latest'),
});

export const eventSourceSchema = z.discriminatedUnion('type', [
  rabbitmqSourceSchema,
  kafkaSourceSchema,
]);

export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('http') }),
  z.strictObject({
    type: z.literal('cloudevents'),
    /** The team's Broker; tenants create one named `default` in their namespace. */
    broker: objectName.default('default'),
    /** CloudEvents attributes that must match exactly, e.g. `{ type: com.atonix.order.created }`. */
    filters: z.record(z.string().min(1), z.string()).default({}),
    /** Where the events come from; without it, anything already on the Broker. */
    source: eventSourceSchema.optional(),
  }),
]);

/**
 * One route of a function's traffic, Knative's `TrafficTarget` in spec form: either a named revision
 * (`revisionName`) or whatever revision is latest (`latestRevision: true`), with its share and an
 * optional tag that gives it its own URL (`<tag>-<name>.<team>...`).
 */
export const trafficTargetSchema = z.strictObject({
  revisionName: z.string().min(1).optional(),
  latestRevision: z.boolean().optional(),
  percent: z
    .number()
    .int('percent is a whole number')
    .min(0, 'percent is between 0 and 100')
    .max(100, 'percent is between 0 and 100'),
  tag: z
    .string()
    .regex(
      DNS_1035_LABEL,
      'a tag is lower-case letters, digits and -, starting with a letter (it becomes part of a host name)',
    )
    .optional(),
});

/**
 * Knative's rules for a revision's own name (serving pkg/apis/serving/v1/revision_validation.go:147-169
 * at knative-v1.23.0): a DNS-1035 label that starts with `<service name>-`. Returns what is wrong, or
 * undefined.
 */
export function revisionNameProblem(
  functionName: string,
  revisionName: string,
): string | undefined {
  if (!revisionName.startsWith(`${functionName}-`)) {
    return `revision name "${revisionName}" must start with "${functionName}-" (Knative requires the Service's name as prefix), e.g. ${functionName}-v2`;
  }
  if (revisionName.length > MAX_REVISION_NAME_LENGTH) {
    return `revision name "${revisionName}" is longer than ${MAX_REVISION_NAME_LENGTH} characters (Knative appends -private for its Service); shorten the part after "${functionName}-"`;
  }
  if (!DNS_1035_LABEL.test(revisionName)) {
    return `revision name "${revisionName}" must be lower-case letters, digits and '-', and end with a letter or digit`;
  }
  return undefined;
}

/** Traffic rules that need the whole list (Knative route_validation.go:48-171 at knative-v1.23.0). */
function checkTraffic(
  spec: { name: string; runtime: string; traffic?: FunctionTrafficTarget[] },
  ctx: z.RefinementCtx,
) {
  const { traffic } = spec;
  if (!traffic) {
    return;
  }
  if (spec.runtime !== 'knative') {
    ctx.addIssue({
      code: 'custom',
      path: ['traffic'],
      message:
        'a traffic split needs Knative revisions; remove traffic or use runtime knative',
    });
    return;
  }
  if (traffic.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['traffic'],
      message:
        'traffic is empty; remove it (all traffic goes to the latest revision) or list at least one target',
    });
    return;
  }
  const tags = new Map<string, number>();
  let sum = 0;
  for (const [index, target] of traffic.entries()) {
    sum += target.percent;
    const pinned = target.revisionName !== undefined;
    // route_validation.go:160-171 and 143-147: a target is a named revision or the latest one.
    if (pinned === (target.latestRevision === true)) {
      ctx.addIssue({
        code: 'custom',
        path: ['traffic', index],
        message: pinned
          ? `set either revisionName (${target.revisionName}) or latestRevision: true, not both`
          : 'name a revision (revisionName) or set latestRevision: true',
      });
    }
    if (pinned) {
      const problem = revisionNameProblem(spec.name, target.revisionName!);
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          path: ['traffic', index, 'revisionName'],
          message: problem,
        });
      }
    }
    if (target.tag !== undefined) {
      const first = tags.get(target.tag);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['traffic', index, 'tag'],
          message: `tag ${target.tag} is already on traffic.${first}; each tag names one target`,
        });
      } else {
        tags.set(target.tag, index);
      }
    }
  }
  if (sum !== 100) {
    ctx.addIssue({
      code: 'custom',
      path: ['traffic'],
      message: `the traffic percentages sum to ${sum}; they must sum to 100`,
    });
  }
}

export const functionSpecSchema = z
  .strictObject({
    // functions/<team>/secrets holds the team's SOPS-encrypted Secrets, beside its functions.
    name: dnsLabel('name', MAX_FUNCTION_NAME_LENGTH).refine(
      name => name !== 'secrets',
      'name "secrets" is the folder of the team\'s encrypted Secrets (functions/<team>/secrets); choose another',
    ),
    team: dnsLabel('team', MAX_TEAM_NAME_LENGTH),
    description: z.string().optional(),
    runtime: z.enum(FUNCTION_RUNTIMES).default('knative'),
    image: z
      .string()
      .regex(
        /^\S+$/,
        'image must be an OCI reference without spaces, e.g. ghcr.io/org/fn:1.0.0',
      ),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .refine(port => !QUEUE_PROXY_PORTS.includes(port), {
        message: `is used by Knative's queue-proxy (${QUEUE_PROXY_PORTS.join(
          ', ',
        )}); listen on another port, e.g. ${DEFAULT_PORT}`,
      })
      .default(DEFAULT_PORT),
    /** Plain configuration. Never secrets: those go in `secretEnv` (rule `hardcoded-secret`). */
    env: z
      .array(z.strictObject({ name: envName, value: z.string() }))
      .default([]),
    /** Env vars read from a Kubernetes Secret (SOPS, SealedSecret or ExternalSecret managed). */
    secretEnv: z.record(envName, secretKeyRefSchema).default({}),
    scaling: scalingSchema.prefault({}),
    /** Critical functions keep `minScale` replicas warm; others scale to zero (rule `scale-to-zero`). */
    critical: z.boolean().default(false),
    trigger: triggerSchema.prefault({ type: 'http' }),
    /**
     * Other teams whose functions may call this one directly, pod to pod (its own team always
     * may). Rendered as a NetworkPolicy in the team's namespace; everyone else is refused there.
     * Calls through the shared Knative gateway are not covered (gitops/README.md, "Calls between
     * teams").
     */
    allowedCallers: z
      .array(dnsLabel('allowedCallers entry', MAX_TEAM_NAME_LENGTH))
      .default([]),
    resources: z
      .strictObject({
        requests: resourceList.optional(),
        limits: resourceList.optional(),
      })
      .optional(),
    /** What the function promises; its alerts watch these (defaults: `functionObjectives`). */
    objectives: objectivesSchema.optional(),
    /**
     * The name of the revision this spec creates (Knative's `spec.template.metadata.name`),
     * `<name>-<suffix>`. Named revisions can be found again in git, so a rollback is a commit. Knative
     * refuses a changed template under an unchanged name: give every change a new one.
     */
    revisionName: z.string().optional(),
    /** How requests are split across revisions; without it, the latest revision gets them all. */
    traffic: z.array(trafficTargetSchema).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.revisionName !== undefined) {
      const problem =
        spec.runtime === 'knative'
          ? revisionNameProblem(spec.name, spec.revisionName)
          : 'a revision name needs Knative revisions; remove revisionName or use runtime knative';
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          path: ['revisionName'],
          message: problem,
        });
      }
    }
    checkTraffic(spec, ctx);
    const names = new Set<string>();
    for (const [index, { name }] of spec.env.entries()) {
      if (names.has(name) || name in spec.secretEnv) {
        ctx.addIssue({
          code: 'custom',
          path: ['env', index, 'name'],
          message: `${name} is set twice; keep one entry (in env or secretEnv)`,
        });
      }
      names.add(name);
    }
    for (const [index, caller] of spec.allowedCallers.entries()) {
      if (caller === spec.team || spec.allowedCallers.indexOf(caller) < index) {
        ctx.addIssue({
          code: 'custom',
          path: ['allowedCallers', index],
          message:
            caller === spec.team
              ? `${caller} is the function's own team, which may always call it; remove the entry`
              : `${caller} is listed twice; keep one entry`,
        });
      }
    }
    const { scaling, trigger } = spec;
    if (scaling.minScale > scaling.maxScale) {
      ctx.addIssue({
        code: 'custom',
        path: ['scaling', 'minScale'],
        message: `minScale ${scaling.minScale} is above maxScale ${scaling.maxScale}; lower minScale or raise maxScale`,
      });
    }
    if (spec.runtime === 'openfaas') {
      if (!['rps', 'concurrency', 'cpu'].includes(scaling.metric)) {
        ctx.addIssue({
          code: 'custom',
          path: ['scaling', 'metric'],
          message: `OpenFaaS scales on rps, concurrency (capacity) or cpu, not ${scaling.metric}; pick one of those or use runtime knative`,
        });
      }
      if (scaling.class !== 'kpa') {
        ctx.addIssue({
          code: 'custom',
          path: ['scaling', 'class'],
          message: `class ${scaling.class} is a Knative autoscaler class; OpenFaaS functions use OpenFaaS's own autoscaler, so leave class at kpa or use runtime knative`,
        });
      }
      if (spec.port !== DEFAULT_PORT) {
        ctx.addIssue({
          code: 'custom',
          path: ['port'],
          message: `the OpenFaaS watchdog always listens on ${DEFAULT_PORT}; remove port or set it to ${DEFAULT_PORT}`,
        });
      }
      if (trigger.type !== 'http') {
        ctx.addIssue({
          code: 'custom',
          path: ['trigger', 'type'],
          message:
            'CloudEvents triggers need Knative Eventing; use runtime knative for event-driven functions',
        });
      }
      if (spec.objectives) {
        ctx.addIssue({
          code: 'custom',
          path: ['objectives'],
          message:
            "OpenFaaS functions have no per-function alerts yet: the gateway's series live in namespace openfaas, which a team's PrometheusRule cannot read (enforcedNamespaceLabel); remove objectives or use runtime knative",
        });
      }
    }
    if (
      trigger.type === 'cloudevents' &&
      trigger.source?.type === 'rabbitmq' &&
      !trigger.source.cluster === !trigger.source.connectionSecret
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['trigger', 'source'],
        message:
          'a RabbitMQ source needs exactly one of cluster (a RabbitmqCluster) or connectionSecret',
      });
    }
  });

/** A function as written by its author: every defaulted field may be left out. */
export type FunctionSpecInput = z.input<typeof functionSpecSchema>;
/** A function with every default applied: what renderers and rules work on. */
export type FunctionSpec = z.output<typeof functionSpecSchema>;
export type FunctionScaling = FunctionSpec['scaling'];
export type FunctionTrigger = FunctionSpec['trigger'];
export type FunctionEventSource = z.output<typeof eventSourceSchema>;
export type SecretKeyRef = z.output<typeof secretKeyRefSchema>;
export type ScalingMetric = FunctionScaling['metric'];
export type ScalingClass = FunctionScaling['class'];
/** A traffic target as `function.yaml` writes it (the cluster's view is `TrafficTarget` in api.ts). */
export type FunctionTrafficTarget = z.output<typeof trafficTargetSchema>;

/** One problem with a spec: the dotted field path (`scaling.maxScale`, `env.0.name`) and what to do. */
export interface FunctionSpecIssue {
  path: string;
  message: string;
}

export type FunctionSpecParseResult =
  | { success: true; spec: FunctionSpec }
  | { success: false; issues: FunctionSpecIssue[] };

/**
 * Parses an untrusted spec (a `function.yaml` body, a scaffolder form, a request), applies the
 * seed's defaults, and reports every problem at once with the field it concerns. The platform
 * policy rules (scale to zero, max scale, secrets) are separate, in the node package, because the
 * validator applies them to manifests as well.
 */
export function parseFunctionSpec(input: unknown): FunctionSpecParseResult {
  const result = functionSpecSchema.safeParse(input);
  if (result.success) {
    return { success: true, spec: result.data };
  }
  return {
    success: false,
    issues: result.error.issues.map(issue => ({
      path: issue.path.map(String).join('.') || '(spec)',
      message: issue.message,
    })),
  };
}

/** Renders issues as lines a person can act on: `scaling.maxScale: must be ...`. */
export function formatFunctionSpecIssues(issues: FunctionSpecIssue[]): string {
  return issues.map(issue => `${issue.path}: ${issue.message}`).join('\n');
}
