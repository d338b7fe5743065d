/**
 * Rules over what a team's folder applies and what the platform grants teams: `image-tag` (images
 * CI actually pushes) and `tenant-isolation` (one team cannot reach into another, or into the
 * platform).
 */
import {
  ANNOTATION_ALLOWED_CALLERS,
  FunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { PolicyFinding } from '../policy/rules';
import { allowedCallersAnnotations } from '../render/knative';
import type { ManifestObject, ObjectFinding } from './objectRules';

type Json = Record<string, any>;
type Path = Array<string | number>;

/** How a team's folder relates to the rest of the cluster. */
export interface TenantContext {
  team: string;
  /** The ServiceAccount the team's Flux Kustomization impersonates (its reconciler). */
  reconcilerServiceAccount?: string;
  /** Whether Prometheus forces each PrometheusRule's series into the rule's own namespace. */
  prometheusEnforcesNamespace: boolean;
  /** Exchanges and queues the team's folder declares (rabbitmq.com Exchange/Queue names). */
  declaredExchanges: ReadonlySet<string>;
  declaredQueues: ReadonlySet<string>;
  /**
   * The namespaces each RabbitmqCluster of the tree (`<namespace>/<name>`) lets declare topology
   * on it (`rabbitmq.com/topology-allowed-namespaces`, split on "," as the messaging topology
   * operator v1.20.1 does: `rabbitmqclient/cluster_reference.go:144-160`).
   */
  rabbitmqTopologyAllowed: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Why `image` is not pinned to something CI pushes, or `undefined`. The function repositories'
 * CI pushes exactly one tag, the full commit sha (templates' `ci.yaml`: `tags: <repo>:<sha>`), so
 * `:latest`, a missing tag or a version tag never exists in the registry; a digest always does.
 */
export function unpinnedImageReason(image: string): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) {
    return undefined;
  }
  const lastSegment = image.split('/').pop() ?? '';
  const tag = lastSegment.includes(':')
    ? lastSegment.slice(lastSegment.lastIndexOf(':') + 1)
    : undefined;
  if (tag !== undefined && /^[0-9a-f]{40}$/.test(tag)) {
    return undefined;
  }
  const what =
    tag === undefined
      ? 'has no tag (so it means :latest)'
      : `is tagged :${tag}`;
  return `image ${image} ${what}, which the function's CI never pushes (it pushes :<full commit sha> only); use the 40-character commit sha tag CI pushed, or a digest (@sha256:...)`;
}

/** The images of a function object: Knative containers and OpenFaaS `spec.image`. */
function imagePaths(object: ManifestObject): Array<[Path, string]> {
  const spec = (object.spec ?? {}) as Json;
  if (object.apiVersion === 'openfaas.com/v1' && object.kind === 'Function') {
    return typeof spec.image === 'string'
      ? [[['spec', 'image'], spec.image]]
      : [];
  }
  if (
    object.apiVersion === 'serving.knative.dev/v1' &&
    object.kind === 'Service'
  ) {
    const pod = (spec.template?.spec ?? {}) as Json;
    return ['initContainers', 'containers'].flatMap(list =>
      (Array.isArray(pod[list]) ? (pod[list] as Json[]) : []).flatMap(
        (container, index): Array<[Path, string]> =>
          typeof container.image === 'string'
            ? [
                [
                  ['spec', 'template', 'spec', list, index, 'image'],
                  container.image,
                ],
              ]
            : [],
      ),
    );
  }
  return [];
}

/** Rule `image-tag` over a function object in a team's folder. */
export function imageTagFindings(object: ManifestObject): ObjectFinding[] {
  return imagePaths(object).flatMap(([path, image]) => {
    const reason = unpinnedImageReason(image);
    return reason
      ? [{ rule: 'image-tag' as const, path, message: reason }]
      : [];
  });
}

function isolation(path: Path, message: string): ObjectFinding {
  return { rule: 'tenant-isolation', path, message };
}

/** Every `serviceAccountName` field in an object, wherever its pod spec keeps it. */
function serviceAccountPaths(
  value: unknown,
  path: Path = [],
): Array<[Path, string]> {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      serviceAccountPaths(item, [...path, index]),
    );
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(
    ([key, child]): Array<[Path, string]> =>
      key === 'serviceAccountName' && typeof child === 'string'
        ? [[[...path, key], child]]
        : serviceAccountPaths(child, [...path, key]),
  );
}

/**
 * Rule `tenant-isolation` over one object of a team's folder (functions/<team>): what the team's
 * reconciler would apply and what it could do to other teams.
 */
export function tenantIsolationFindings(
  object: ManifestObject,
  context: TenantContext,
): ObjectFinding[] {
  const { team } = context;
  const found: ObjectFinding[] = [];
  const group = object.apiVersion?.split('/')[0] ?? '';

  // Tenants' reconcilers may not manage Flux objects: a team's own source or Kustomization would
  // sync whatever it points at with the team's rights, outside review of this repository's folder.
  if (group.endsWith('.toolkit.fluxcd.io')) {
    found.push(
      isolation(
        ['kind'],
        `${object.kind} ${object.metadata?.name} is a Flux object, and tenants may not define Flux objects (sources, Kustomizations, HelmReleases): the platform syncs functions/${team} for the team; put the function's manifests in its folder instead`,
      ),
    );
  }

  // A pod running as the reconciler's ServiceAccount gets every right the team's Flux sync has.
  if (context.reconcilerServiceAccount) {
    for (const [path, name] of serviceAccountPaths(object.spec, ['spec'])) {
      if (name === context.reconcilerServiceAccount) {
        found.push(
          isolation(
            path,
            `${object.kind} ${object.metadata?.name} runs as ${name}, the ServiceAccount team ${team}'s Flux sync applies with; workloads must not hold the reconciler's rights: remove serviceAccountName or use a ServiceAccount of the function's own`,
          ),
        );
      }
    }
  }

  // A team's NetworkPolicies admit a function's declared callers and nothing else, as the
  // atonix-tenant-network-policies admission policy (gitops/tenants/common) enforces on apply.
  if (
    object.kind === 'NetworkPolicy' &&
    group === 'networking.k8s.io' &&
    !isCallersOnly(object.spec as Json)
  ) {
    found.push(
      isolation(
        ['spec'],
        `NetworkPolicy ${object.metadata?.name} is more than a list of callers; a team's folder may only admit namespaces by name (policyTypes [Ingress], from namespaceSelector.matchExpressions on kubernetes.io/metadata.name, operator In), the admission policy refuses anything else: declare callers with allowedCallers in function.yaml and render`,
      ),
    );
  }

  // Recording and alerting rules: a `namespace` label other than the team's writes (or fakes)
  // another namespace's series, e.g. one that team's HPA reads through prometheus-adapter.
  if (object.kind === 'PrometheusRule' && group === 'monitoring.coreos.com') {
    const groups = ((object.spec as Json)?.groups ?? []) as Json[];
    groups.forEach((ruleGroup, g) =>
      ((ruleGroup.rules ?? []) as Json[]).forEach((rule, r) => {
        const path: Path = ['spec', 'groups', g, 'rules', r];
        const labelled = rule.labels?.namespace;
        if (labelled !== undefined && labelled !== team) {
          found.push(
            isolation(
              [...path, 'labels', 'namespace'],
              `rule ${
                rule.record ?? rule.alert
              } labels its series namespace=${labelled}, another namespace's; a team's rules may only write series of namespace ${team}: remove the label`,
            ),
          );
        }
        if (
          !context.prometheusEnforcesNamespace &&
          typeof rule.expr === 'string' &&
          !new RegExp(`namespace\\s*=\\s*["']${team}["']`).test(rule.expr)
        ) {
          found.push(
            isolation(
              [...path, 'expr'],
              `rule ${
                rule.record ?? rule.alert
              } reads every namespace's series (no namespace="${team}" matcher) and this cluster's Prometheus does not enforce the rule's namespace, so its result can carry other teams' namespace label; add namespace="${team}" to each selector`,
            ),
          );
        }
      }),
    );
  }

  // A RabbitmqSource's controller declares its exchange, queue and binding in the source's own
  // namespace on the cluster it names (eventing-rabbitmq bd1ee997d
  // `pkg/reconciler/source/rabbitmqsource.go:167-193`), as do topology objects written in the
  // folder; the topology operator refuses them unless the cluster lists the team, so the function
  // would never get an event.
  const clusterRef = (object.spec as Json)?.rabbitmqClusterReference as
    | Json
    | undefined;
  const clusterKey = `${clusterRef?.namespace}/${clusterRef?.name}`;
  const allowed = context.rabbitmqTopologyAllowed.get(clusterKey);
  if (
    (group === 'rabbitmq.com' || object.kind === 'RabbitmqSource') &&
    clusterRef?.namespace !== undefined &&
    clusterRef.namespace !== team &&
    allowed &&
    !allowed.has(team) &&
    !allowed.has('*')
  ) {
    found.push(
      isolation(
        ['spec', 'rabbitmqClusterReference'],
        `${object.kind} ${object.metadata?.name} uses RabbitmqCluster ${clusterKey}, which does not list ${team} in rabbitmq.com/topology-allowed-namespaces, so the topology operator refuses its exchange, queue and binding and no event arrives: add ${team} to that annotation (the team-onboarding template does)`,
      ),
    );
  }

  // RabbitMQ topology: tenants declare exchanges, queues and bindings of their own (the reconciler
  // role grants nothing else); a binding to an exchange or queue the team does not declare reads
  // or feeds another team's messages on the shared cluster.
  if (group === 'rabbitmq.com') {
    if (!['Exchange', 'Queue', 'Binding'].includes(String(object.kind))) {
      found.push(
        isolation(
          ['kind'],
          `${object.kind} ${object.metadata?.name} changes the shared RabbitMQ for every team; tenants declare only Exchanges, Queues and Bindings: ask the platform team for this`,
        ),
      );
    }
    if (object.kind === 'Binding') {
      const spec = (object.spec ?? {}) as Json;
      if (spec.source && !context.declaredExchanges.has(spec.source)) {
        found.push(
          isolation(
            ['spec', 'source'],
            `Binding ${object.metadata?.name} binds from exchange ${spec.source}, which team ${team}'s folder does not declare; bind only to the team's own exchanges (declare an Exchange in functions/${team}), or have the other team publish to your Broker`,
          ),
        );
      }
      const declared =
        spec.destinationType === 'exchange'
          ? context.declaredExchanges
          : context.declaredQueues;
      if (spec.destination && !declared.has(spec.destination)) {
        found.push(
          isolation(
            ['spec', 'destination'],
            `Binding ${object.metadata?.name} delivers into ${
              spec.destinationType ?? 'queue'
            } ${
              spec.destination
            }, which team ${team}'s folder does not declare; bind only into the team's own queues and exchanges`,
          ),
        );
      }
    }
  }
  return found;
}

/** Whether a NetworkPolicy spec only admits named namespaces (what `renderCallersPolicy` writes). */
function isCallersOnly(spec: Json | undefined): boolean {
  const ingress = (spec?.ingress ?? []) as Json[];
  return (
    JSON.stringify(spec?.policyTypes) === '["Ingress"]' &&
    spec?.egress === undefined &&
    ingress.length > 0 &&
    ingress.every(
      rule =>
        Array.isArray(rule.from) &&
        rule.from.length > 0 &&
        (rule.from as Json[]).every(
          peer =>
            peer.ipBlock === undefined &&
            peer.namespaceSelector?.matchLabels === undefined &&
            Array.isArray(peer.namespaceSelector?.matchExpressions) &&
            peer.namespaceSelector.matchExpressions.length > 0 &&
            (peer.namespaceSelector.matchExpressions as Json[]).every(
              e =>
                e.key === 'kubernetes.io/metadata.name' && e.operator === 'In',
            ),
        ),
    )
  );
}

/**
 * Rule `tenant-isolation` for a NetworkPolicy in a team's namespace (wherever it is written):
 * an ingress rule with no `from`, or a peer selecting every namespace, opens the team's pods to
 * every other team.
 */
export function networkPolicyFindings(object: ManifestObject): ObjectFinding[] {
  if (
    object.kind !== 'NetworkPolicy' ||
    object.apiVersion !== 'networking.k8s.io/v1'
  ) {
    return [];
  }
  const ingress = ((object.spec as Json)?.ingress ?? []) as Json[];
  const found: ObjectFinding[] = [];
  ingress.forEach((rule, index) => {
    const from = rule.from as Json[] | undefined;
    const message = `NetworkPolicy ${object.metadata?.name} lets pods of every namespace in, so any team can call this team's functions directly; name the namespaces allowed in (namespaceSelector.matchLabels kubernetes.io/metadata.name)`;
    if (!from || from.length === 0) {
      found.push(isolation(['spec', 'ingress', index], message));
      return;
    }
    from.forEach((peer, p) => {
      const selector = peer.namespaceSelector as Json | undefined;
      const selectsAll =
        selector !== undefined &&
        Object.keys(selector.matchLabels ?? {}).length === 0 &&
        (selector.matchExpressions ?? []).length === 0;
      const openBlock =
        peer.ipBlock?.cidr === '0.0.0.0/0' &&
        !(peer.ipBlock.except?.length > 0);
      if (selectsAll || openBlock) {
        found.push(isolation(['spec', 'ingress', index, 'from', p], message));
      }
    });
  });
  return found;
}

/**
 * Rule `allowed-callers` over a Knative function's Service in its team's built folder: the
 * gateway's authorizer (platform/caller-authz) admits the teams its `atonix.io/allowed-callers`
 * annotation names, so that must say what function.yaml's `allowedCallers` says.
 */
export function allowedCallersAnnotationFindings(
  spec: FunctionSpec,
  objects: ManifestObject[],
): PolicyFinding[] {
  const service = objects.find(
    object =>
      object.apiVersion === 'serving.knative.dev/v1' &&
      object.kind === 'Service' &&
      object.metadata?.name === spec.name,
  );
  if (spec.runtime !== 'knative' || !service) return [];
  const expected = allowedCallersAnnotations(spec)[ANNOTATION_ALLOWED_CALLERS];
  const actual = service.metadata?.annotations?.[ANNOTATION_ALLOWED_CALLERS];
  if (actual === expected) return [];
  return [
    {
      rule: 'allowed-callers',
      field: 'allowedCallers',
      message: `Knative Service ${
        spec.name
      } has ${ANNOTATION_ALLOWED_CALLERS}: ${
        actual === undefined ? '(none)' : `"${actual}"`
      } but allowedCallers is [${spec.allowedCallers.join(
        ', ',
      )}]; the gateway's authorizer reads the Service, so run yarn atonix render to write it from function.yaml`,
    },
  ];
}
