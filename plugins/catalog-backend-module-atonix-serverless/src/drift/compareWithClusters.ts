import {
  ClusterSyncStatus,
  FunctionDrift,
  FunctionPlacement,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { GitOpsFunction } from '../gitops/readGitOpsCatalog';

/** How one function of the GitOps repository fares in the clusters. */
export interface FunctionDriftStatus {
  drift: FunctionDrift;
  reason: string;
}

/** A function that runs in at least one cluster and has no folder in the GitOps repository. */
export interface UnmanagedFunction {
  team: string;
  name: string;
  /** The first cluster's report; where a function runs in several clusters they share a spec. */
  status: FunctionPlacement;
  /** `cluster/namespace` of every place it runs. */
  placements: string[];
}

export interface ClusterComparison {
  /** By `<team>/<name>`; empty when no checked cluster is synced (nothing is known yet). */
  functions: Map<string, FunctionDriftStatus>;
  unmanaged: UnmanagedFunction[];
}

/** Where functions run, by `functionKey` (kept by `FleetPlacements`). */
export interface PlacementsByFunction {
  /** Every cluster's sync state. */
  clusters: ClusterSyncStatus[];
  /** Every function that runs somewhere. */
  functionKeys(): Iterable<string>;
  /** Where one function runs among `clusters`. */
  placementsOf(key: string, clusters: Set<string>): FunctionPlacement[];
}

export function functionKey(team: string, name: string): string {
  return `${team}/${name}`;
}

/**
 * Compares the GitOps repository with what the clusters run. Every GitOps function is expected in
 * each checked cluster (all clusters run the same tenants and functions; see
 * gitops/clusters/README.md), and only clusters whose watches have synced are checked, so a backend
 * that just started does not report every function as missing.
 */
export function compareWithClusters(
  functions: GitOpsFunction[],
  fleet: PlacementsByFunction,
  requiredClusters?: string[],
): ClusterComparison {
  const checked = checkedClusters(fleet.clusters, requiredClusters);
  const result: ClusterComparison = { functions: new Map(), unmanaged: [] };
  if (checked.length === 0) {
    return result;
  }
  // Linear in the placements (functions × clusters: a million at 50,000 functions on 20 clusters).
  const checkedSet = new Set(checked);
  const managed = new Set<string>();
  for (const fn of functions) {
    const key = functionKey(fn.spec.team, fn.spec.name);
    managed.add(key);
    result.functions.set(
      key,
      driftOf(fn, fleet.placementsOf(key, checkedSet), checked),
    );
  }
  for (const key of fleet.functionKeys()) {
    const placements = managed.has(key)
      ? []
      : fleet.placementsOf(key, checkedSet);
    if (placements.length > 0) {
      result.unmanaged.push(unmanagedFunction(placements));
    }
  }
  return result;
}

/**
 * The clusters drift is judged on, sorted: synced and fresh ones (of `requiredClusters`, when
 * set). None means nothing is known yet.
 */
export function checkedClusters(
  clusters: ClusterSyncStatus[],
  requiredClusters?: string[],
): string[] {
  return clusters
    .filter(c => c.synced && !c.stale)
    .map(c => c.name)
    .filter(name => !requiredClusters || requiredClusters.includes(name))
    .sort();
}

/** How a GitOps function fares, given where it runs among the `checked` clusters. */
export function driftOf(
  { folder, spec }: GitOpsFunction,
  placements: FunctionPlacement[],
  checked: string[],
): FunctionDriftStatus {
  const runsIn = new Set(placements.map(p => p.cluster));
  const missing =
    runsIn.size === checked.length
      ? []
      : checked.filter(cluster => !runsIn.has(cluster));
  return missing.length === 0
    ? {
        drift: 'in-sync',
        reason: `Runs in ${checked.join(', ')} as ${folder} describes.`,
      }
    : {
        drift: 'not-running',
        reason: `${folder} is in the GitOps repository but the function does not run in ${missing.join(
          ', ',
        )}; check that ${
          spec.team
        }/kustomization.yaml in gitops/functions lists it and the team's Flux Kustomization "functions" is ready there.`,
      };
}

/** A function without a GitOps folder, from its placements in checked clusters (at least one). */
export function unmanagedFunction(
  placements: FunctionPlacement[],
): UnmanagedFunction {
  const [status] = placements;
  return {
    team: status.team,
    name: status.name,
    status,
    placements: placements.map(p => `${p.cluster}/${p.namespace}`),
  };
}

/** The sentence shown on a function that runs without a GitOps folder. */
export function unmanagedReason(fn: UnmanagedFunction): string {
  return `Runs in ${fn.placements.join(', ')} but gitops/functions/${fn.team}/${
    fn.name
  } does not exist: it was applied outside GitOps, or its folder was deleted and Flux has not pruned it yet. Add the folder (scaffolder or \`yarn atonix render\`) or delete the function from the cluster through Flux.`;
}
