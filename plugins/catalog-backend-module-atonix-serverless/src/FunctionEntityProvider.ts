import {
  AuthService,
  DiscoveryService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ComponentEntity,
  Entity,
  isComponentEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, stringifyError } from '@backstage/errors';
import {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  ANNOTATION_GITOPS_ERROR,
  ANNOTATION_GITOPS_VIEW,
  FUNCTION_PLACEMENTS_TOPIC,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  checkedClusters,
  ClusterComparison,
  compareWithClusters,
  driftOf,
  functionKey,
  unmanagedFunction,
} from './drift/compareWithClusters';
import { FleetPlacements } from './drift/FleetPlacements';
import { FunctionInventoryClient } from './drift/FunctionInventoryClient';
import {
  entityHash,
  FunctionDirectory,
  functionRefreshKey,
  HashedFunction,
  locationRefreshKey,
} from './FunctionDirectory';
import {
  GitOpsSource,
  gitOpsSourceFromConfig,
} from '@internal/backstage-plugin-atonix-serverless-node';
import {
  brokenFunctionEntity,
  EntityContext,
  functionEntity,
  teamGroupEntity,
  teamNamespaceEntity,
  unmanagedFunctionEntity,
} from './entities';
import {
  GitOpsCatalog,
  GitOpsFunction,
  readGitOpsCatalog,
} from './gitops/readGitOpsCatalog';
import { MAX_MERGE_REQUESTS, MergeRequests } from './MergeRequests';

/**
 * How many refreshes look again at a function the provider emitted for the first time while the
 * catalog showed it held by no one: at the repository's 10 s schedule, the better part of a
 * minute for the catalog to stitch another location's entity of it.
 */
export const FIRST_EMISSION_LOOKS = 5;

/** Where the provider's instances are configured: `<CONFIG_ROOT>.<provider id>`. */
export const CONFIG_ROOT = 'catalog.providers.atonixServerless';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
};

/**
 * The catalog's topic for an entity that two locations emit (`CATALOG_CONFLICTS_TOPIC` of
 * @backstage/plugin-catalog-backend, published by its DefaultProcessingDatabase).
 */
const CATALOG_CONFLICTS_TOPIC = 'experimental.catalog.conflict';

/** The snapshot the drift view starts from, and which clusters must run every function. */
export interface DriftOptions {
  inventory: Pick<FunctionInventoryClient, 'list'>;
  requiredClusters?: string[];
}

export interface FunctionEntityProviderOptions {
  /** The instance's key under `catalog.providers.atonixServerless`. */
  id: string;
  source: GitOpsSource;
  logger: LoggerService;
  scheduler: SchedulerService;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Emit one Group per tenant; false when Groups come from another source. */
  emitGroups: boolean;
  context: Omit<EntityContext, 'locationRef'>;
  drift?: DriftOptions;
  /** Shared with the processor that merges GitOps facts into functions registered elsewhere. */
  directory: FunctionDirectory;
  /** Tells which function entities another source (a registered catalog-info.yaml) holds. */
  catalog: Pick<CatalogService, 'getEntitiesByRefs'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  /** The backend's placement events (drift) and the catalog's conflict events. */
  events: EventsService;
}

/**
 * Emits one Component per function folder of the GitOps repository, one Group and one namespace
 * Resource per tenant, and a Component for each function a cluster runs without a folder. The
 * first emission after a start replaces all of this provider's entities (a full mutation, so what
 * left the tree while the portal was down leaves the catalog); after it, only entities that
 * changed are applied (delta mutations), when the tree moves or the backend announces that a
 * function started or stopped running somewhere. A function whose own repository's
 * `catalog-info.yaml` is registered is left to that location, and `GitOpsFunctionProcessor`
 * merges this provider's view into it (README, "One function, one entity").
 */
export class FunctionEntityProvider implements EntityProvider {
  readonly #options: FunctionEntityProviderOptions;
  #connection?: EntityProviderConnection;
  #tree?: {
    revision: string;
    catalog: GitOpsCatalog;
    /** The catalog's functions by `functionKey`, for placement events. */
    functions: Map<string, GitOpsFunction>;
  };
  readonly #warned = new Set<string>();
  #sourceFailing = false;
  readonly #placements = new FleetPlacements();
  /** A hash of each entity last applied, by entity ref; undefined before the first (full) one. */
  #emitted?: Map<string, string>;
  /**
   * Of the last whole build: which function (`functionKey`) each function entity comes from, by
   * entity ref (a broken folder's by its file), the refs two sources described (the first kept),
   * and the checked clusters. A placement event rebuilds only the functions it names while these
   * hold; anything else rebuilds everything.
   */
  #sources = new Map<string, string>();
  #contested = new Set<string>();
  #checked?: string;
  /** What the next emission covers: the functions of placement events, or everything. */
  #pending: Set<string> | 'all' = new Set();
  /** An emission failed: the next one rebuilds everything. */
  #rebuild = false;
  /** Claimed functions whose location was asked to be processed again. */
  #handedOver = new Set<string>();
  /**
   * Claimed functions the catalog has shown held by another location. Until then a claim the
   * processor just made may not show yet (the catalog stitches entities after processing them), so
   * not finding it does not mean its registration was removed.
   */
  readonly #shownElsewhere = new Set<string>();
  /**
   * Functions emitted for the first time while the catalog showed no other location holding them,
   * with the looks left (`FIRST_EMISSION_LOOKS`). A registration processed but not yet shown, or
   * a catalog that could not be read, would otherwise keep the registered entity stale until its
   * next scheduled processing: the catalog rejects the provider's entity as a conflict without
   * telling it.
   */
  readonly #unconfirmed = new Map<string, number>();
  readonly #mergeRequests = new MergeRequests();
  #emitting: Promise<void> = Promise.resolve();
  #emitQueued = false;

  /**
   * One provider per instance under `catalog.providers.atonixServerless` (none when it is not
   * configured); each instance reads its own GitOps repository and keeps its own `directory`.
   */
  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      scheduler: SchedulerService;
      reader: UrlReaderService;
      discovery: DiscoveryService;
      auth: AuthService;
      catalog: CatalogService;
      events: EventsService;
      /** A new directory per instance, shared with the processor. */
      directory: (id: string) => FunctionDirectory;
    },
  ): FunctionEntityProvider[] {
    const providers = config.getOptionalConfig(CONFIG_ROOT);
    return (providers?.keys() ?? []).map(id =>
      FunctionEntityProvider.#fromInstanceConfig(
        id,
        providers!.getConfig(id),
        deps,
      ),
    );
  }

  static #fromInstanceConfig(
    id: string,
    settings: Config,
    deps: Parameters<typeof FunctionEntityProvider.fromConfig>[1],
  ): FunctionEntityProvider {
    const at = `${CONFIG_ROOT}.${id}`;
    const gitops = settings.getConfig('gitops');
    const source = gitOpsSourceFromConfig(gitops, deps.reader, `${at}.gitops`);
    const groups = settings.getOptionalString('groups.source') ?? 'gitops';
    if (groups !== 'gitops' && groups !== 'external') {
      throw new InputError(
        `${at}.groups.source is "${groups}"; use gitops (one Group per tenant) or external (Groups come from another source)`,
      );
    }
    const drift = settings.getOptionalBoolean('drift.enabled') ?? true;
    return new FunctionEntityProvider({
      id,
      source,
      logger: deps.logger,
      scheduler: deps.scheduler,
      schedule: gitops.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            gitops.getConfig('schedule'),
          )
        : undefined,
      emitGroups: groups === 'gitops',
      directory: deps.directory(id),
      catalog: deps.catalog,
      auth: deps.auth,
      events: deps.events,
      context: {
        gitopsWebUrl:
          gitops.getOptionalString('webUrl') ??
          ((gitops.getOptionalString('type') ?? 'url') === 'url'
            ? gitops.getString('target')
            : undefined),
        functionRepositoryUrl: settings.getOptionalString(
          'functionRepositoryUrl',
        ),
        groupParent: settings.getOptionalString('groups.parent'),
      },
      drift: drift
        ? {
            inventory: FunctionInventoryClient.create(deps),
            requiredClusters: settings.getOptionalStringArray('drift.clusters'),
          }
        : undefined,
    });
  }

  constructor(options: FunctionEntityProviderOptions) {
    this.#options = options;
  }

  getProviderName(): string {
    return `atonix-serverless-functions:${this.#options.id}`;
  }

  /** The id of the instance's scheduled refresh, e.g. for `scheduler.triggerTask`. */
  static taskId(id: string): string {
    return `atonix-serverless-functions:${id}:refresh`;
  }

  /**
   * The location key of every entity this provider emits. A registered location that emits one of
   * its functions conflicts with it; the catalog announces the conflict and the provider hands the
   * function over (`#handOver`), so the two never fight over a ref.
   */
  get locationKey(): string {
    return `atonix-serverless:${this.#options.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    const { events, drift } = this.#options;
    await events.subscribe({
      id: `${this.getProviderName()}:events`,
      topics: [
        ...(drift ? [FUNCTION_PLACEMENTS_TOPIC] : []),
        CATALOG_CONFLICTS_TOPIC,
      ],
      onEvent: async ({ topic, eventPayload }) => {
        if (topic === FUNCTION_PLACEMENTS_TOPIC) {
          const touched = this.#placements.apply(
            eventPayload as FunctionPlacementsEvent,
          );
          if (this.#placements.loaded) {
            // Another set of checked clusters changes every function's drift.
            this.#queueEmit(
              this.#checkedClusters().join(',') === this.#checked
                ? touched
                : 'all',
            );
          }
        } else {
          // Not awaited: the catalog publishes conflicts inside its processing transaction, which
          // the hand-over's own mutation would wait for.
          this.#handOver(eventPayload as ConflictPayload).catch(error =>
            this.#options.logger.warn(
              `Could not hand a function over to its registered location: ${stringifyError(
                error,
              )}`,
            ),
          );
        }
      },
    });
    await this.#options.scheduler.scheduleTask({
      id: FunctionEntityProvider.taskId(this.#options.id),
      ...(this.#options.schedule ?? DEFAULT_SCHEDULE),
      // Every replica reads the repository, so its processor merges from a current view.
      scope: 'local',
      fn: () => this.refresh(),
    });
  }

  /**
   * Reads the GitOps repository (when it moved), checks that handed-over functions are still held
   * elsewhere and carry the provider's view, and applies what changed. When the repository cannot
   * be read the catalog keeps what it had; while the backend's inventory cannot be read the
   * functions are emitted without drift rather than all as drifted.
   */
  async refresh(): Promise<void> {
    if (!this.#connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    const { logger, source } = this.#options;
    let tree;
    try {
      tree = await source.read(this.#tree?.revision);
    } catch (error) {
      if (!this.#sourceFailing) {
        logger.error(
          `Cannot read the GitOps repository (${CONFIG_ROOT}.${
            this.#options.id
          }.gitops); the catalog keeps the functions and teams it has until it can: ${stringifyError(
            error,
          )}`,
        );
      }
      this.#sourceFailing = true;
      return;
    }
    if (this.#sourceFailing) {
      logger.info('The GitOps repository can be read again');
      this.#sourceFailing = false;
    }
    let changed = this.#emitted === undefined || this.#rebuild;
    if (tree) {
      const catalog = readGitOpsCatalog(tree.files);
      this.#tree = {
        revision: tree.revision,
        catalog,
        functions: new Map(
          catalog.functions.map(fn => [
            functionKey(fn.spec.team, fn.spec.name),
            fn,
          ]),
        ),
      };
      this.#warned.clear();
      for (const problem of catalog.problems) {
        this.#warnOnce(`${problem.file} ${problem.reason}`);
      }
      logger.info(
        `GitOps revision ${tree.revision}: ${catalog.functions.length} functions, ${catalog.problems.length} function folders with errors, ${catalog.teams.length} teams`,
      );
      changed = true;
    }
    if (this.#options.drift && !this.#placements.loaded) {
      changed = (await this.#loadPlacements()) || changed;
    }
    changed = (await this.#lookAgainAtFirstEmissions()) || changed;
    changed = (await this.#checkClaims()) || changed;
    if (changed) {
      await this.#queueEmit('all');
    }
  }

  /**
   * Runs one emission after the running one, of everything or of the functions named; emissions
   * asked for meanwhile are folded into it.
   */
  #queueEmit(scope: Set<string> | 'all'): Promise<void> {
    if (scope === 'all') this.#pending = 'all';
    else if (this.#pending !== 'all') {
      for (const key of scope) this.#pending.add(key);
    }
    if (!this.#emitQueued) {
      this.#emitQueued = true;
      this.#emitting = this.#emitting.then(async () => {
        this.#emitQueued = false;
        const pending = this.#pending;
        this.#pending = new Set();
        try {
          if (
            pending === 'all' ||
            this.#emitted === undefined ||
            this.#rebuild
          ) {
            await this.#emit();
          } else if (pending.size > 0) {
            await this.#emitFunctions(pending);
          }
        } catch (error) {
          this.#rebuild = true;
          this.#options.logger.error(
            `Could not apply the functions and teams of ${this.getProviderName()}: ${stringifyError(
              error,
            )}`,
          );
        }
      });
    }
    return this.#emitting;
  }

  /** Builds every entity and applies the ones that changed since the last emission. */
  async #emit(): Promise<void> {
    const connection = this.#connection!;
    if (!this.#tree) return;
    const { catalog } = this.#tree;
    const { directory } = this.#options;
    this.#checked = this.#checkedClusters().join(',');
    const entities = this.#entities(
      catalog,
      // Before the inventory is read no cluster is known: no drift is judged.
      compareWithClusters(
        catalog.functions,
        this.#placements,
        this.#options.drift?.requiredClusters,
      ),
    );
    const hashed = entities.map(entity => ({
      entity,
      hash: entityHash(entity),
    }));
    const functions = hashed.filter(
      (e): e is HashedFunction =>
        isComponentEntity(e.entity) && e.entity.spec.type === 'function',
    );
    const directoryChanged = directory.update(functions);
    const registered = await this.#claimRegistered(
      functions
        .map(({ entity }) => entity)
        .filter(
          entity =>
            !directory.claimed.has(entity.metadata.name) &&
            !this.#emitted?.has(stringifyEntityRef(entity)),
        ),
    );
    const ours = hashed.filter(
      ({ entity }) =>
        !(
          isComponentEntity(entity) &&
          directory.claimed.has(entity.metadata.name)
        ),
    );
    const hashes = new Map(
      ours.map(({ entity, hash }) => [stringifyEntityRef(entity), hash]),
    );
    const deferred = (entity: Entity): DeferredEntity => ({
      entity,
      locationKey: this.locationKey,
    });
    if (this.#emitted === undefined) {
      await connection.applyMutation({
        type: 'full',
        entities: ours.map(({ entity }) => deferred(entity)),
      });
    } else {
      const previous = this.#emitted;
      const added = ours
        .filter(
          ({ entity, hash }) =>
            previous.get(stringifyEntityRef(entity)) !== hash,
        )
        .map(({ entity }) => entity);
      const removed = [...previous.keys()].filter(ref => !hashes.has(ref));
      if (added.length || removed.length) {
        await connection.applyMutation({
          type: 'delta',
          added: added.map(deferred),
          removed: removed.map(entityRef => ({
            entityRef,
            locationKey: this.locationKey,
          })),
        });
      }
    }
    this.#emitted = hashes;
    this.#rebuild = false;
    await this.#refreshClaimed(
      [...directory.claimed].filter(
        name => directoryChanged.has(name) || registered.has(name),
      ),
    );
  }

  /**
   * Applies a placement event to the functions it names (`functionKey`s): their drift, entities
   * and directory entries, and a delta of those that changed. Falls back to `#emit` when one of
   * them shares its entity name with another source, where the whole build decides who keeps it.
   */
  async #emitFunctions(keys: Set<string>): Promise<void> {
    const { directory } = this.#options;
    const emitted = this.#emitted!;
    const checked = this.#checkedClusters();
    const checkedSet = new Set(checked);
    const context = this.#context();
    const built = [...keys].map(key => {
      const name = key.slice(key.indexOf('/') + 1);
      const fn = this.#tree!.functions.get(key);
      const placements = this.#placements.placementsOf(key, checkedSet);
      let entity: ComponentEntity | undefined;
      if (fn) {
        entity = functionEntity(
          fn,
          context,
          checked.length > 0 ? driftOf(fn, placements, checked) : undefined,
        );
      } else if (placements.length > 0) {
        entity = unmanagedFunctionEntity(
          unmanagedFunction(placements),
          context,
        );
      }
      return { key, name, entity, ref: `component:default/${name}` };
    });
    if (
      built.some(
        ({ key, entity, ref }) =>
          this.#contested.has(ref) ||
          (entity && (this.#sources.get(ref) ?? key) !== key),
      )
    ) {
      await this.#emit();
      return;
    }
    await this.#claimRegistered(
      built.flatMap(({ name, entity, ref }) =>
        entity && !directory.claimed.has(name) && !emitted.has(ref)
          ? [entity]
          : [],
      ),
    );
    const added: ComponentEntity[] = [];
    const removed: string[] = [];
    const changedClaims: string[] = [];
    for (const { key, name, entity, ref } of built) {
      // No entity now, and none of this function's before: another source's name, or nothing.
      if (!entity && this.#sources.get(ref) !== key) continue;
      const hashed = entity && { entity, hash: entityHash(entity) };
      if (directory.set(name, hashed) && directory.claimed.has(name)) {
        changedClaims.push(name);
      }
      if (entity) this.#sources.set(ref, key);
      else this.#sources.delete(ref);
      if (directory.claimed.has(name)) continue;
      if (hashed) {
        if (emitted.get(ref) !== hashed.hash) {
          emitted.set(ref, hashed.hash);
          added.push(hashed.entity);
        }
      } else if (emitted.delete(ref)) {
        removed.push(ref);
      }
    }
    if (added.length || removed.length) {
      await this.#connection!.applyMutation({
        type: 'delta',
        added: added.map(entity => ({ entity, locationKey: this.locationKey })),
        removed: removed.map(entityRef => ({
          entityRef,
          locationKey: this.locationKey,
        })),
      });
    }
    await this.#refreshClaimed(changedClaims);
  }

  /**
   * Entities held by another source are processed on that source's cadence; asks for them now
   * when what GitOps says about them changed (`changed`, including their folder going away), and
   * for those processed before this provider's first read, which the processor could not merge.
   * `#checkClaims` asks again until their entities carry the new view.
   */
  async #refreshClaimed(changed: string[]): Promise<void> {
    const { directory } = this.#options;
    for (const name of changed) {
      this.#mergeRequests.asked(name, directory.viewOf(name));
    }
    await this.#requestProcessing(changed);
  }

  /**
   * Asks the catalog to process the entities of functions `names`, and of those left unmerged, now.
   * Never throws: a failed request is repeated at a later refresh.
   */
  async #requestProcessing(names: string[]): Promise<void> {
    const { directory, logger } = this.#options;
    const unmerged = directory.loaded ? [...directory.unmerged] : [];
    const all = new Set([...unmerged, ...names]);
    if (all.size === 0) return;
    try {
      await this.#connection!.refresh({
        keys: [...all].map(name => functionRefreshKey(name)),
      });
      for (const name of unmerged) directory.unmerged.delete(name);
    } catch (error) {
      logger.warn(
        `Could not ask the catalog to process ${[...all].join(
          ', ',
        )} again, to merge what the GitOps repository says about them; asking again at the next refresh: ${stringifyError(
          error,
        )}`,
      );
    }
  }

  #checkedClusters(): string[] {
    return checkedClusters(
      this.#placements.clusters,
      this.#options.drift?.requiredClusters,
    );
  }

  /** The drift view's starting point; true when it was read. */
  async #loadPlacements(): Promise<boolean> {
    try {
      this.#placements.load(await this.#options.drift!.inventory.list());
      return true;
    } catch (error) {
      this.#warnOnce(
        `Cannot read the clusters' functions from the atonix-serverless backend, so entities show no drift until it answers: ${stringifyError(
          error,
        )}`,
      );
      return false;
    }
  }

  /**
   * Of the function entities the provider is about to emit for the first time (after a start, or
   * because a folder appeared or a cluster started running a function), claims those another
   * location already holds as function entities: above all a function repository's
   * `catalog-info.yaml` that the template registered before the pull request adding the folder
   * merged. The catalog would reject the provider's entity as a conflict without telling it (a
   * provider's conflicts are only logged; a location's are announced, see `#handOver`), and the
   * registered entity would say `not-in-gitops` until its next scheduled processing; claimed, it is
   * asked to be processed at once (`#refreshClaimed`). Returns the names claimed. When the catalog
   * cannot be read, or shows no one holding a function the provider emitted before, the entities
   * are emitted and looked at again (`#lookAgainAtFirstEmissions`).
   */
  async #claimRegistered(entities: ComponentEntity[]): Promise<Set<string>> {
    const registered = new Set<string>();
    if (entities.length === 0) return registered;
    let items: Array<Entity | undefined>;
    try {
      items = await this.#readFunctionEntities(
        entities.map(entity => entity.metadata.name),
        ['spec.type', 'metadata.annotations'],
      );
    } catch (error) {
      this.#warnOnce(
        `Cannot ask the catalog which functions are registered from their own repositories; the provider registers them from their GitOps folders and asks again at its next refreshes: ${stringifyError(
          error,
        )}`,
      );
      for (const entity of entities) {
        this.#unconfirmed.set(entity.metadata.name, FIRST_EMISSION_LOOKS);
      }
      return registered;
    }
    entities.forEach((entity, i) => {
      const held = items[i];
      const location = held?.metadata.annotations?.[ANNOTATION_LOCATION];
      if (
        held?.spec?.type === 'function' &&
        location !== entity.metadata.annotations?.[ANNOTATION_LOCATION]
      ) {
        this.#claim(entity.metadata.name);
        registered.add(entity.metadata.name);
      } else if (!held && this.#emitted !== undefined) {
        // Not at the first emission since a start: a new catalog shows none of the fleet yet, and
        // looking it all up again would cost five reads of every function.
        this.#unconfirmed.set(entity.metadata.name, FIRST_EMISSION_LOOKS);
      }
    });
    return registered;
  }

  /** The catalog's entities of functions `names` (`component:default/<name>`), as this provider. */
  async #readFunctionEntities(
    names: string[],
    fields: string[],
  ): Promise<Array<Entity | undefined>> {
    const { catalog, auth } = this.#options;
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: names.map(name => `component:default/${name}`), fields },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items;
  }

  /** Leaves function `name` to the other location the catalog shows holding it. */
  #claim(name: string) {
    this.#options.directory.claimed.add(name);
    this.#shownElsewhere.add(name);
  }

  /**
   * Looks again at the functions emitted for the first time that the catalog showed held by no one
   * (`#unconfirmed`), at most `FIRST_EMISSION_LOOKS` times each: claims those another location now
   * holds as function entities and asks for their processing at once, as `#claimRegistered` does.
   * True when one was claimed: the next emission drops the provider's own entity of it. A function
   * the catalog shows from this provider, or as something else than a function, is settled.
   */
  async #lookAgainAtFirstEmissions(): Promise<boolean> {
    const { directory } = this.#options;
    for (const name of this.#unconfirmed.keys()) {
      // Claimed since, or no longer emitted (its folder went): nothing left to confirm.
      if (
        directory.claimed.has(name) ||
        !this.#emitted?.has(`component:default/${name}`)
      ) {
        this.#unconfirmed.delete(name);
      }
    }
    const names = [...this.#unconfirmed.keys()];
    if (names.length === 0) return false;
    let items: Array<Entity | undefined>;
    try {
      items = await this.#readFunctionEntities(names, [
        'spec.type',
        'metadata.annotations',
      ]);
    } catch {
      return false; // the looks left stay for the next refresh
    }
    const claimed: string[] = [];
    names.forEach((name, i) => {
      const held = items[i];
      const location = held?.metadata.annotations?.[ANNOTATION_LOCATION];
      if (held?.spec?.type === 'function' && !this.#isOurs(name, location)) {
        this.#claim(name);
        claimed.push(name);
        this.#unconfirmed.delete(name);
      } else if (held || this.#unconfirmed.get(name)! <= 1) {
        this.#unconfirmed.delete(name);
      } else {
        this.#unconfirmed.set(name, this.#unconfirmed.get(name)! - 1);
      }
    });
    if (claimed.length === 0) return false;
    await this.#refreshClaimed(claimed);
    return true;
  }

  /**
   * Reads back the claimed functions' entities (only those): gives back the functions whose
   * registration was removed, and asks the catalog again to process those whose entity does not
   * carry the provider's current view (`MergeRequests`). True when one came back to the provider,
   * or when the provider still counts as emitted a function another location holds (its entity was
   * rejected as a conflict, and the processor claimed the function later): the next emission
   * forgets it, so that when the function comes back it is emitted again.
   */
  async #checkClaims(): Promise<boolean> {
    const { directory } = this.#options;
    const claimed = [...directory.claimed];
    if (claimed.length === 0) {
      await this.#requestProcessing([]);
      return false;
    }
    let items: Array<Entity | undefined>;
    try {
      items = await this.#readFunctionEntities(claimed, [
        'metadata.annotations',
      ]);
    } catch {
      return false;
    }
    let changed = false;
    const release = (name: string) => {
      directory.claimed.delete(name);
      this.#handedOver.delete(name);
      this.#shownElsewhere.delete(name);
      this.#mergeRequests.settled(name);
      changed = true;
    };
    const behind = new Map<string, string>();
    claimed.forEach((name, i) => {
      const annotations = items[i]?.metadata.annotations;
      if (
        items[i]
          ? this.#isOurs(name, annotations?.[ANNOTATION_LOCATION])
          : this.#shownElsewhere.has(name)
      ) {
        release(name);
        return;
      }
      if (items[i]) this.#shownElsewhere.add(name);
      if (this.#emitted?.has(`component:default/${name}`)) changed = true;
      const view = directory.viewOf(name);
      // A broken folder's view becomes a processing error, which leaves the entity as it was.
      const broken =
        directory.get(name)?.metadata.annotations?.[ANNOTATION_GITOPS_ERROR];
      if (annotations?.[ANNOTATION_GITOPS_VIEW] === view || broken) {
        this.#mergeRequests.settled(name);
      } else {
        behind.set(name, view);
      }
    });
    const { ask, exhausted } = this.#mergeRequests.due(behind);
    await this.#requestProcessing(ask);
    for (const name of exhausted) {
      if (this.#shownElsewhere.has(name)) {
        this.#options.logger.warn(
          `The catalog has not merged what the GitOps repository says about function ${name} into its entity after ${MAX_MERGE_REQUESTS} requests to process it again; it will at that entity's next scheduled processing (catalog.processingInterval). Check the entity's processing errors.`,
        );
      } else {
        this.#options.logger.warn(
          `The catalog has not shown component:default/${name} registered from another location after ${MAX_MERGE_REQUESTS} requests to process it; the provider registers it from its GitOps folder again.`,
        );
        release(name);
      }
    }
    return changed;
  }

  /**
   * A registered location emitted one of this provider's functions: leave the function to it (the
   * processor merges what GitOps knows), and ask the catalog to process that location again now.
   */
  async #handOver(conflict: ConflictPayload): Promise<void> {
    if (conflict.existingLocationKey !== this.locationKey) return;
    const name = conflict.unprocessedEntity?.metadata?.name;
    const { directory } = this.#options;
    if (!name || !directory.get(name) || this.#handedOver.has(name)) return;
    directory.claimed.add(name);
    this.#handedOver.add(name);
    directory.handovers.set(
      conflict.newLocationKey,
      (directory.handovers.get(conflict.newLocationKey) ?? 0) + 1,
    );
    await this.#queueEmit('all');
    await this.#connection?.refresh({
      keys: [locationRefreshKey(conflict.newLocationKey)],
    });
  }

  /** The refresh runs every few seconds locally: say each problem once per GitOps revision. */
  #warnOnce(message: string) {
    if (!this.#warned.has(message)) {
      this.#warned.add(message);
      this.#options.logger.warn(message);
    }
  }

  /** Whether `location` is where this provider's entity of function `name` comes from. */
  #isOurs(name: string, location: string | undefined): boolean {
    const ours = this.#options.directory.get(name);
    return (
      ours !== undefined &&
      ours.metadata.annotations?.[ANNOTATION_LOCATION] === location
    );
  }

  #context(): EntityContext {
    const { source } = this.#options;
    return {
      ...this.#options.context,
      locationRef: path => source.locationRef(path),
    };
  }

  /** Every entity; records where each function entity comes from (`#sources`, `#contested`). */
  #entities(catalog: GitOpsCatalog, comparison: ClusterComparison): Entity[] {
    const { emitGroups } = this.#options;
    const context = this.#context();
    const entities: Array<{ entity: Entity; source?: string }> = [
      ...catalog.functions.map(fn => {
        const key = functionKey(fn.spec.team, fn.spec.name);
        return {
          entity: functionEntity(fn, context, comparison.functions.get(key)),
          source: key,
        };
      }),
      ...catalog.problems.map(problem => ({
        entity: brokenFunctionEntity(problem, context),
        source: problem.file,
      })),
      ...comparison.unmanaged.map(fn => ({
        entity: unmanagedFunctionEntity(fn, context),
        source: functionKey(fn.team, fn.name),
      })),
      ...catalog.teams.map(team => ({
        entity: teamNamespaceEntity(team, context),
      })),
      ...(emitGroups
        ? catalog.teams.map(team => ({
            entity: teamGroupEntity(team, context),
          }))
        : []),
    ];
    this.#sources = new Map();
    this.#contested = new Set();
    // Entity names are unique per kind, function names only per team: the first folder keeps the
    // name, and the others are reported rather than left to the catalog's conflict handling.
    const seen = new Map<string, string>();
    const unique: Entity[] = [];
    for (const { entity, source } of entities) {
      const ref = stringifyEntityRef(entity);
      const where = entity.metadata.annotations?.[ANNOTATION_LOCATION] ?? ref;
      const first = seen.get(ref);
      if (first) {
        this.#contested.add(ref);
        this.#warnOnce(
          `${where} describes ${ref}, which ${first} already describes; function names must be unique across teams in the catalog, rename one of them`,
        );
        continue;
      }
      seen.set(ref, where);
      if (source !== undefined) this.#sources.set(ref, source);
      unique.push(entity);
    }
    return unique;
  }
}

/** What the catalog publishes on `experimental.catalog.conflict`. */
interface ConflictPayload {
  unprocessedEntity?: Entity;
  entityRef: string;
  newLocationKey: string;
  existingLocationKey: string;
}
