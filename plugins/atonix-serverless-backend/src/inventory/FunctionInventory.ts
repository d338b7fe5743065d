import {
  AuthService,
  LoggerService,
  RootConfigService,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  ClusterSyncStatus,
  FunctionDetails,
  FunctionHealth,
  FunctionListItem,
  FunctionListQuery,
  FunctionListResponse,
  FunctionSortKey,
  FunctionStatus,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AtonixCluster, readAtonixClusters } from '../clusters';
import type { FleetMetricsView } from '../prometheus/FleetMetrics';
import { ClusterWatcher, WatchTiming } from './ClusterWatcher';
import {
  DerivedFunction,
  affectedFunctions,
  deriveKnativeFunction,
  deriveOpenFaaSFunction,
  entityNamespacesOf,
  kubernetesIdOf,
  withoutDetails,
} from './derive';
import { EntityIndex } from './EntityIndex';
import { KubeObject, WatchedKind } from './resources';

interface Entry {
  derived: DerivedFunction;
  /** `derived` without env, image and revisions: what the fleet list returns. */
  status: DerivedStatus;
  kubernetesId: string;
}

type DerivedStatus = Omit<DerivedFunction, 'env' | 'image' | 'revisions'>;

interface Row {
  cluster: string;
  entry: Entry;
  /** The figure a metrics sort orders by. */
  figure?: number | null;
}

/** Sort keys answered from the fleet metrics, and the figure each reads. */
const METRIC_SORT_KEYS = {
  requestRate: 'requestRate',
  errorRate: 'errorRate',
  p95: 'p95LatencyMs',
} as const;

function isMetricSortKey(
  key: FunctionSortKey,
): key is keyof typeof METRIC_SORT_KEYS {
  return key in METRIC_SORT_KEYS;
}

const NO_FLEET_METRICS = {
  unavailable: 'This inventory was asked for the fleet list without metrics',
};

interface Freshness {
  observedAt: string;
  stale: boolean;
  staleSeconds?: number;
}

interface ClusterState {
  watcher: ClusterWatcher;
  /** Functions by `<runtime>:<namespace>/<name>`. */
  functions: Map<string, Entry>;
  dirty: Set<string>;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * The live inventory of functions across clusters: one {@link ClusterWatcher} per cluster keeps the
 * watched objects in memory, and every change re-derives only the functions it affects, so reads
 * are answered from memory without calling any API server.
 */
export class FunctionInventory {
  readonly #clusters = new Map<string, ClusterState>();
  readonly #entities?: EntityIndex;
  readonly #logger: LoggerService;
  #flushScheduled = false;
  /** Bumped whenever a function changes: keys the cache of sorted fleet rows. */
  #version = 0;
  readonly #rowCache = new Map<string, Row[]>();

  static async create(options: {
    clusters: AtonixCluster[];
    logger: LoggerService;
    timing?: Partial<WatchTiming>;
    catalog?: CatalogService;
    auth?: AuthService;
    catalogRefreshMs?: number;
  }): Promise<FunctionInventory> {
    const inventory = new FunctionInventory(options);
    inventory.#start(options.catalogRefreshMs ?? 60_000);
    return inventory;
  }

  private constructor(options: {
    clusters: AtonixCluster[];
    logger: LoggerService;
    timing?: Partial<WatchTiming>;
    catalog?: CatalogService;
    auth?: AuthService;
  }) {
    this.#logger = options.logger;
    const timing: WatchTiming = {
      watchIdleTimeoutMs: 90_000,
      listTimeoutMs: 30_000,
      retryBaseMs: 1_000,
      retryMaxMs: 30_000,
      ...options.timing,
    };
    for (const cluster of options.clusters) {
      const state: ClusterState = {
        functions: new Map(),
        dirty: new Set(),
        watcher: ClusterWatcher.create({
          cluster,
          logger: options.logger,
          timing,
          onChange: (kind, object) => this.#changed(state, kind, object),
        }),
      };
      this.#clusters.set(cluster.name, state);
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
          this.#decorate(clusterName, freshness, entry, entry.derived),
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
   * the metrics sorts from memory.
   */
  list(
    query: FunctionListQuery,
    visible?: (fn: FunctionStatus) => boolean,
    metrics?: FleetMetricsView,
  ): FunctionListResponse {
    this.#flush();
    const now = Date.now();
    const freshness = new Map(
      [...this.#clusters].map(([name, state]) => [
        name,
        this.#freshness(state, now),
      ]),
    );
    const rows = visible
      ? this.#sortedRows(query, freshness, metrics, visible)
      : this.#cachedRows(query, freshness, metrics);
    const offset = query.offset ?? 0;
    const limit = Math.min(query.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    return {
      items: rows.slice(offset, offset + limit).map(
        (row): FunctionListItem => ({
          ...this.#decorate(
            row.cluster,
            freshness.get(row.cluster)!,
            row.entry,
            row.entry.status,
          ),
          metrics:
            metrics?.of(row.cluster, row.entry.status) ?? NO_FLEET_METRICS,
        }),
      ),
      totalCount: rows.length,
      offset,
      limit,
      clusters: this.clusterStatuses(now),
    };
  }

  #cachedRows(
    query: FunctionListQuery,
    freshness: Map<string, Freshness>,
    metrics?: FleetMetricsView,
  ): Row[] {
    if (query.sort === 'observedAt') {
      return this.#sortedRows(query, freshness, metrics);
    }
    const { offset: _offset, limit: _limit, ...shape } = query;
    const staleness = [...freshness.values()].map(f => f.stale).join();
    // Figures change only the order of a metrics sort; other sorts keep their rows across snapshots.
    const figures =
      query.sort && isMetricSortKey(query.sort) ? metrics?.version ?? '-' : '';
    const key = `${this.#version}|${figures}|${staleness}|${JSON.stringify(
      shape,
    )}`;
    let rows = this.#rowCache.get(key);
    if (!rows) {
      rows = this.#sortedRows(query, freshness, metrics);
      if (this.#rowCache.size >= 32) {
        this.#rowCache.clear();
      }
      this.#rowCache.set(key, rows);
    }
    return rows;
  }

  #sortedRows(
    query: FunctionListQuery,
    freshness: Map<string, Freshness>,
    metrics?: FleetMetricsView,
    visible?: (fn: FunctionStatus) => boolean,
  ): Row[] {
    const rows: Row[] = [];
    for (const [cluster, state] of this.#clusters) {
      if (query.cluster?.length && !query.cluster.includes(cluster)) {
        continue;
      }
      const clusterFreshness = freshness.get(cluster)!;
      for (const entry of state.functions.values()) {
        if (
          matchesQuery(entry.status, clusterFreshness.stale, query) &&
          (!visible ||
            visible(
              this.#decorate(cluster, clusterFreshness, entry, entry.status),
            ))
        ) {
          rows.push({ cluster, entry });
        }
      }
    }
    const key = query.sort ?? 'name';
    const direction = query.order === 'desc' ? -1 : 1;
    const byName = (a: Row, b: Row) =>
      compare(a.entry.status.name, b.entry.status.name) ||
      compare(a.entry.status.namespace, b.entry.status.namespace) ||
      compare(a.cluster, b.cluster);
    if (isMetricSortKey(key)) {
      const field = METRIC_SORT_KEYS[key];
      for (const row of rows) {
        const figures = metrics?.of(row.cluster, row.entry.status);
        row.figure = figures && !isUnavailable(figures) ? figures[field] : null;
      }
      rows.sort(
        (a, b) => compareFigures(a.figure, b.figure, direction) || byName(a, b),
      );
      return rows;
    }
    const sortValue = (row: Row) => {
      if (key === 'cluster') return row.cluster;
      if (key === 'observedAt') return freshness.get(row.cluster)!.observedAt;
      return row.entry.status[key];
    };
    rows.sort(
      (a, b) => direction * compare(sortValue(a), sortValue(b)) || byName(a, b),
    );
    return rows;
  }

  /** One function by cluster, namespace and name (Knative first when both runtimes use the name). */
  get(
    cluster: string,
    namespace: string,
    name: string,
  ): FunctionDetails | undefined {
    this.#flush();
    const state = this.#clusters.get(cluster);
    const entry =
      state?.functions.get(`knative:${namespace}/${name}`) ??
      state?.functions.get(`openfaas:${namespace}/${name}`);
    return (
      entry &&
      this.#decorate(
        cluster,
        this.#freshness(state!, Date.now()),
        entry,
        entry.derived,
      )
    );
  }

  /**
   * The functions a catalog entity describes: same `backstage.io/kubernetes-id`, and, when the
   * entity names a namespace, one of the function's {@link entityNamespacesOf} (an OpenFaaS
   * function's team).
   */
  forKubernetesId(kubernetesId: string, namespace?: string): FunctionStatus[] {
    this.#flush();
    const now = Date.now();
    const result: FunctionStatus[] = [];
    for (const [clusterName, state] of this.#clusters) {
      const freshness = this.#freshness(state, now);
      for (const entry of state.functions.values()) {
        if (
          entry.kubernetesId === kubernetesId &&
          (!namespace || entityNamespacesOf(entry.status).includes(namespace))
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

  #decorate<T extends DerivedStatus>(
    cluster: string,
    freshness: Freshness,
    entry: Entry,
    base: T,
  ): T & Omit<FunctionStatus, keyof DerivedStatus> {
    const entity = this.#entities?.lookup(
      entry.kubernetesId,
      entityNamespacesOf(base),
    );
    return {
      ...base,
      cluster,
      ...(entity ? { entityRef: entity.entityRef } : {}),
      owner: entity?.owner ?? `group:default/${base.team}`,
      ...freshness,
    };
  }

  #changed(state: ClusterState, kind: WatchedKind, object: KubeObject) {
    const affected = affectedFunctions(kind, object);
    if (typeof affected === 'function') {
      for (const [key, entry] of state.functions) {
        if (affected(entry.derived)) {
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
    for (const state of this.#clusters.values()) {
      const keys = [...state.dirty];
      state.dirty.clear();
      for (const key of keys) {
        this.#derive(state, key);
      }
    }
  }

  #derive(state: ClusterState, key: string) {
    const [, runtime, namespace, name] = /^([^:]+):([^/]*)\/(.*)$/.exec(key)!;
    const { watcher } = state;
    const object =
      runtime === 'knative'
        ? watcher.get('knativeService', namespace, name)
        : watcher.get('openfaasFunction', namespace, name);
    if (!object) {
      if (state.functions.delete(key)) {
        this.#version++;
      }
      return;
    }
    try {
      const derived =
        runtime === 'knative'
          ? deriveKnativeFunction(watcher, object)
          : deriveOpenFaaSFunction(
              watcher,
              object,
              watcher.cluster.openfaasGateway,
            );
      this.#version++;
      state.functions.set(key, {
        derived,
        status: withoutDetails(derived),
        kubernetesId: kubernetesIdOf(object),
      });
    } catch (error) {
      // One malformed object must not take the inventory down; the rest keeps updating.
      this.#logger.warn(
        `Could not derive the status of ${runtime} function ${namespace}/${name} in cluster ${watcher.cluster.name}: ${error}`,
      );
    }
  }
}

// Code-point order, not locale order: names are DNS labels, and this runs ~60,000 times per sort.
function compare(a: unknown, b: unknown): number {
  const x = String(a ?? '');
  const y = String(b ?? '');
  if (x === y) {
    return 0;
  }
  return x < y ? -1 : 1;
}

/** Numbers in `direction`; a missing figure comes last either way. */
function compareFigures(
  a: number | null | undefined,
  b: number | null | undefined,
  direction: number,
): number {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return direction * (x - y);
}

function healthOf(fn: DerivedStatus, stale: boolean): FunctionHealth {
  if (stale) return 'stale';
  if (fn.ready === 'True') return 'ready';
  if (fn.ready === 'False') return 'notReady';
  return 'unknown';
}

function matchesQuery(
  fn: DerivedStatus,
  stale: boolean,
  query: FunctionListQuery,
): boolean {
  const within = <T>(values: T[] | undefined, value: T) =>
    !values?.length || values.includes(value);
  return (
    within(query.team, fn.team) &&
    within(query.runtime, fn.runtime) &&
    within(query.health, healthOf(fn, stale)) &&
    (query.scaledToZero === undefined ||
      fn.scaledToZero === query.scaledToZero) &&
    (!query.search || fn.name.includes(query.search))
  );
}

/** The inventory as a plugin-scoped service, fed by the clusters in config. */
export const functionInventoryServiceRef = createServiceRef<FunctionInventory>({
  id: 'atonix-serverless.inventory',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        lifecycle: coreServices.lifecycle,
      },
      async factory({ config, logger, auth, catalog, lifecycle }) {
        const inventory = await FunctionInventory.create({
          clusters: readAtonixClusters(config, logger),
          logger,
          catalog,
          auth,
          ...readTiming(config),
        });
        lifecycle.addShutdownHook(() => inventory.stop());
        return inventory;
      },
    }),
});

function readTiming(config: RootConfigService) {
  const seconds = (key: string) => {
    const value = config.getOptionalNumber(`atonix.inventory.${key}`);
    return value === undefined ? undefined : value * 1000;
  };
  const timing: Partial<WatchTiming> = {};
  const idle = seconds('watchIdleTimeoutSeconds');
  const list = seconds('listTimeoutSeconds');
  const retry = seconds('retryBaseSeconds');
  if (idle !== undefined) timing.watchIdleTimeoutMs = idle;
  if (list !== undefined) timing.listTimeoutMs = list;
  if (retry !== undefined) timing.retryBaseMs = retry;
  return { timing, catalogRefreshMs: seconds('catalogRefreshSeconds') };
}
