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
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ClusterComparison,
  compareWithClusters,
  functionKey,
} from './drift/compareWithClusters';
import {
  ClusterInventory,
  FunctionInventoryClient,
} from './drift/FunctionInventoryClient';
import {
  GitOpsSource,
  gitOpsSourceFromConfig,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { FunctionDirectory, functionRefreshKey } from './FunctionDirectory';
import {
  brokenFunctionEntity,
  EntityContext,
  functionEntity,
  teamGroupEntity,
  teamNamespaceEntity,
  unmanagedFunctionEntity,
} from './entities';
import { GitOpsCatalog, readGitOpsCatalog } from './gitops/readGitOpsCatalog';

/** Where the provider's instances are configured: `<CONFIG_ROOT>.<provider id>`. */
export const CONFIG_ROOT = 'catalog.providers.atonixServerless';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
};

/** Where the clusters' inventory comes from, and which clusters must run every function. */
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
  catalog: Pick<CatalogService, 'getEntities'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
}

/**
 * Emits one Component per function folder of the GitOps repository, one Group and one namespace
 * Resource per tenant, and a Component for each function a cluster runs without a folder. Every
 * refresh replaces all of this provider's entities (a full mutation), so a deleted folder leaves
 * the catalog. A function whose own repository's `catalog-info.yaml` is registered is left to that
 * location, and `GitOpsFunctionProcessor` merges this provider's view into it (README, "One
 * function, one entity").
 */
export class FunctionEntityProvider implements EntityProvider {
  readonly #options: FunctionEntityProviderOptions;
  #connection?: EntityProviderConnection;
  #tree?: { revision: string; catalog: GitOpsCatalog };
  readonly #warned = new Set<string>();
  #sourceFailing = false;
  #registered = new Set<string>();
  /** The functions of the last applied mutation, to tell when GitOps changed since. */
  #appliedSignature = '';

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

  /** The id of the instance's per-replica task that keeps the processor's view current. */
  static viewTaskId(id: string): string {
    return `atonix-serverless-functions:${id}:view`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    const { id, scheduler, schedule = DEFAULT_SCHEDULE } = this.#options;
    // The entities are applied by one replica at a time: with the database-backed scheduler a
    // global task runs on one of the replicas that share the database.
    await scheduler.scheduleTask({
      id: FunctionEntityProvider.taskId(id),
      ...schedule,
      scope: 'global',
      fn: () => this.refresh(),
    });
    // Every replica processes entities, so every replica's GitOpsFunctionProcessor needs a current
    // view; an unchanged repository costs one ref lookup or ETag request.
    await scheduler.scheduleTask({
      id: FunctionEntityProvider.viewTaskId(id),
      ...schedule,
      scope: 'local',
      fn: async () => {
        await this.refreshView();
      },
    });
  }

  /**
   * Updates the view (`refreshView`) and replaces every entity of this provider with it; asks the
   * catalog to reprocess the functions another location holds when what GitOps says about them
   * changed.
   */
  async refresh(): Promise<void> {
    const connection = this.#connection;
    if (!connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    const view = await this.refreshView();
    if (!view) {
      return;
    }
    const { entities, functions } = view;
    const signature = JSON.stringify(functions);
    const gitopsChanged = signature !== this.#appliedSignature;
    this.#appliedSignature = signature;
    const registered = await this.#registeredElsewhere(functions);
    const claimed = new Set(
      functions.map(f => f.metadata.name).filter(name => registered.has(name)),
    );
    await connection.applyMutation({
      type: 'full',
      entities: entities
        .filter(e => !(isComponentEntity(e) && claimed.has(e.metadata.name)))
        .map(entity => ({ entity })),
    });
    // Entities held by another source are processed on that source's cadence; ask for them now
    // when what GitOps says about them changed (including their folder going away), or when they
    // were just registered.
    const stale = [...registered].filter(
      name => gitopsChanged || !this.#registered.has(name),
    );
    this.#registered = registered;
    if (stale.length > 0) {
      await connection.refresh({
        keys: stale.map(name => functionRefreshKey(name)),
      });
    }
  }

  /**
   * Reads the GitOps repository (when it moved) and the clusters into this replica's directory,
   * which the processor merges from, and returns the entities. When the repository cannot be read
   * the view stays as it was (undefined before the first read); when the clusters cannot be read
   * the functions come without drift rather than all as drifted.
   */
  async refreshView(): Promise<
    { entities: Entity[]; functions: ComponentEntity[] } | undefined
  > {
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
      return undefined;
    }
    if (this.#sourceFailing) {
      logger.info('The GitOps repository can be read again');
      this.#sourceFailing = false;
    }
    if (tree) {
      const catalog = readGitOpsCatalog(tree.files);
      this.#tree = { revision: tree.revision, catalog };
      this.#warned.clear();
      for (const problem of catalog.problems) {
        this.#warnOnce(`${problem.file} ${problem.reason}`);
      }
      logger.info(
        `GitOps revision ${tree.revision}: ${catalog.functions.length} functions, ${catalog.problems.length} function folders with errors, ${catalog.teams.length} teams`,
      );
    }
    const catalog = this.#tree!.catalog;
    const comparison = await this.#compareWithClusters(catalog);
    const entities = this.#entities(catalog, comparison);
    const functions = entities.filter(
      (e): e is ComponentEntity =>
        isComponentEntity(e) && e.spec.type === 'function',
    );
    this.#options.directory.update(functions);
    return { entities, functions };
  }

  /**
   * Function entities another source holds: a function repository's `catalog-info.yaml`
   * registered as a location. Such an entity is the function (the processor adds what GitOps
   * knows), so this provider leaves those refs out instead of fighting over them. Emitted without
   * a location key, the provider's entity yields to a registered location in either order, and
   * comes back when that location is removed.
   */
  async #registeredElsewhere(
    functions: ComponentEntity[],
  ): Promise<Set<string>> {
    const ours = new Map(
      functions.map(f => [
        f.metadata.name,
        f.metadata.annotations?.[ANNOTATION_LOCATION],
      ]),
    );
    let items: Entity[];
    try {
      const credentials = await this.#options.auth.getOwnServiceCredentials();
      ({ items } = await this.#options.catalog.getEntities(
        {
          filter: { kind: 'Component', 'spec.type': 'function' },
          fields: ['metadata.name', 'metadata.annotations'],
        },
        { credentials },
      ));
    } catch (error) {
      this.#warnOnce(
        `Cannot ask the catalog which functions are registered from their own repositories; emitting all of them: ${stringifyError(
          error,
        )}`,
      );
      return new Set();
    }
    return new Set(
      items
        .filter(
          e =>
            e.metadata.annotations?.[ANNOTATION_LOCATION] !==
            ours.get(e.metadata.name),
        )
        .map(e => e.metadata.name),
    );
  }

  /** The refresh runs every few seconds locally: say each problem once per GitOps revision. */
  #warnOnce(message: string) {
    if (!this.#warned.has(message)) {
      this.#warned.add(message);
      this.#options.logger.warn(message);
    }
  }

  async #compareWithClusters(
    catalog: GitOpsCatalog,
  ): Promise<ClusterComparison> {
    const { drift } = this.#options;
    let inventory: ClusterInventory | undefined;
    if (drift) {
      try {
        inventory = await drift.inventory.list();
      } catch (error) {
        this.#warnOnce(
          `Cannot read the clusters' functions from the atonix-serverless backend, so entities show no drift until it answers: ${stringifyError(
            error,
          )}`,
        );
      }
    }
    return compareWithClusters(
      catalog.functions,
      inventory ?? { items: [], clusters: [] },
      drift?.requiredClusters,
    );
  }

  #entities(catalog: GitOpsCatalog, comparison: ClusterComparison): Entity[] {
    const { source, emitGroups } = this.#options;
    const context: EntityContext = {
      ...this.#options.context,
      locationRef: path => source.locationRef(path),
    };
    const entities = [
      ...catalog.functions.map(fn =>
        functionEntity(
          fn,
          context,
          comparison.functions.get(functionKey(fn.spec.team, fn.spec.name)),
        ),
      ),
      ...catalog.problems.map(problem =>
        brokenFunctionEntity(problem, context),
      ),
      ...comparison.unmanaged.map(fn => unmanagedFunctionEntity(fn, context)),
      ...catalog.teams.map(team => teamNamespaceEntity(team, context)),
      ...(emitGroups
        ? catalog.teams.map(team => teamGroupEntity(team, context))
        : []),
    ];
    // Entity names are unique per kind, function names only per team: the first folder keeps the
    // name, and the others are reported rather than left to the catalog's conflict handling.
    const seen = new Map<string, string>();
    const unique: Entity[] = [];
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const where = entity.metadata.annotations?.[ANNOTATION_LOCATION] ?? ref;
      const first = seen.get(ref);
      if (first) {
        this.#warnOnce(
          `${where} describes ${ref}, which ${first} already describes; function names must be unique across teams in the catalog, rename one of them`,
        );
        continue;
      }
      seen.set(ref, where);
      unique.push(entity);
    }
    return unique;
  }
}
