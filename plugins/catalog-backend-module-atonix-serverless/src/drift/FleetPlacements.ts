import {
  ClusterSyncStatus,
  FunctionPlacement,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { ClusterInventory } from './FunctionInventoryClient';

/**
 * The catalog module's view of where functions run, kept from the backend's placement events
 * (`FUNCTION_PLACEMENTS_TOPIC`) after one snapshot read of `GET /functions` at start. Events that
 * arrive while the snapshot is being read are applied after it: each event is the state after a
 * change, so replaying it over a newer snapshot is undone by the event of the newer change.
 */
export class FleetPlacements {
  readonly #items = new Map<string, FunctionPlacement>();
  #clusters: ClusterSyncStatus[] = [];
  #pending?: FunctionPlacementsEvent[] = [];

  /** True once a snapshot has been read; before, nothing is known about the clusters. */
  get loaded(): boolean {
    return this.#pending === undefined;
  }

  /** Starts from a full read of the backend's inventory, then replays what came meanwhile. */
  load(snapshot: ClusterInventory): void {
    this.#items.clear();
    for (const item of snapshot.items) {
      this.#items.set(keyOf(item), pick(item));
    }
    this.#clusters = snapshot.clusters;
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    for (const event of pending) {
      this.apply(event);
    }
  }

  /** Applies one event (kept for after the snapshot while none has been read). */
  apply(event: FunctionPlacementsEvent): void {
    if (this.#pending) {
      this.#pending.push(event);
      return;
    }
    for (const removed of event.removed) {
      this.#items.delete(keyOf(removed));
    }
    for (const placement of event.upserted) {
      this.#items.set(keyOf(placement), pick(placement));
    }
    this.#clusters = event.clusters;
  }

  inventory(): ClusterInventory {
    return { items: [...this.#items.values()], clusters: this.#clusters };
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
