import {
  ClusterSyncStatus,
  FunctionPlacement,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionKey, PlacementsByFunction } from './compareWithClusters';
import { ClusterInventory } from './FunctionInventoryClient';

/**
 * The catalog module's view of where functions run, kept from the backend's placement events
 * (`FUNCTION_PLACEMENTS_TOPIC`) after one snapshot read of `GET /functions` at start. Events that
 * arrive while the snapshot is being read are applied after it: each event is the state after a
 * change, so replaying it over a newer snapshot is undone by the event of the newer change.
 * Placements are also kept by function, so an event costs the functions it names, not the fleet.
 */
export class FleetPlacements implements PlacementsByFunction {
  /** By `functionKey(team, name)`: that function's placements, by placement key. */
  readonly #byFunction = new Map<string, Map<string, FunctionPlacement>>();
  /** The `functionKey`s of each function name (usually one): a removal names no team. */
  readonly #keysByName = new Map<string, string[]>();
  #clusters: ClusterSyncStatus[] = [];
  #pending?: FunctionPlacementsEvent[] = [];

  /** True once a snapshot has been read; before, nothing is known about the clusters. */
  get loaded(): boolean {
    return this.#pending === undefined;
  }

  get clusters(): ClusterSyncStatus[] {
    return this.#clusters;
  }

  /** Starts from a full read of the backend's inventory, then replays what came meanwhile. */
  load(snapshot: ClusterInventory): void {
    this.#byFunction.clear();
    this.#keysByName.clear();
    for (const item of snapshot.items) {
      this.#set(item);
    }
    this.#clusters = snapshot.clusters;
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    for (const event of pending) {
      this.apply(event);
    }
  }

  /**
   * Applies one event (kept for after the snapshot while none has been read). Returns the
   * `functionKey`s whose placements it changed: a function that moved teams counts under both.
   */
  apply(event: FunctionPlacementsEvent): Set<string> {
    const touched = new Set<string>();
    if (this.#pending) {
      this.#pending.push(event);
      return touched;
    }
    for (const removed of event.removed) {
      const placementKey = keyOf(removed);
      const key = this.#find(placementKey, removed.name);
      if (key) {
        this.#forget(key, placementKey, removed.name);
        touched.add(key);
      }
    }
    for (const placement of event.upserted) {
      const before = this.#find(keyOf(placement), placement.name);
      if (before) touched.add(before);
      touched.add(this.#set(placement));
    }
    this.#clusters = event.clusters;
    return touched;
  }

  functionKeys(): Iterable<string> {
    return this.#byFunction.keys();
  }

  placementsOf(key: string, clusters: Set<string>): FunctionPlacement[] {
    const placements: FunctionPlacement[] = [];
    for (const p of this.#byFunction.get(key)?.values() ?? []) {
      if (clusters.has(p.cluster)) placements.push(p);
    }
    return placements;
  }

  /** The function a placement is kept under, if any. */
  #find(placementKey: string, name: string): string | undefined {
    return this.#keysByName
      .get(name)
      ?.find(key => this.#byFunction.get(key)!.has(placementKey));
  }

  /** Adds or replaces a placement (one that moved teams moves to the new team's function). */
  #set(fn: FunctionPlacement): string {
    const item = pick(fn);
    const placementKey = keyOf(item);
    const key = functionKey(item.team, item.name);
    const before = this.#find(placementKey, item.name);
    if (before !== undefined && before !== key) {
      this.#forget(before, placementKey, item.name);
    }
    const placements = this.#byFunction.get(key);
    if (placements) {
      placements.set(placementKey, item);
    } else {
      this.#byFunction.set(key, new Map([[placementKey, item]]));
      const keys = this.#keysByName.get(item.name);
      if (keys) keys.push(key);
      else this.#keysByName.set(item.name, [key]);
    }
    return key;
  }

  #forget(key: string, placementKey: string, name: string): void {
    const placements = this.#byFunction.get(key)!;
    placements.delete(placementKey);
    if (placements.size > 0) return;
    this.#byFunction.delete(key);
    const keys = this.#keysByName.get(name)!.filter(k => k !== key);
    if (keys.length > 0) this.#keysByName.set(name, keys);
    else this.#keysByName.delete(name);
  }
}

function keyOf(fn: FunctionPlacementsEvent['removed'][number]): string {
  return `${fn.cluster}/${fn.runtime}:${fn.namespace}/${fn.name}`;
}

/** Only what the drift check reads: a snapshot's items are whole function statuses. */
function pick(fn: FunctionPlacement): FunctionPlacement {
  const { cluster, namespace, name, team, runtime, critical } = fn;
  return { cluster, namespace, name, team, runtime, critical };
}
