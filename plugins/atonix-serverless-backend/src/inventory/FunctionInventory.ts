import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import pLimit from 'p-limit';
import {
  ClusterSyncStatus,
  FunctionDetails,
  FunctionListItem,
  FunctionListQuery,
  FunctionListResponse,
  FunctionStatus,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixCluster } from '../clusters';
import type {
  ClusterObjects,
  CompactStatus,
  DerivedFunction,
  FunctionRuntimeModule,
  CachedObject,
} from '../extensions';
import type { FleetMetricsView } from '../prometheus/FleetMetrics';
import { BUILT_IN_RUNTIMES } from '../runtimes';
import { kubernetesIdOf, withoutDetails } from '../runtimes/objects';
import { RuntimeRegistry } from '../runtimes/RuntimeRegistry';
import { ClusterWatcher, WatchTiming } from './ClusterWatcher';
import { Interner } from './cachedObject';
import { EntityIndex } from './EntityIndex';
import { PlacementPublisher } from './PlacementPublisher';
import type { FluxResources } from './resources';
import {
  DEFAULT_PAGE_SIZE,
  Entry,
  Freshness,
  HiddenMetrics,
  MAX_PAGE_SIZE,
  Row,
  SortedRowCache,
  isMetricSortKey,
  matchesQuery,
  sortRows,
} from './fleetList';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };
export type { HiddenMetrics };

/**
 * List pages in flight at once, across all clusters. At start every cluster lists every watched
 * resource (11 each: 220 requests for 20 clusters, 191 at once in the test), each page up to 500
 * objects read whole before it is parsed. Bounding them bounds the start's connections and
 * transient buffers, which the allocator keeps as RSS afterwards. In the fleet bench at 5,000
 * functions the first sync still took 125–160 ms (RSS over idle +55 and +66 MB, against +60 to
 * +107 MB in seven unbounded runs); 4 slots made it 2.6 s.
 */
const CONCURRENT_LIST_PAGES = 16;

const NO_FLEET_METRICS = {
  unavailable: 'This inventory was asked for the fleet list without metrics',
};

interface ClusterState {
  watcher: ClusterWatcher;
  /** Functions by `<runtime>:<namespace>/<name>`. */
  functions: Map<string, Entry>;
  /**
   * The keys of `functions` by `backstage.io/kubernetes-id`, for an entity's functions: the key
   * itself while one function has the id (nearly always), so that costs no array per function.
   */
  byKubernetesId: KeysById;
  dirty: Set<string>;
  /** The cluster's shared strings and parts: its watcher's, and its derived functions'. */
  interner: Interner;
}

/** How to build a {@link FunctionInventory}; see `FunctionInventory.create`. */
export interface FunctionInventoryOptions {
  clusters: AtonixCluster[];
  logger: LoggerService;
  /** The runtimes to watch; default the built-in Knative and OpenFaaS modules. */
  runtimes?: FunctionRuntimeModule[];
  timing?: Partial<WatchTiming>;
  /** With `auth`: links functions to catalog entities and their owners. */
  catalog?: CatalogService;
  auth?: AuthService;
  /** How often the catalog is read for entities and owners; default 60 s. */
  catalogRefreshMs?: number;
  /** Where function placements are announced for the catalog module (PlacementPublisher). */
  events?: EventsService;
}

/** How often the clusters' sync states are checked for a change worth announcing. */
const CLUSTER_STATE_CHECK_MS = 1_000;

/**
 * The live inventory of functions across clusters: one {@link ClusterWatcher} per cluster keeps the
 * watched objects of every runtime in memory, and every change re-derives only the functions it
 * affects, so reads are answered from memory without calling any API server. Filtering, sorting
 * and paging the fleet list is `fleetList.ts`; linking to catalog entities is {@link EntityIndex}.
 */
export class FunctionInventory {
  readonly #clusters = new Map<string, ClusterState>();
  readonly #entities?: EntityIndex;
  readonly #logger: LoggerService;
  #flushScheduled = false;
  /** Bumped whenever a function changes: keys the cache of sorted fleet rows. */
  #version = 0;
  readonly #rowCache = new SortedRowCache();
  readonly #runtimes: RuntimeRegistry;
  readonly #placements?: PlacementPublisher;
  #clusterStateTimer?: NodeJS.Timeout;

  /** Builds the inventory and starts watching (in the background: it never waits for a cluster). */
  static async create(
    options: FunctionInventoryOptions,
  ): Promise<FunctionInventory> {
    const inventory = new FunctionInventory(options);
    inventory.#start(options.catalogRefreshMs ?? 60_000);
    return inventory;
  }

  private constructor(options: FunctionInventoryOptions) {
    this.#logger = options.logger;
    this.#runtimes = RuntimeRegistry.create(
      options.runtimes ?? BUILT_IN_RUNTIMES,
    );
    const timing: WatchTiming = {
      watchIdleTimeoutMs: 90_000,
      listTimeoutMs: 30_000,
      retryBaseMs: 1_000,
      retryMaxMs: 30_000,
      ...options.timing,
    };
    const listSlots = pLimit(CONCURRENT_LIST_PAGES);
    for (const cluster of options.clusters) {
      const interner = new Interner();
      const state: ClusterState = {
        functions: new Map(),
        byKubernetesId: new Map(),
        dirty: new Set(),
        interner,
        watcher: ClusterWatcher.create({
          cluster,
          logger: options.logger,
          timing,
          resources: this.#runtimes.resources(),
          onChange: (kind, object) => this.#changed(state, kind, object),
          interner,
          listSlots,
        }),
      };
      this.#clusters.set(cluster.name, state);
    }
    if (options.events) {
      this.#placements = PlacementPublisher.create({
        events: options.events,
        logger: options.logger,
      });
    }
    if (options.catalog && options.auth) {
      this.#entities = EntityIndex.create({
        catalog: options.catalog,
        auth: options.auth,
        logger: options.logger,
      });
    }
  }

  #start(catalogRefreshMs: number) {
    this.#entities?.start(catalogRefreshMs);
    if (this.#placements) {
      // Staleness comes with time, not with an event: look for it.
      this.#clusterStateTimer = setInterval(
        () => this.#placements!.publish(this.clusterStatuses()),
        CLUSTER_STATE_CHECK_MS,
      );
      this.#clusterStateTimer.unref();
    }
    // Not awaited: a slow or absent API server must not hold up the backend's startup; the
    // watchers retry in the background and the API reports each cluster's sync state.
    for (const { watcher } of this.#clusters.values()) {
      watcher
        .start()
        .catch(error =>
          this.#logger.warn(
            `Could not start watching cluster ${watcher.cluster.name}: ${error}`,
          ),
        );
    }
  }

  async stop(): Promise<void> {
    this.#entities?.stop();
    clearInterval(this.#clusterStateTimer);
    await Promise.all([...this.#clusters.values()].map(c => c.watcher.stop()));
  }

  /** The configured clusters. */
  clusters(): AtonixCluster[] {
    return [...this.#clusters.values()].map(state => state.watcher.cluster);
  }

  /** The configured cluster called `name`. */
  cluster(name: string): AtonixCluster | undefined {
    return this.#clusters.get(name)?.watcher.cluster;
  }

  /**
   * The watched objects of one cluster as they are now, for what reads more than a function's own
   * objects: the Flux Kustomizations a function's Kustomization depends on, the teams' Receivers.
   */
  objects(cluster: string): ClusterObjects<FluxResources> | undefined {
    // Every cluster watches FLUX_RESOURCES beside the runtimes' (RuntimeRegistry).
    return this.#clusters.get(cluster)?.watcher as
      | ClusterObjects<FluxResources>
      | undefined;
  }

  clusterStatuses(now = Date.now()): ClusterSyncStatus[] {
    return [...this.#clusters.values()].map(({ watcher }) => {
      const sync = watcher.syncStatus(now);
      return {
        name: watcher.cluster.name,
        synced: sync.synced,
        stale: sync.stale,
        ...(sync.lastContact !== undefined
          ? { lastSyncAt: new Date(sync.lastContact).toISOString() }
          : {}),
        ...(sync.error ? { error: sync.error } : {}),
      };
    });
  }

  /** Every function, details included, with its cluster's freshness and catalog entity applied. */
  all(now = Date.now()): FunctionDetails[] {
    this.#flush();
    const result: FunctionDetails[] = [];
    for (const [clusterName, state] of this.#clusters) {
      const freshness = this.#freshness(state, now);
      for (const entry of state.functions.values()) {
        result.push(
          this.#decorate(
            clusterName,
            freshness,
            entry,
            this.#details(state, entry.status),
          ),
        );
      }
    }
    return result;
  }

  /**
   * The fleet list: `visible` narrows to what the caller may read (a conditional permission
   * decision; absent when everything is allowed), then the query's filters, sort and page apply.
   * Rows are matched and sorted on the prebuilt compact statuses, and the sorted rows of recent
   * queries are kept until anything changes, so paging through the fleet sorts once; response
   * objects are built for the page only. `metrics` gives each item its traffic figures and answers
   * the metrics sorts from memory; `hiddenMetrics` withholds them from functions the caller may not
   * read metrics of, in the items and in the sort (their figures sort as unknown, so the order
   * reveals nothing about them). `callerView` names the view `visible` and `hiddenMetrics` give
   * when they follow from permission decisions alone (the decisions' conditions): callers with the
   * same view share its sorted rows, kept until a function or the catalog's links and owners
   * change. Without it a caller-specific view is sorted for each call.
   */
  list(
    query: FunctionListQuery,
    visible?: (fn: FunctionStatus) => boolean,
    metrics?: FleetMetricsView,
    hiddenMetrics?: HiddenMetrics,
    callerView?: string,
  ): FunctionListResponse {
    this.#flush();
    const now = Date.now();
    const freshness = new Map(
      [...this.#clusters].map(([name, state]) => [
        name,
        this.#freshness(state, now),
      ]),
    );
    // A caller-specific view (some functions or some figures withheld) is sorted for that call,
    // unless it is named: it depends on the owners the catalog gives, so on the catalog's reads too.
    const perCaller =
      visible || (hiddenMetrics && query.sort && isMetricSortKey(query.sort));
    let rows: Row[];
    const version = `${this.#version}|${this.#entities?.version ?? 0}`;
    if (!perCaller) {
      rows = this.#rowCache.rows(query, version, '', freshness, metrics, () =>
        this.#sortedRows(query, freshness, metrics),
      );
    } else if (callerView !== undefined) {
      rows = this.#rowCache.rows(
        query,
        version,
        `caller ${callerView}`,
        freshness,
        metrics,
        () =>
          this.#sortedRows(query, freshness, metrics, visible, hiddenMetrics),
      );
    } else {
      rows = this.#sortedRows(
        query,
        freshness,
        metrics,
        visible,
        hiddenMetrics,
      );
    }
    const offset = query.offset ?? 0;
    const limit = Math.min(query.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    return {
      items: rows.slice(offset, offset + limit).map(row => {
        // Built once per row: the compact status, decorated, then given its figures in place.
        const item = this.#decorate(
          row.cluster,
          freshness.get(row.cluster)!,
          row,
          row.status,
        ) as FunctionListItem;
        item.metrics =
          hiddenMetrics && !hiddenMetrics.visible(item)
            ? { unavailable: hiddenMetrics.reason }
            : metrics?.of(row.cluster, row.status) ?? NO_FLEET_METRICS;
        return item;
      }),
      totalCount: rows.length,
      offset,
      limit,
      clusters: this.clusterStatuses(now),
    };
  }

  #sortedRows(
    query: FunctionListQuery,
    freshness: Map<string, Freshness>,
    metrics?: FleetMetricsView,
    visible?: (fn: FunctionStatus) => boolean,
    hiddenMetrics?: HiddenMetrics,
  ): Row[] {
    const rows: Row[] = [];
    const figuresHidden = new Set<Row>();
    for (const [cluster, state] of this.#clusters) {
      if (query.cluster?.length && !query.cluster.includes(cluster)) {
        continue;
      }
      const clusterFreshness = freshness.get(cluster)!;
      for (const entry of state.functions.values()) {
        if (!matchesQuery(entry.status, clusterFreshness.stale, query)) {
          continue;
        }
        const item =
          visible || hiddenMetrics
            ? this.#decorate(cluster, clusterFreshness, entry, entry.status)
            : undefined;
        if (!visible || visible(item!)) {
          rows.push(entry);
          if (hiddenMetrics && !hiddenMetrics.visible(item!)) {
            figuresHidden.add(entry);
          }
        }
      }
    }
    return sortRows(rows, query, freshness, metrics, figuresHidden);
  }

  /**
   * One function by cluster, namespace and name (when runtimes share a name, the first runtime
   * added wins: Knative before OpenFaaS).
   */
  get(
    cluster: string,
    namespace: string,
    name: string,
  ): FunctionDetails | undefined {
    this.#flush();
    const state = this.#clusters.get(cluster);
    if (!state) return undefined;
    for (const { runtime } of this.#runtimes.all()) {
      const entry = state.functions.get(`${runtime}:${namespace}/${name}`);
      if (entry) {
        return this.#decorate(
          cluster,
          this.#freshness(state, Date.now()),
          entry,
          this.#details(state, entry.status),
        );
      }
    }
    return undefined;
  }

  /** The catalog entity `entityRef` names, as the plugin last read it ({@link EntityIndex.entity}). */
  catalogEntity(entityRef: string): Entity | undefined {
    return this.#entities?.entity(entityRef);
  }

  /**
   * A function's details, derived again from the watched objects its kept status was derived from
   * (every change of them derives it again before an answer: see {@link #flush}). Should that
   * derivation fail, as the last one then did, the kept status answers, with no details.
   */
  #details(state: ClusterState, status: CompactStatus): DerivedFunction {
    const { watcher } = state;
    const runtime = this.#runtimes.get(status.runtime);
    const object = watcher.get(
      runtime.functionKind,
      status.namespace,
      status.name,
    );
    try {
      if (object) {
        return runtime.deriveFunction(watcher, object, watcher.cluster);
      }
    } catch (error) {
      this.#logger.warn(
        `Could not derive the details of ${status.runtime} function ${status.namespace}/${status.name} in cluster ${watcher.cluster.name}: ${error}`,
      );
    }
    return { ...status, env: [], revisions: [] };
  }

  /**
   * The functions a catalog entity describes: same `backstage.io/kubernetes-id`, and, when the
   * entity names a namespace, one of the namespaces its runtime accepts for it (an OpenFaaS
   * function's team).
   */
  forKubernetesId(kubernetesId: string, namespace?: string): FunctionStatus[] {
    this.#flush();
    const now = Date.now();
    const result: FunctionStatus[] = [];
    for (const [clusterName, state] of this.#clusters) {
      const freshness = this.#freshness(state, now);
      for (const key of keysOf(state.byKubernetesId, kubernetesId)) {
        const entry = state.functions.get(key)!;
        if (
          !namespace ||
          this.#entityNamespaces(entry.status).includes(namespace)
        ) {
          result.push(
            this.#decorate(clusterName, freshness, entry, entry.status),
          );
        }
      }
    }
    return result;
  }

  #freshness(state: ClusterState, now: number): Freshness {
    const sync = state.watcher.syncStatus(now);
    return {
      // While fresh, the cluster has answered within the watch idle timeout: the state is current.
      observedAt: new Date(
        sync.stale ? sync.lastContact ?? now : now,
      ).toISOString(),
      stale: sync.stale,
      ...(sync.stale && sync.lastContact !== undefined
        ? { staleSeconds: Math.round((now - sync.lastContact) / 1000) }
        : {}),
    };
  }

  #entityNamespaces(fn: CompactStatus): string[] {
    return this.#runtimes.get(fn.runtime).entityNamespaces(fn);
  }

  #decorate<T extends CompactStatus>(
    cluster: string,
    freshness: Freshness,
    entry: Entry,
    base: T,
  ): T & Omit<FunctionStatus, keyof CompactStatus> {
    const entity = this.#entities?.lookup(
      entry.kubernetesId,
      this.#entityNamespaces(base),
    );
    return {
      ...base,
      cluster,
      ...(entity
        ? {
            entityRef: entity.entityRef,
            ...(entity.owner ? { owner: entity.owner } : {}),
          }
        : { notLinked: this.#notLinked(entry.kubernetesId) }),
      ...freshness,
    };
  }

  #notLinked(kubernetesId: string): string {
    if (!this.#entities?.loaded) {
      return 'Not linked yet: the catalog has not been read since the backend started; its owner is unknown until it is (within atonix.inventory.catalogRefreshSeconds)';
    }
    return `Not linked yet: no catalog entity has backstage.io/kubernetes-id: ${kubernetesId}, so its owner is unknown`;
  }

  #changed(state: ClusterState, kind: string, object: CachedObject) {
    const runtime = this.#runtimes.ofKind(kind);
    let affected: ReturnType<FunctionRuntimeModule['affectedFunctions']> = [];
    if (runtime) {
      affected = runtime.affectedFunctions(kind, object);
    } else if (kind === 'kustomization') {
      affected = affectedByKustomization(object);
    }
    if (typeof affected === 'function') {
      for (const [key, entry] of state.functions) {
        if (affected(entry.status)) {
          state.dirty.add(key);
        }
      }
    } else {
      for (const fn of affected) {
        state.dirty.add(`${fn.runtime}:${fn.namespace}/${fn.name}`);
      }
    }
    // One derivation per function per burst of events (an initial list delivers thousands).
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush() {
    this.#flushScheduled = false;
    let derived = false;
    for (const state of this.#clusters.values()) {
      const keys = [...state.dirty];
      state.dirty.clear();
      for (const key of keys) {
        this.#derive(state, key);
        derived = true;
      }
    }
    if (derived) {
      this.#placements?.publish(this.clusterStatuses());
    }
  }

  #derive(state: ClusterState, key: string) {
    const [, id, namespace, name] = /^([^:]+):([^/]*)\/(.*)$/.exec(key)!;
    const { watcher } = state;
    const runtime = this.#runtimes.get(id as FunctionRuntimeModule['runtime']);
    const object = watcher.get(runtime.functionKind, namespace, name);
    const cluster = watcher.cluster.name;
    if (!object) {
      const gone = state.functions.get(key);
      if (gone) {
        state.functions.delete(key);
        unindex(state.byKubernetesId, gone.kubernetesId, key);
        this.#version++;
        this.#placements?.removed({
          cluster,
          runtime: runtime.runtime,
          namespace,
          name,
        });
      }
      return;
    }
    try {
      const status = shareParts(
        withoutDetails(
          runtime.deriveFunction(watcher, object, watcher.cluster),
        ),
        state.interner,
      );
      this.#version++;
      this.#placements?.derived(
        { ...placementOf(status), cluster },
        state.functions.get(key) && {
          ...placementOf(state.functions.get(key)!.status),
          cluster,
        },
      );
      const kubernetesId = kubernetesIdOf(object);
      const before = state.functions.get(key)?.kubernetesId;
      if (before !== kubernetesId) {
        if (before !== undefined) unindex(state.byKubernetesId, before, key);
        index(state.byKubernetesId, kubernetesId, key);
      }
      state.functions.set(key, { cluster, status, kubernetesId });
    } catch (error) {
      // One malformed object must not take the inventory down; the rest keeps updating.
      this.#logger.warn(
        `Could not derive the status of ${id} function ${namespace}/${name} in cluster ${watcher.cluster.name}: ${error}`,
      );
    }
  }
}

/** The parts of a kept status that repeat across a fleet, see {@link shareParts}. */
const SHARED_PARTS = [
  'autoscaling',
  'flux',
  'replicas',
  'triggers',
] as const satisfies ReadonlyArray<keyof CompactStatus>;

/**
 * `fn` with the parts that repeat across a fleet (autoscaling settings, Flux status, replica
 * counts, trigger lists) shared through the cluster's interner.
 */
function shareParts(fn: CompactStatus, interner: Interner): CompactStatus {
  for (const part of SHARED_PARTS) {
    const value = fn[part];
    if (typeof value === 'object' && value !== null) {
      (fn as Record<string, unknown>)[part] = interner.share(value);
    }
  }
  return fn;
}

/** Function keys by an id: the key itself while one function has the id, else their list. */
type KeysById = Map<string, string | string[]>;

function keysOf(byId: KeysById, id: string): readonly string[] {
  const keys = byId.get(id) ?? [];
  return typeof keys === 'string' ? [keys] : keys;
}

function index(byId: KeysById, id: string, key: string) {
  const keys = keysOf(byId, id);
  byId.set(id, keys.length ? [...keys, key] : key);
}

function unindex(byId: KeysById, id: string, key: string) {
  const keys = keysOf(byId, id).filter(k => k !== key);
  if (keys.length > 1) byId.set(id, keys);
  else if (keys.length === 1) byId.set(id, keys[0]);
  else byId.delete(id);
}

function placementOf(fn: CompactStatus) {
  const { namespace, name, team, runtime, critical } = fn;
  return { namespace, name, team, runtime, critical };
}

/** The functions a Flux Kustomization's change can affect: those it applied. */
function affectedByKustomization({ namespace, name }: CachedObject) {
  return (fn: CompactStatus) =>
    fn.flux?.kustomization === name && fn.flux.namespace === namespace;
}
