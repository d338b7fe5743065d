import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import type { EventParams } from '@backstage/plugin-events-node';
import {
  FUNCTION_PLACEMENTS_TOPIC,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { GitOpsSource } from '@internal/backstage-plugin-atonix-serverless-node';
import { FunctionDirectory } from '../FunctionDirectory';
import {
  DriftOptions,
  FunctionEntityProvider,
  FunctionEntityProviderOptions,
} from '../FunctionEntityProvider';

/**
 * A provider with drift on, connected to a catalog that records its mutations and, unless `catalog`
 * says otherwise, holds no function from another source (no registered `catalog-info.yaml`).
 * Placement events are delivered by hand and the refresh task is not scheduled: the caller
 * refreshes. For the module's tests and bench/catalog-drift.ts.
 */
export async function standaloneProvider(options: {
  id: string;
  source: GitOpsSource;
  logger: LoggerService;
  inventory: DriftOptions['inventory'];
  /** Shared with a processor, when the test stands in for the catalog's processing. */
  directory?: FunctionDirectory;
  catalog?: FunctionEntityProviderOptions['catalog'];
  /** What the catalog does when the provider asks it to process entities by refresh key. */
  refresh?: EntityProviderConnection['refresh'];
}) {
  const mutations: EntityProviderMutation[] = [];
  const waiting: Array<(mutation: EntityProviderMutation) => void> = [];
  let deliver: (event: EventParams) => Promise<void> = async () => {};
  const provider = new FunctionEntityProvider({
    id: options.id,
    source: options.source,
    logger: options.logger,
    scheduler: { scheduleTask: async () => {} } as unknown as SchedulerService,
    emitGroups: false,
    context: {},
    directory: options.directory ?? new FunctionDirectory(),
    catalog: options.catalog ?? {
      getEntitiesByRefs: async () => ({ items: [] }),
    },
    // The catalog stand-in ignores credentials: the provider's own are a plain service principal.
    auth: {
      getOwnServiceCredentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'service', subject: 'plugin:catalog' },
      }),
    },
    events: {
      publish: async () => {},
      subscribe: async ({ topics, onEvent }) => {
        if (topics.includes(FUNCTION_PLACEMENTS_TOPIC)) deliver = onEvent;
      },
    },
    drift: { inventory: options.inventory },
  });
  await provider.connect({
    applyMutation: async mutation => {
      mutations.push(mutation);
      waiting.splice(0).forEach(resolve => resolve(mutation));
    },
    refresh: options.refresh ?? (async () => {}),
  });
  return {
    provider,
    /** Every mutation applied so far, oldest first. */
    mutations,
    /** The next mutation the provider applies. */
    nextMutation: () =>
      new Promise<EntityProviderMutation>(resolve => waiting.push(resolve)),
    /** Publishes a placement event of the backend to the provider. */
    deliverPlacements: (event: FunctionPlacementsEvent) =>
      deliver({ topic: FUNCTION_PLACEMENTS_TOPIC, eventPayload: event }),
  };
}
