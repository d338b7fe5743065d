import type { IKustomizationSpec } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/KustomizationSpec';
import { RuleId } from '../policy/rules';
import { ManifestObject } from './objectRules';

/** `apiVersion/kind` of the Flux Kustomization this validator follows. */
export const FLUX_KUSTOMIZATION =
  'kustomize.toolkit.fluxcd.io/v1/Kustomization';

/** Flux source kinds a Kustomization's `sourceRef` may name. */
const FLUX_SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'Bucket']);

/** Namespaces every cluster has before Flux applies anything (flux-system comes from bootstrap). */
export const PREEXISTING_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'flux-system',
];

/** A Flux Kustomization of one cluster, with its `spec.path` resolved to a folder of the tree. */
export interface FluxKustomization {
  /** `<namespace>/<name>`, how other Kustomizations refer to it. */
  key: string;
  name: string;
  namespace: string;
  object: ManifestObject;
  spec: Partial<IKustomizationSpec>;
  /** Absolute folder `spec.path` points at. */
  path: string;
  /** The team whose functions it applies, when its path is `functions/<team>`. */
  team?: string;
}

/** One cluster as Flux sees it: everything reachable from the cluster's root Kustomization. */
export interface ClusterGraph {
  /** The file of the root Kustomization, where problems without a better place are reported. */
  entryFile: string;
  kustomizations: Map<string, FluxKustomization>;
  /** Which Kustomization's build contains a Kustomization (the one that applies it). */
  appliedBy: Map<string, string>;
  /** `<kind>/<namespace>/<name>` of every Flux source the cluster defines. */
  sources: Set<string>;
  /** Namespaces each Kustomization creates. */
  namespacesCreatedBy: Map<string, Set<string>>;
}

/** A problem with a Kustomization of the graph: the rule, the field inside it, and what to do. */
export interface GraphFinding {
  rule: RuleId;
  kustomization: FluxKustomization;
  path: Array<string | number>;
  message: string;
}

export function fluxKey(namespace: string, name: string) {
  return `${namespace}/${name}`;
}

/** Key of a Flux source object, matching how `sourceRef`s are looked up. */
export function fluxSourceKey(object: ManifestObject): string | undefined {
  if (
    !object.apiVersion?.startsWith('source.toolkit.fluxcd.io/') ||
    !FLUX_SOURCE_KINDS.has(String(object.kind))
  ) {
    return undefined;
  }
  return `${object.kind}/${fluxKey(
    object.metadata?.namespace ?? 'default',
    String(object.metadata?.name),
  )}`;
}

function dependencies(k: FluxKustomization): string[] {
  return (k.spec.dependsOn ?? []).map(d =>
    fluxKey(d.namespace ?? k.namespace, d.name),
  );
}

/** Rule `flux-ref`: every `sourceRef` and `dependsOn` names something this cluster defines. */
export function checkFluxReferences(graph: ClusterGraph): GraphFinding[] {
  const findings: GraphFinding[] = [];
  for (const k of graph.kustomizations.values()) {
    const ref = k.spec.sourceRef;
    const refNamespace = ref?.namespace ?? k.namespace;
    if (
      !ref ||
      !graph.sources.has(`${ref.kind}/${fluxKey(refNamespace, ref.name)}`)
    ) {
      findings.push({
        rule: 'flux-ref',
        kustomization: k,
        path: ['spec', 'sourceRef'],
        message: `Kustomization ${k.name} reads from ${ref?.kind} ${refNamespace}/${ref?.name}, which this cluster does not define; fix spec.sourceRef or add the source`,
      });
    }
    dependencies(k).forEach((dependency, index) => {
      if (!graph.kustomizations.has(dependency)) {
        findings.push({
          rule: 'flux-ref',
          kustomization: k,
          path: ['spec', 'dependsOn', index],
          message: `Kustomization ${k.name} depends on ${dependency}, which this cluster does not define; fix the name or add that Kustomization`,
        });
      }
    });
  }
  return findings;
}

/** Rule `flux-cycle`: Flux never applies Kustomizations that wait for each other. */
export function checkFluxCycles(graph: ClusterGraph): GraphFinding[] {
  const findings: GraphFinding[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (key: string, stack: string[]) => {
    if (state.get(key) === 'done') {
      return;
    }
    if (state.get(key) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(key)), key];
      const id = [...new Set(cycle)].sort().join(',');
      if (!reported.has(id)) {
        reported.add(id);
        findings.push({
          rule: 'flux-cycle',
          kustomization: graph.kustomizations.get(key)!,
          path: ['spec', 'dependsOn'],
          message: `dependsOn forms a cycle (${cycle.join(
            ' → ',
          )}), so Flux never applies any of them; remove one of these dependencies`,
        });
      }
      return;
    }
    state.set(key, 'visiting');
    const k = graph.kustomizations.get(key)!;
    for (const dependency of dependencies(k)) {
      if (graph.kustomizations.has(dependency)) {
        visit(dependency, [...stack, key]);
      }
    }
    state.set(key, 'done');
  };
  for (const key of graph.kustomizations.keys()) {
    visit(key, []);
  }
  return findings;
}

/**
 * Namespaces that exist by the time a Kustomization applies: created by the cluster itself, by
 * the Kustomization, by whatever it depends on (transitively), or by the Kustomization that
 * applies it (and so on up).
 */
export function namespacesAvailableTo(
  graph: ClusterGraph,
  key: string,
): Set<string> {
  const available = new Set(PREEXISTING_NAMESPACES);
  const seen = new Set<string>();
  const queue = [key];
  while (queue.length > 0) {
    const current = queue.pop()!;
    const k = graph.kustomizations.get(current);
    if (seen.has(current) || !k) {
      continue;
    }
    seen.add(current);
    for (const namespace of graph.namespacesCreatedBy.get(current) ?? []) {
      available.add(namespace);
    }
    queue.push(...dependencies(k));
    const parent = graph.appliedBy.get(current);
    if (parent) {
      queue.push(parent);
    }
  }
  return available;
}
