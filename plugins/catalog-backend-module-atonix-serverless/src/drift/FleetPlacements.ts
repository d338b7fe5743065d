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
  readonly #items = new Map<string, FunctionPlacement>();
  /** By `functionKey(team, name)`: that function's placements, by placement key. */
  readonly #byFunction = new Map<string, Map<string, FunctionPlacement>>();
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
    this.#items.clear();
    this.#byFunction.clear();
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
      const gone = this.#delete(keyOf(removed));
      if (gone) touched.add(functionKey(gone.team, gone.name));
    }
    for (const placement of event.upserted) {
      const before = this.#items.get(keyOf(placement));
      if (before) touched.add(functionKey(before.team, before.name));
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

  /** Adds or replaces a placement in place (a function that moved teams moves between lists). */
  #set(fn: FunctionPlacement): string {
    const item = pick(fn);
    const placementKey = keyOf(item);
    const key = functionKey(item.team, item.name);
    const before = this.#items.get(placementKey);
    if (before && functionKey(before.team, before.name) !== key) {
      this.#forget(before, placementKey);
    }
    this.#items.set(placementKey, item);
    const placements = this.#byFunction.get(key);
    if (placements) placements.set(placementKey, item);
    else this.#byFunction.set(key, new Map([[placementKey, item]]));
    return key;
  }

  #delete(placementKey: string): FunctionPlacement | undefined {
    const item = this.#items.get(placementKey);
    if (!item) return undefined;
    this.#items.delete(placementKey);
    this.#forget(item, placementKey);
    return item;
  }

  #forget(item: FunctionPlacement, placementKey: string): void {
    const key = functionKey(item.team, item.name);
    const placements = this.#byFunction.get(key)!;
    placements.delete(placementKey);
    if (placements.size === 0) this.#byFunction.delete(key);
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
