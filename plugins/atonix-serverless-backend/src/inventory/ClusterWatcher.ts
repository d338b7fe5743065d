import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesListObject,
  ListWatch,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { AtonixCluster } from '../clusters';
import type {
  CachedObject,
  ClusterObjects,
  KubeObject,
  WatchedResource,
} from '../extensions';
import { Interner, cachedObject } from './cachedObject';
import { Http2Watch, KubeHttp2Connection } from './Http2Watch';
import { resourcePath } from './resources';

/** Objects per list call: client-go's pager's own page size (k8s.io/client-go tools/pager/pager.go:31). */
const LIST_PAGE_SIZE = 500;

/** Timing of the watches; see `atonix.inventory` in config.d.ts. */
export interface WatchTiming {
  watchIdleTimeoutMs: number;
  listTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** What a {@link ClusterWatcher} watches, where, and whom it tells about changes. */
export interface ClusterWatcherOptions {
  cluster: AtonixCluster;
  logger: LoggerService;
  timing: WatchTiming;
  /** What to watch, by kind name. */
  resources: Readonly<Record<string, WatchedResource>>;
  onChange: (kind: string, object: CachedObject) => void;
  /** The cluster's repeated strings and parts, shared with what the inventory derives from them. */
  interner?: Interner;
  /**
   * Runs a list page's request when a slot is free: the inventory shares a few among all its
   * clusters ({@link ListSlots}). Without it every page is requested at once.
   */
  listSlots?: ListSlots;
}

/** Runs `request` once fewer than a set number of others are running (p-limit's `limit`). */
export type ListSlots = <T>(request: () => Promise<T>) => Promise<T>;

/**
 * A cached record as client-node's informer holds it: the record is its own `metadata` (see
 * cachedObject.ts).
 */
type Stored = CachedObject & KubeObject;

type ResourceState = {
  /** The list/watch path, for messages. */
  path: string;
  informer: ListWatch<Stored>;
  lastContact?: number;
  error?: string;
  /** The API server does not serve this resource (CRD not installed): empty, not an error. */
  absent: boolean;
  /**
   * Whether a whole list has been read: a sign of life comes with every page, but the informer
   * holds the objects only once the last page is in.
   */
  listed: boolean;
  failures: number;
  retryTimer?: NodeJS.Timeout;
  retrying: boolean;
  /** When the informer was last (re)started, for the hung-watch check. */
  startedAt?: number;
};

/**
 * A watch that asks for bookmarks and a server-side timeout, and reports every sign of life (the
 * connection opening, any event, bookmarks included) so hung watches can be told from quiet ones.
 * client-node's `makeInformer` builds the same `ListWatch` over a plain `Watch`, which asks for
 * neither. It runs over the cluster's one HTTP/2 connection (see {@link Http2Watch}).
 */
class ObservedWatch extends Http2Watch {
  readonly #onContact: () => void;
  readonly #timeoutSeconds: number;
  readonly #compact: (object: KubeObject) => KubeObject;

  constructor(
    config: KubeConfig,
    connection: KubeHttp2Connection,
    onContact: () => void,
    timeoutSeconds: number,
    compact: (object: KubeObject) => KubeObject,
  ) {
    super(config, connection);
    this.#onContact = onContact;
    this.#timeoutSeconds = timeoutSeconds;
    this.#compact = compact;
  }

  override async watch(
    ...[path, queryParams, callback, done]: Parameters<Http2Watch['watch']>
  ): Promise<AbortController> {
    let failed = false;
    const controller = await super.watch(
      path,
      {
        ...queryParams,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#timeoutSeconds,
      },
      (phase, object, raw) => {
        this.#onContact();
        // Only objects are compacted: an ERROR's Status (410 Gone) and a BOOKMARK pass as sent.
        const isObject = ['ADDED', 'MODIFIED', 'DELETED'].includes(phase);
        callback(phase, isObject ? this.#compact(object) : object, raw);
      },
      err => {
        failed = Boolean(err);
        done(err);
      },
    );
    if (!failed) {
      this.#onContact();
    }
    return controller;
  }
}

/**
 * Keeps one cluster's watched resources in memory with list + watch informers, and survives what
 * API servers do: dropped watches (resumed from the last resourceVersion), 410 Gone (relisted, by
 * the informer), hung connections (restarted after `watchIdleTimeoutMs` without a sign of life),
 * errors and outages (retried with exponential backoff while the last known state stays served,
 * marked stale).
 */
export class ClusterWatcher implements ClusterObjects {
  readonly cluster: AtonixCluster;
  readonly #states = new Map<string, ResourceState>();
  readonly #logger: LoggerService;
  readonly #timing: WatchTiming;
  readonly #onChange: (kind: string, object: CachedObject) => void;
  readonly #interner: Interner;
  readonly #listSlots: ListSlots;
  readonly #connection: KubeHttp2Connection;
  readonly #api: CustomObjectsApi;
  #watchdog?: NodeJS.Timeout;
  #stopped = false;

  static create(options: ClusterWatcherOptions): ClusterWatcher {
    return new ClusterWatcher(options);
  }

  private constructor(options: ClusterWatcherOptions) {
    this.cluster = options.cluster;
    this.#logger = options.logger.child({ cluster: options.cluster.name });
    this.#timing = options.timing;
    this.#onChange = options.onChange;
    this.#interner = options.interner ?? new Interner();
    this.#listSlots = options.listSlots ?? (request => request());
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: this.cluster.name,
          server: this.cluster.url,
          skipTLSVerify: this.cluster.skipTLSVerify,
          caData: this.cluster.caData,
          caFile: this.cluster.caFile,
        },
      ],
      users: [{ name: 'backstage', token: this.cluster.serviceAccountToken }],
      contexts: [
        { name: 'atonix', cluster: this.cluster.name, user: 'backstage' },
      ],
      currentContext: 'atonix',
    });
    this.#api = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#connection = new KubeHttp2Connection(kubeConfig, {
      answerTimeoutMs: this.#timing.listTimeoutMs,
    });
    for (const [kind, resource] of Object.entries(options.resources)) {
      this.#states.set(kind, this.#createState(kind, resource, kubeConfig));
    }
  }

  #createState(
    kind: string,
    resource: WatchedResource,
    kubeConfig: KubeConfig,
  ): ResourceState {
    const { labelSelector } = resource;
    const path = resourcePath(resource);
    const state = { path } as ResourceState;
    const contact = () => {
      state.lastContact = Date.now();
      state.failures = 0;
      state.error = undefined;
    };
    const compact = (object: KubeObject) =>
      cachedObject(object, resource, this.#interner) as Stored;
    // In pages, each page's objects made records before the next is read, so a large cluster's
    // list never holds every object as sent; the pages are one consistent snapshot (the server's
    // continue token), whose resourceVersion the last page carries and the watch starts from.
    const list = async () => {
      const items: Stored[] = [];
      let page: KubernetesListObject<KubeObject>;
      let next: string | undefined;
      do {
        const token = next;
        page = await this.#listSlots(() =>
          withTimeout(
            this.#listPage(resource, token),
            this.#timing.listTimeoutMs,
            `listing ${path} on ${this.cluster.url}`,
          ),
        );
        contact();
        for (const item of page.items) items.push(compact(item));
        // Custom objects come as sent: the token is `continue`, not client-node's `_continue`.
        next =
          (page.metadata as { continue?: string } | undefined)?.continue ||
          undefined;
      } while (next);
      state.absent = false;
      state.listed = true;
      this.#forgetWhenListed();
      return { ...page, items };
    };
    const watch = new ObservedWatch(
      kubeConfig,
      this.#connection,
      contact,
      Math.max(1, Math.round(this.#timing.watchIdleTimeoutMs / 1000 / 2)),
      compact,
    );
    const informer = new ListWatch<Stored>(
      path,
      watch,
      list,
      false,
      labelSelector,
    );
    const changed = (object: Stored) => this.#onChange(kind, object);
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', error => this.#failed(kind, state, error));
    Object.assign(state, {
      informer,
      absent: false,
      listed: false,
      failures: 0,
      retrying: false,
    });
    return state;
  }

  /**
   * One page of a list, over client-node's HTTP/1.1 client, not the cluster's HTTP/2 connection:
   * a list is a bulk transfer that ends, a watch a stream that idles for minutes, and only the
   * idle ones cost by their number. Lists on the shared session left the backend +827 MB over idle
   * at 50,000 functions (native memory that stayed after the lists), against +307 MB with lists
   * here and watches on the session (bench/README.md, 2026-11-30).
   */
  #listPage(
    resource: WatchedResource,
    next: string | undefined,
  ): Promise<KubernetesListObject<KubeObject>> {
    return this.#api.listClusterCustomObject({
      group: resource.group,
      version: resource.version,
      plural: resource.plural,
      labelSelector: resource.labelSelector,
      limit: LIST_PAGE_SIZE,
      _continue: next,
    });
  }

  /**
   * Empties the interner's tables once every resource has listed (or is absent): the lists, which
   * bring the cluster's objects by the thousand, are what they are for (see {@link Interner}).
   */
  #forgetWhenListed() {
    if ([...this.#states.values()].every(s => s.listed || s.absent)) {
      this.#interner.forget();
    }
  }

  /** Starts the informers; resolves when each has listed once or failed once. */
  async start(): Promise<void> {
    this.#watchdog = setInterval(
      () => this.#restartHungWatches(),
      Math.max(50, Math.min(5000, this.#timing.watchIdleTimeoutMs / 4)),
    );
    this.#watchdog.unref();
    await Promise.all([...this.#states.values()].map(s => s.informer.start()));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#watchdog);
    await this.#connection.close();
    for (const state of this.#states.values()) {
      clearTimeout(state.retryTimer);
      await state.informer.stop();
    }
  }

  get(kind: string, namespace: string, name: string): CachedObject | undefined {
    return this.#states.get(kind)!.informer.get(name, namespace);
  }

  list(kind: string, namespace?: string): CachedObject[] {
    // A new array on every call (client-node's cache.js), so the caller may sort it.
    return this.#states.get(kind)!.informer.list(namespace) as CachedObject[];
  }

  /**
   * Whether the cache reflects the cluster now. `synced` once every resource has listed (or is
   * absent); `stale` while any watch is failing; `lastContact` is the oldest last sign of life,
   * which is how old the served state may be.
   */
  syncStatus(now = Date.now()): {
    synced: boolean;
    stale: boolean;
    lastContact?: number;
    error?: string;
  } {
    let synced = true;
    let stale = false;
    let lastContact: number | undefined;
    let error: string | undefined;
    for (const state of this.#states.values()) {
      if (state.absent) continue;
      if (!state.listed) {
        synced = false;
      }
      if (state.lastContact !== undefined) {
        lastContact = Math.min(
          lastContact ?? state.lastContact,
          state.lastContact,
        );
      }
      if (
        state.error ||
        (state.lastContact !== undefined &&
          now - state.lastContact > this.#timing.watchIdleTimeoutMs)
      ) {
        stale = true;
        error ??= `${state.path}: ${
          state.error ?? 'no answer from the API server'
        }`;
      }
    }
    if (!synced && error === undefined) {
      error = [...this.#states.values()].find(s => s.error)?.error;
    }
    return { synced, stale, lastContact, error };
  }

  #failed(kind: string, state: ResourceState, error: any) {
    if (this.#stopped) {
      return;
    }
    const status = error?.code ?? error?.statusCode;
    if (status === 404 && state.lastContact === undefined) {
      // The CRD is not installed (no OpenFaaS, no Kafka source…): nothing to watch, check again later.
      const known = state.absent;
      state.absent = true;
      state.error = undefined;
      // Once, not at every check for the CRD again.
      if (!known) this.#forgetWhenListed();
      this.#scheduleRestart(kind, state, this.#timing.retryMaxMs);
      return;
    }
    state.failures++;
    state.error = describeError(error);
    // Jitter keeps many clusters and resources from retrying in lockstep.
    const delay =
      Math.min(
        this.#timing.retryMaxMs,
        this.#timing.retryBaseMs * 2 ** (state.failures - 1),
      ) *
      (0.5 + Math.random() / 2);
    this.#logger.warn(
      `Watching ${state.path} failed (${state.error}); retrying in ${Math.round(
        delay,
      )} ms, serving the last known state meanwhile`,
    );
    this.#scheduleRestart(kind, state, delay);
  }

  #scheduleRestart(kind: string, state: ResourceState, delayMs: number) {
    clearTimeout(state.retryTimer);
    state.retrying = true;
    state.retryTimer = setTimeout(() => {
      state.retrying = false;
      state.startedAt = Date.now();
      if (!this.#stopped) {
        state.informer.start().catch(error => this.#failed(kind, state, error));
      }
    }, delayMs);
    state.retryTimer.unref();
  }

  /**
   * Restarts watches that have shown no sign of life for the idle timeout, counting from the last
   * contact or the last restart, whichever is later, so a restart that hangs again (an API server
   * that accepts connections but never answers) is itself restarted one timeout later.
   */
  #restartHungWatches() {
    const now = Date.now();
    for (const [kind, state] of this.#states) {
      const since = Math.max(state.lastContact ?? 0, state.startedAt ?? 0);
      if (
        !state.absent &&
        !state.retrying &&
        state.lastContact !== undefined &&
        now - since > this.#timing.watchIdleTimeoutMs
      ) {
        const error = new Error(
          `no answer, event or bookmark for ${Math.round(
            (now - state.lastContact) / 1000,
          )} s`,
        );
        state.startedAt = now;
        state.informer
          .stop()
          .then(() => this.#failed(kind, state, error))
          .catch(() => {});
      }
    }
  }
}

function describeError(error: any): string {
  const status = error?.code ?? error?.statusCode;
  const body = error?.body;
  const message =
    (typeof body === 'object' && body?.message) ||
    (typeof body === 'string' && safeStatusMessage(body)) ||
    error?.message ||
    String(error);
  return status ? `HTTP ${status}: ${message}` : message;
}

function safeStatusMessage(body: string): string | undefined {
  try {
    return JSON.parse(body).message;
  } catch {
    return body.slice(0, 200);
  }
}

async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${ms} ms ${what}`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
