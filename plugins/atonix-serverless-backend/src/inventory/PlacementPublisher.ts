import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  ClusterSyncStatus,
  FUNCTION_PLACEMENTS_TOPIC,
  FunctionPlacement,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';

/**
 * Announces on {@link FUNCTION_PLACEMENTS_TOPIC} what the catalog module's drift check reads: which
 * functions run where, and each cluster's sync state. Changes are collected while the inventory
 * derives a burst of events and published as one event; a change that moves nothing the drift
 * check reads (readiness, replicas, traffic) is not announced, and nothing is while nothing changes.
 */
export class PlacementPublisher {
  readonly #events: EventsService;
  readonly #logger: LoggerService;
  #upserted = new Map<string, FunctionPlacement>();
  #removed = new Map<string, FunctionPlacementsEvent['removed'][number]>();
  #clusters = '';

  static create(options: {
    events: EventsService;
    logger: LoggerService;
  }): PlacementPublisher {
    return new PlacementPublisher(options.events, options.logger);
  }

  private constructor(events: EventsService, logger: LoggerService) {
    this.#events = events;
    this.#logger = logger;
  }

  /** A function was derived; `before` is what the inventory held for it. */
  derived(placement: FunctionPlacement, before?: FunctionPlacement): void {
    if (
      before &&
      before.team === placement.team &&
      before.critical === placement.critical
    ) {
      return;
    }
    const key = keyOf(placement);
    this.#removed.delete(key);
    this.#upserted.set(key, placement);
  }

  removed(fn: FunctionPlacementsEvent['removed'][number]): void {
    const key = keyOf(fn);
    this.#upserted.delete(key);
    this.#removed.set(key, fn);
  }

  /** Publishes what was collected, and the clusters' states when they or anything else changed. */
  publish(clusters: ClusterSyncStatus[]): void {
    const signature = clusters
      .map(c => `${c.name}:${c.synced}:${c.stale}`)
      .join();
    if (
      this.#upserted.size === 0 &&
      this.#removed.size === 0 &&
      signature === this.#clusters
    ) {
      return;
    }
    const eventPayload: FunctionPlacementsEvent = {
      upserted: [...this.#upserted.values()],
      removed: [...this.#removed.values()],
      clusters,
    };
    this.#upserted = new Map();
    this.#removed = new Map();
    this.#clusters = signature;
    this.#events
      .publish({ topic: FUNCTION_PLACEMENTS_TOPIC, eventPayload })
      .catch(error =>
        this.#logger.warn(
          `Could not publish function placements on ${FUNCTION_PLACEMENTS_TOPIC}: ${error}`,
        ),
      );
  }
}

function keyOf(fn: FunctionPlacementsEvent['removed'][number]): string {
  return `${fn.cluster}/${fn.runtime}:${fn.namespace}/${fn.name}`;
}
