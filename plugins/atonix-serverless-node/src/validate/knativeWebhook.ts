/**
 * Rule `knative-webhook`: what Knative's admission webhooks refuse although the CRD schemas accept
 * it (the CRDs are permissive; the `Validate` methods of the v1 types hold the rules). Each check
 * names the upstream code it mirrors, at the release the platform pins (Knative 1.23: tag
 * knative-v1.23.0 of knative/serving and knative-extensions/eventing-kafka-broker, knative.dev/eventing
 * v0.50.0 (the module of eventing's 1.23 release), knative.dev/pkg 521cb33b33dd and
 * knative.dev/networking c7a7b772cac9 (the commits serving v0.50.0's go.mod pins), and
 * knative-extensions/eventing-rabbitmq at bd1ee997d, the newest commit we could read, as it has no
 * 1.23 tag yet). Only what teams write is covered: Services, Triggers, Brokers and event sources.
 */
import { MAX_SCALE_LIMIT } from '@internal/backstage-plugin-atonix-serverless-common';
import type { ManifestObject, ObjectFinding } from './objectRules';

type Path = Array<string | number>;
type Json = Record<string, any>;

function finding(path: Path, message: string): ObjectFinding {
  return { rule: 'knative-webhook', path, message };
}

/** Go's `time.ParseDuration` (e.g. `1m30s`, `1.5h`), in milliseconds; undefined if invalid. */
function goDurationMs(text: string): number | undefined {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1e3,
    m: 60e3,
    h: 3600e3,
  };
  const body = text.replace(/^[-+]/, '');
  if (!/^((\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h))+$/.test(body) && body !== '0') {
    return undefined;
  }
  let total = 0;
  for (const [, amount, unit] of body.matchAll(
    /(\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h)/g,
  )) {
    total += Number(amount) * units[unit];
  }
  return text.startsWith('-') ? -total : total;
}

/** An ISO 8601 period as knative.dev/pkg's `period.Parse` accepts it, e.g. `PT1S`, `P1D`. */
const ISO_8601_PERIOD =
  /^-?P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

/** A DNS-1035 label (Kubernetes `NameIsDNS1035Label`): lower case, starts with a letter. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

// knative/serving pkg/apis/serving/k8s_validation.go:50-67, with the port numbers from serving's
// pkg/networking/constants.go:24-42 (8012 BackendHTTPPort, 8013 BackendHTTP2Port, 8022
// QueueAdminPort, 9090 AutoscalingQueueMetricsPort, 9091 UserQueueMetricsPort) and knative.dev/pkg
// observability/runtime/pprof.go:34 (8008 ProfilingDefaultPort, which replaced profiling's
// ProfilingPort in 1.19 with the same number).
const RESERVED_CONTAINER_NAMES = ['queue-proxy'];
const RESERVED_ENV_VARS = [
  'PORT',
  'K_SERVICE',
  'K_CONFIGURATION',
  'K_REVISION',
];
const RESERVED_PORTS = [8012, 8013, 8022, 9090, 9091, 8008];
const VALID_PORT_NAMES = ['', 'h2c', 'http1'];

const AUTOSCALING = 'autoscaling.knative.dev/';
const KPA = 'kpa.autoscaling.knative.dev';
const HPA = 'hpa.autoscaling.knative.dev';

/** The first of `keys` present in `annotations` (knative.dev/pkg kmap.KeyPriority). */
function annotation(
  annotations: Record<string, string>,
  ...keys: string[]
): [string, string] | undefined {
  const key = keys.map(k => `${AUTOSCALING}${k}`).find(k => k in annotations);
  return key === undefined ? undefined : [key, String(annotations[key])];
}

/**
 * The revision template's autoscaling annotations (serving pkg/apis/autoscaling/
 * annotation_validation.go:54-277, with the limits of register.go), as our clusters configure
 * them: max-scale-limit is MAX_SCALE_LIMIT and zero initial scale is not allowed (the autoscaler
 * default, pkg/autoscaler/config/config.go:62, which gitops/infrastructure does not change).
 */
function autoscalingFindings(
  annotations: Record<string, string>,
  at: (key: string) => Path,
) {
  const found: ObjectFinding[] = [];
  const report = (key: string, message: string) =>
    found.push(finding(at(key), message));
  const integer = (...keys: string[]) => {
    const entry = annotation(annotations, ...keys);
    if (!entry) return undefined;
    const [key, value] = entry;
    if (!/^\d+$/.test(value) || Number(value) > 2 ** 31 - 1) {
      report(
        key,
        `${key} is "${value}"; Knative needs a whole number of at least 0`,
      );
      return undefined;
    }
    return Number(value);
  };
  const number = (key: string, min: number, max: number, what: string) => {
    const entry = annotation(annotations, key);
    if (!entry) return;
    const value = Number(entry[1]);
    if (
      entry[1].trim() === '' ||
      Number.isNaN(value) ||
      value < min ||
      value > max
    ) {
      report(entry[0], `${entry[0]} is "${entry[1]}"; Knative accepts ${what}`);
    }
  };
  const duration = (
    key: string,
    minMs: number,
    maxMs: number,
    what: string,
  ) => {
    const entry = annotation(annotations, key);
    if (!entry) return;
    const ms = goDurationMs(entry[1]);
    if (ms === undefined || ms < minMs || ms > maxMs || ms % 1000 !== 0) {
      report(
        entry[0],
        `${entry[0]} is "${entry[1]}"; Knative accepts ${what}, in whole seconds (e.g. 60s)`,
      );
    }
  };

  // annotation_validation.go:66-73
  const cls = annotation(annotations, 'class');
  if (
    cls &&
    cls[1].endsWith('.knative.dev') &&
    cls[1] !== KPA &&
    cls[1] !== HPA
  ) {
    report(cls[0], `${cls[0]} is "${cls[1]}"; Knative knows ${KPA} and ${HPA}`);
  }
  // annotation_validation.go:178-235
  const min = integer('min-scale', 'minScale');
  const max = integer('max-scale', 'maxScale');
  if (min !== undefined && max !== undefined && max !== 0 && max < min) {
    report(
      `${AUTOSCALING}max-scale`,
      `max-scale (${max}) is less than min-scale (${min}); raise max-scale or lower min-scale`,
    );
  }
  if (max === 0) {
    report(
      `${AUTOSCALING}max-scale`,
      `max-scale 0 means unlimited, which the cluster's max-scale-limit (${MAX_SCALE_LIMIT}) refuses; set a number from 1 to ${MAX_SCALE_LIMIT}`,
    );
  }
  // annotation_validation.go:93-133, limits in register.go:87,184-216
  number('target', 0.01, Infinity, 'a number of at least 0.01');
  number('target-utilization-percentage', 1, 100, 'a number from 1 to 100');
  number('panic-window-percentage', 1, 100, 'a number from 1 to 100');
  number('panic-threshold-percentage', 110, 1000, 'a number from 110 to 1000');
  // annotation_validation.go:135-176, limits in register.go:141-144
  duration('window', 6_000, 3_600_000, 'a duration from 6s to 1h');
  duration('scale-down-delay', 0, 3_600_000, 'a duration from 0s to 1h');
  // annotation_validation.go:237-263 (which metric a class scales on) and the max-scale-limit
  // bound (:223-225) are the platform rules `autoscaling` and `max-scale`, reported there.
  // annotation_validation.go:265-277
  const initial = annotation(annotations, 'initial-scale', 'initialScale');
  if (initial) {
    const [key, value] = initial;
    if (!/^\d+$/.test(value)) {
      report(
        key,
        `${key} is "${value}"; Knative needs a whole number of at least 1`,
      );
    } else if (Number(value) === 0) {
      report(
        key,
        `${key} is 0, which the cluster refuses (allow-zero-initial-scale is off); set it to 1 or more`,
      );
    }
  }
  return found;
}

/**
 * The revision template's `networking.knative.dev*` annotations, checked since Knative 1.21: serving
 * revision_validation.go:70 refuses every key with that prefix except the ones knative.dev/networking
 * knows (pkg/apis/networking/metadata_validation.go:27-49, key names in register.go:70-119).
 */
const NETWORKING = 'networking.knative.dev';
const ALLOWED_NETWORKING_ANNOTATIONS = [
  'ingress.class',
  'ingress-class',
  'certificate.class',
  'certificate-class',
  'disableAutoTLS',
  'disable-auto-tls',
  'disable-external-domain-tls',
  'httpOption',
  'http-protocol',
].map(name => `${NETWORKING}/${name}`);

function networkingAnnotationFindings(
  annotations: Record<string, string>,
  at: (key: string) => Path,
): ObjectFinding[] {
  return Object.keys(annotations)
    .filter(
      key =>
        key.startsWith(NETWORKING) &&
        !ALLOWED_NETWORKING_ANNOTATIONS.includes(key),
    )
    .map(key =>
      finding(
        at(key),
        `${key} is not a networking annotation Knative knows on a revision template (it knows ${ALLOWED_NETWORKING_ANNOTATIONS.join(
          ', ',
        )}); remove it (for visibility, use the label ${NETWORKING}/visibility in the Service's metadata.labels)`,
      ),
    );
}

const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'];

/**
 * A container's startupProbe, which serving validates since 1.23 (k8s_validation.go:611-612 and
 * 559-562; before, it passed unchecked). The serving container's probe needs exactly one handler,
 * and a port given by name must be the serving port's name (validateProbe, :875-929). A sidecar may
 * not have one while multi-container-probing is off (the default, config/features.go:86, which
 * gitops/infrastructure does not change).
 */
function startupProbeFindings(
  container: Json,
  at: Path,
  isServing: boolean,
): ObjectFinding[] {
  const probe = container.startupProbe as Json | undefined;
  if (!probe) return [];
  const path = [...at, 'startupProbe'];
  if (!isServing) {
    return [
      finding(
        path,
        'a startupProbe on a container that does not serve is refused while multi-container-probing is off; remove it or probe the serving container',
      ),
    ];
  }
  const handlers = PROBE_HANDLERS.filter(h => probe[h] !== undefined);
  if (handlers.length !== 1) {
    return [
      finding(
        path,
        handlers.length === 0
          ? `the startupProbe has no handler; set one of ${PROBE_HANDLERS.join(
              ', ',
            )}`
          : `the startupProbe sets ${handlers.join(' and ')}; keep one`,
      ),
    ];
  }
  const [handler] = handlers;
  const probePort = probe[handler]?.port;
  // An unnamed serving port is called http (k8s_validation.go:522-524).
  const servingPortName =
    (Array.isArray(container.ports) ? container.ports[0]?.name : undefined) ||
    'http';
  if (
    (handler === 'httpGet' || handler === 'tcpSocket') &&
    typeof probePort === 'string' &&
    probePort !== '' &&
    probePort !== servingPortName
  ) {
    return [
      finding(
        [...path, handler, 'port'],
        `startupProbe port "${probePort}" is not the serving port's name ("${servingPortName}"); give the port's number, or leave the port out to probe the serving port`,
      ),
    ];
  }
  return [];
}

/**
 * The Service's `spec.traffic` (serving pkg/apis/serving/v1/route_validation.go:48-171): each target a
 * named revision or the latest one, percents within 0-100 summing to 100, tags DNS-1035 labels used
 * once. A Service without traffic gets 100 % to the latest revision by default (route_defaults.go:40-46).
 */
function trafficFindings(traffic: unknown): ObjectFinding[] {
  if (!Array.isArray(traffic) || traffic.length === 0) {
    return [];
  }
  const found: ObjectFinding[] = [];
  const tags = new Map<string, number>();
  let sum = 0;
  (traffic as Json[]).forEach((target, index) => {
    const at: Path = ['spec', 'traffic', index];
    const percent = target.percent ?? 0;
    sum += typeof percent === 'number' ? percent : 0;
    // route_validation.go:151-158
    if (typeof percent === 'number' && (percent < 0 || percent > 100)) {
      found.push(
        finding(
          [...at, 'percent'],
          `percent is ${percent}; Knative accepts 0 to 100`,
        ),
      );
    }
    const pinned = Boolean(target.revisionName);
    // route_validation.go:113-114: within a Service the configuration is the Service's own.
    if (target.configurationName !== undefined) {
      found.push(
        finding(
          [...at, 'configurationName'],
          'a Service routes to its own configuration; remove configurationName and use latestRevision: true',
        ),
      );
    }
    // route_validation.go:160-171
    if (
      typeof target.latestRevision === 'boolean' &&
      target.latestRevision === pinned
    ) {
      found.push(
        finding(
          [...at, 'latestRevision'],
          pinned
            ? `revisionName ${target.revisionName} is pinned, so latestRevision must be false`
            : 'latestRevision: false needs a revisionName to pin',
        ),
      );
    }
    // route_validation.go:175-184
    if (target.url !== undefined) {
      found.push(
        finding(
          [...at, 'url'],
          'url is reported by Knative in status; remove it from spec.traffic',
        ),
      );
    }
    if (target.tag === undefined || target.tag === '') {
      return;
    }
    // route_validation.go:65-69
    if (!DNS_1035_LABEL.test(String(target.tag))) {
      found.push(
        finding(
          [...at, 'tag'],
          `tag "${target.tag}" is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter)`,
        ),
      );
    }
    // route_validation.go:70-82
    const first = tags.get(target.tag);
    if (first === undefined) {
      tags.set(target.tag, index);
    } else {
      found.push(
        finding(
          [...at, 'tag'],
          `tag ${target.tag} is also on spec.traffic[${first}]; each tag names one target`,
        ),
      );
    }
  });
  // route_validation.go:85-90
  if (sum !== 100) {
    found.push(
      finding(
        ['spec', 'traffic'],
        `the traffic percentages sum to ${sum}; Knative needs 100`,
      ),
    );
  }
  return found;
}

/** A Knative Service (serving pkg/apis/serving/v1/service_validation.go:27-61 and what it calls). */
function serviceFindings(object: ManifestObject): ObjectFinding[] {
  const found: ObjectFinding[] = [];
  const spec = (object.spec ?? {}) as Json;
  const template = (spec.template ?? {}) as Json;
  const podSpec = (template.spec ?? {}) as Json;
  const base: Path = ['spec', 'template', 'spec'];
  const containers: Json[] = Array.isArray(podSpec.containers)
    ? podSpec.containers
    : [];
  const name = object.metadata?.name ?? '';

  // k8s_validation.go:432-434
  if (containers.length === 0) {
    found.push(
      finding(
        [...base, 'containers'],
        'the Service has no container; add one under spec.template.spec.containers',
      ),
    );
  }
  // k8s_validation.go:512-545: one serving port across all containers.
  const portCount = containers.reduce(
    (n, c) => n + (Array.isArray(c.ports) ? c.ports.length : 0),
    0,
  );
  if (portCount > 1) {
    found.push(
      finding(
        [...base, 'containers'],
        `${portCount} container ports are set; Knative serves exactly one port across all containers: keep the serving container's port and remove the others`,
      ),
    );
  }
  if (portCount === 0 && containers.length > 1) {
    found.push(
      finding(
        [...base, 'containers'],
        'with several containers, Knative needs the serving one to declare its port (ports: [{containerPort: ...}])',
      ),
    );
  }
  // k8s_validation.go:480-489: names must differ when there are several containers.
  const seen = new Set<string>();
  containers.forEach((container, index) => {
    const at: Path = [...base, 'containers', index];
    const containerName = container.name ?? '';
    if (containers.length > 1) {
      if (seen.has(containerName)) {
        found.push(
          finding(
            [...at, 'name'],
            `container name "${containerName}" is used twice; give each container its own name`,
          ),
        );
      }
      seen.add(containerName);
    }
    // k8s_validation.go:623-628
    if (RESERVED_CONTAINER_NAMES.includes(containerName)) {
      found.push(
        finding(
          [...at, 'name'],
          `"${containerName}" is the name of Knative's sidecar; rename the container`,
        ),
      );
    }
    // k8s_validation.go:635-636
    if (!container.image) {
      found.push(
        finding([...at, 'image'], 'the container has no image; set image'),
      );
    }
    // k8s_validation.go:350-362, 69: sidecars (containers without ports) may set PORT.
    const isServing =
      containers.length === 1 ||
      (Array.isArray(container.ports) && container.ports.length > 0);
    (Array.isArray(container.env) ? (container.env as Json[]) : []).forEach(
      (env, envIndex) => {
        if (
          RESERVED_ENV_VARS.includes(env?.name) &&
          (isServing || env.name !== 'PORT')
        ) {
          found.push(
            finding(
              [...at, 'env', envIndex, 'name'],
              `${env.name} is set by Knative itself; rename the variable`,
            ),
          );
        }
      },
    );
    found.push(...startupProbeFindings(container, at, isServing));
    // k8s_validation.go:772-826: the serving port.
    const [port] = Array.isArray(container.ports)
      ? (container.ports as Json[])
      : [];
    if (port) {
      if (RESERVED_PORTS.includes(port.containerPort)) {
        found.push(
          finding(
            [...at, 'ports', 0, 'containerPort'],
            `port ${
              port.containerPort
            } is used by Knative's queue-proxy (${RESERVED_PORTS.join(
              ', ',
            )}); listen on another port, e.g. 8080`,
          ),
        );
      }
      if (port.protocol !== undefined && port.protocol !== 'TCP') {
        found.push(
          finding(
            [...at, 'ports', 0, 'protocol'],
            `protocol ${port.protocol} cannot be served; Knative serves TCP only`,
          ),
        );
      }
      if (!VALID_PORT_NAMES.includes(port.name ?? '')) {
        found.push(
          finding(
            [...at, 'ports', 0, 'name'],
            `port name "${port.name}" is not allowed; leave it out, or use h2c or http1 to choose the protocol`,
          ),
        );
      }
    }
  });

  // revision_validation.go:138-171: a chosen revision name is a DNS-1035 label prefixed by the
  // Service's name.
  const revision = template.metadata?.name;
  if (typeof revision === 'string' && revision !== '') {
    if (!DNS_1035_LABEL.test(revision)) {
      found.push(
        finding(
          ['spec', 'template', 'metadata', 'name'],
          `revision name "${revision}" is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter)`,
        ),
      );
    } else if (!revision.startsWith(`${name}-`)) {
      found.push(
        finding(
          ['spec', 'template', 'metadata', 'name'],
          `revision name "${revision}" must start with "${name}-"; rename it, or leave it out and let Knative name revisions`,
        ),
      );
    }
  }
  found.push(...trafficFindings(spec.traffic));
  // revision_validation.go:173-184, limit from config/defaults.go:45 (600 s, which
  // gitops/infrastructure does not change).
  if (
    typeof podSpec.timeoutSeconds === 'number' &&
    (podSpec.timeoutSeconds < 0 || podSpec.timeoutSeconds > 600)
  ) {
    found.push(
      finding(
        [...base, 'timeoutSeconds'],
        `timeoutSeconds is ${podSpec.timeoutSeconds}; Knative accepts 0 to 600`,
      ),
    );
  }
  const templateAnnotations = template.metadata?.annotations ?? {};
  const annotationAt = (key: string): Path => [
    'spec',
    'template',
    'metadata',
    'annotations',
    key,
  ];
  found.push(
    ...autoscalingFindings(templateAnnotations, annotationAt),
    ...networkingAnnotationFindings(templateAnnotations, annotationAt),
  );
  return found;
}

/**
 * A destination (knative.dev/pkg apis/duck/v1/destination.go:63-85 and knative_reference.go:58-108):
 * a `ref` or an absolute `uri`, and a complete `ref` in the object's own namespace.
 */
function destinationFindings(
  destination: unknown,
  at: Path,
  namespace: string | undefined,
): ObjectFinding[] {
  const dest = (destination ?? {}) as Json;
  if (!dest.ref && !dest.uri) {
    return [
      finding(
        at,
        `${at.join(
          '.',
        )} names no destination; set ref (apiVersion, kind, name) or an absolute uri`,
      ),
    ];
  }
  if (!dest.ref) {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.test(String(dest.uri))
      ? []
      : [
          finding(
            [...at, 'uri'],
            `${at.join('.')}.uri "${
              dest.uri
            }" is relative; without a ref, Knative needs an absolute URI`,
          ),
        ];
  }
  if (dest.uri && /^[a-z][a-z0-9+.-]*:/i.test(String(dest.uri))) {
    return [
      finding(
        [...at, 'uri'],
        `${at.join(
          '.',
        )} has a ref and an absolute uri; keep one (a relative uri is a path on the ref)`,
      ),
    ];
  }
  const found: ObjectFinding[] = [];
  for (const field of ['apiVersion', 'kind', 'name']) {
    if (!dest.ref[field]) {
      found.push(
        finding(
          [...at, 'ref', field],
          `${at.join('.')}.ref has no ${field}; set it`,
        ),
      );
    }
  }
  if (dest.ref.namespace && namespace && dest.ref.namespace !== namespace) {
    found.push(
      finding(
        [...at, 'ref', 'namespace'],
        `${at.join('.')}.ref points into namespace ${
          dest.ref.namespace
        }, but Knative only delivers within ${namespace}; remove the namespace`,
      ),
    );
  }
  return found;
}

/** Delivery options (eventing pkg/apis/duck/v1/delivery_types.go:94-155). */
function deliveryFindings(
  delivery: unknown,
  at: Path,
  namespace: string | undefined,
): ObjectFinding[] {
  if (!delivery) return [];
  const d = delivery as Json;
  const found: ObjectFinding[] = [];
  if (d.deadLetterSink)
    found.push(
      ...destinationFindings(
        d.deadLetterSink,
        [...at, 'deadLetterSink'],
        namespace,
      ),
    );
  if (typeof d.retry === 'number' && d.retry < 0)
    found.push(finding([...at, 'retry'], `retry is ${d.retry}; use 0 or more`));
  if (
    d.backoffPolicy !== undefined &&
    !['linear', 'exponential'].includes(d.backoffPolicy)
  ) {
    found.push(
      finding(
        [...at, 'backoffPolicy'],
        `backoffPolicy is "${d.backoffPolicy}"; use linear or exponential`,
      ),
    );
  }
  if (
    d.backoffDelay !== undefined &&
    !ISO_8601_PERIOD.test(String(d.backoffDelay))
  ) {
    found.push(
      finding(
        [...at, 'backoffDelay'],
        `backoffDelay is "${d.backoffDelay}"; write an ISO 8601 duration, e.g. PT0.2S`,
      ),
    );
  }
  return found;
}

/** A Trigger (eventing pkg/apis/eventing/v1/trigger_validation.go:42-84, 172-186). */
function triggerFindings(object: ManifestObject): ObjectFinding[] {
  const spec = (object.spec ?? {}) as Json;
  const namespace = object.metadata?.namespace;
  const found: ObjectFinding[] = [];
  if (!spec.broker && !spec.brokerRef) {
    found.push(
      finding(
        ['spec'],
        "the Trigger names no broker; set spec.broker (the team's Broker is `default`)",
      ),
    );
  } else if (spec.broker && spec.brokerRef) {
    found.push(
      finding(
        ['spec', 'brokerRef'],
        'the Trigger sets both broker and brokerRef; keep one',
      ),
    );
  }
  if (spec.brokerRef?.namespace) {
    found.push(
      finding(
        ['spec', 'brokerRef', 'namespace'],
        'brokerRef.namespace is refused while cross-namespace event links are off; subscribe to a Broker in your own namespace',
      ),
    );
  }
  for (const attribute of Object.keys(spec.filter?.attributes ?? {})) {
    if (!/^[a-z][a-z0-9]*$/.test(attribute)) {
      found.push(
        finding(
          ['spec', 'filter', 'attributes', attribute],
          `filter attribute "${attribute}" is not a CloudEvents attribute name (lower-case letters and digits, starting with a letter)`,
        ),
      );
    }
  }
  if (!spec.subscriber) {
    found.push(
      finding(
        ['spec'],
        "the Trigger has no subscriber; set spec.subscriber.ref to the function's Service",
      ),
    );
  } else {
    found.push(
      ...destinationFindings(
        spec.subscriber,
        ['spec', 'subscriber'],
        namespace,
      ),
    );
  }
  found.push(
    ...deliveryFindings(spec.delivery, ['spec', 'delivery'], namespace),
  );
  return found;
}

/** A Broker (eventing pkg/apis/eventing/v1/broker_validation.go:34-94). */
function brokerFindings(object: ManifestObject): ObjectFinding[] {
  const spec = (object.spec ?? {}) as Json;
  const found = deliveryFindings(
    spec.delivery,
    ['spec', 'delivery'],
    object.metadata?.namespace,
  );
  if (spec.config) {
    for (const field of ['apiVersion', 'kind', 'name']) {
      if (!spec.config[field]) {
        found.push(
          finding(
            ['spec', 'config', field],
            `spec.config has no ${field}; set it or remove spec.config`,
          ),
        );
      }
    }
  }
  return found;
}

/**
 * Event sources: the sink (knative.dev/pkg apis/duck/v1/source_types.go:196-202, which
 * KafkaSource's webhook calls at eventing-kafka-broker control-plane/pkg/apis/sources/v1beta1/
 * kafka_validation.go:40; RabbitmqSource's webhook does not check it, but its controller cannot
 * resolve a sink without a destination), and RabbitmqSource's own rules (eventing-rabbitmq
 * pkg/apis/sources/v1alpha1/rabbitmq_validation.go:49-76, pkg/utils/rabbitmq_validation.go:24-41).
 */
function sourceFindings(object: ManifestObject): ObjectFinding[] {
  const spec = (object.spec ?? {}) as Json;
  const found = spec.sink
    ? destinationFindings(
        spec.sink,
        ['spec', 'sink'],
        object.metadata?.namespace,
      )
    : [];
  if (object.kind === 'RabbitmqSource') {
    const resources = spec.rabbitmqResourcesConfig as Json | undefined;
    if (
      resources &&
      resources.predeclared !== true &&
      !resources.exchangeName
    ) {
      found.push(
        finding(
          ['spec', 'rabbitmqResourcesConfig'],
          'exchangeName is required unless predeclared is true; name the exchange to bind the queue to',
        ),
      );
    }
    const cluster = spec.rabbitmqClusterReference as Json | undefined;
    if (cluster && !cluster.name && !cluster.connectionSecret) {
      found.push(
        finding(
          ['spec', 'rabbitmqClusterReference'],
          'rabbitmqClusterReference needs a name (a RabbitmqCluster) or a connectionSecret',
        ),
      );
    } else if (cluster?.name && cluster.connectionSecret) {
      found.push(
        finding(
          ['spec', 'rabbitmqClusterReference', 'connectionSecret'],
          'rabbitmqClusterReference sets both name and connectionSecret; keep one',
        ),
      );
    }
  }
  return found;
}

/** Everything Knative's webhooks would refuse in `object`; empty for kinds they do not own. */
export function knativeWebhookFindings(
  object: ManifestObject,
): ObjectFinding[] {
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'serving.knative.dev/v1/Service':
      return serviceFindings(object);
    case 'eventing.knative.dev/v1/Trigger':
      return triggerFindings(object);
    case 'eventing.knative.dev/v1/Broker':
      return brokerFindings(object);
    case 'sources.knative.dev/v1alpha1/RabbitmqSource':
    case 'sources.knative.dev/v1beta1/KafkaSource':
      return sourceFindings(object);
    default:
      return [];
  }
}
