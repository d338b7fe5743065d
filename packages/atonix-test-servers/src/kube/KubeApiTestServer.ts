import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { URL } from 'node:url';
import {
  LabelRequirement,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';
import type { KubeObject } from './KubeObject';
import {
  RESOURCE_TYPES,
  ResourceType,
  apiVersionOf,
  findResourceTypeByKind,
} from './resources';

export type { KubeObject };

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface StoredEvent {
  type: WatchEventType;
  object: KubeObject;
  resourceVersion: number;
}

interface Watcher {
  type: ResourceType;
  namespace?: string;
  selector: LabelRequirement[];
  res: http.ServerResponse;
  bookmarks: boolean;
}

/** Faults the server can be told to inject; see {@link KubeApiTestServer.setFaults}. */
export interface KubeApiFaults {
  /** Answer every request with 500 and a `Status` body. */
  error500?: boolean;
  /** Delay every response by this many milliseconds. */
  delayMs?: number;
}

export interface KubeApiTestServerOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** How often open watches that asked for bookmarks get one; default 1000 ms. */
  bookmarkIntervalMs?: number;
  /** How many change events are kept for watches that resume from a resourceVersion; default 10,000. */
  historyLimit?: number;
  /**
   * Resource types to leave out, as in a cluster where their CRDs are not installed (e.g.
   * `['functions.openfaas.com']`): listing them answers 404 and `apply` refuses them.
   */
  withoutResources?: string[];
}

/**
 * A Kubernetes API server for tests that speaks the real wire protocol: list (in pages with `limit`
 * and `continue`), get and watch with
 * resourceVersion on namespaced and cluster-wide paths, label selectors, `BOOKMARK` events for
 * `allowWatchBookmarks`, an `ERROR` event carrying a 410 `Expired` Status for a resourceVersion
 * older than the kept history, and `Status` bodies for errors. It also injects faults: dropped
 * watches, 500s, slow answers and a server that is down.
 *
 * It is read-only over HTTP, like the service account of the portal; tests change objects through
 * {@link KubeApiTestServer.apply} and {@link KubeApiTestServer.delete}, which emit watch events.
 */
export class KubeApiTestServer {
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #objects = new Map<ResourceType, Map<string, KubeObject>>();
  readonly #types: ResourceType[];
  readonly #history: StoredEvent[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #historyLimit: number;
  readonly #bookmarkTimer: NodeJS.Timeout;
  #resourceVersion = 1;
  #oldestResumableVersion = 1;
  #faults: KubeApiFaults = {};
  #port = 0;
  #down = false;
  #requestCount = 0;
  #readsInFlight = 0;
  #maxReadsInFlight = 0;

  static async start(
    options: KubeApiTestServerOptions = {},
  ): Promise<KubeApiTestServer> {
    const server = new KubeApiTestServer(options);
    await server.#listen(options.port ?? 0);
    return server;
  }

  private constructor(options: KubeApiTestServerOptions) {
    this.#historyLimit = options.historyLimit ?? 10_000;
    const without = new Set(options.withoutResources ?? []);
    this.#types = RESOURCE_TYPES.filter(
      t => !without.has(t.group ? `${t.plural}.${t.group}` : t.plural),
    );
    for (const type of this.#types) {
      this.#objects.set(type, new Map());
    }
    this.#server = http.createServer((req, res) => {
      this.#requestCount++;
      if (!/[?&]watch=(true|1)(&|$)/.test(req.url ?? '')) {
        this.#readsInFlight++;
        this.#maxReadsInFlight = Math.max(
          this.#maxReadsInFlight,
          this.#readsInFlight,
        );
        res.once('close', () => this.#readsInFlight--);
      }
      this.#handle(req, res).catch(error => {
        if (!res.headersSent) {
          this.#sendStatus(res, 500, 'InternalError', String(error));
        } else {
          res.destroy();
        }
      });
    });
    this.#server.on('connection', socket => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#bookmarkTimer = setInterval(
      () => this.#sendBookmarks(),
      options.bookmarkIntervalMs ?? 1000,
    );
    this.#bookmarkTimer.unref();
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Requests served so far (benchmarks use it to count API server load). */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** The most requests other than watches (lists, gets) this server has answered at once. */
  get maxReadsInFlight(): number {
    return this.#maxReadsInFlight;
  }

  /** The current resourceVersion of the whole store. */
  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  /** Creates or replaces objects (by apiVersion, kind, namespace, name), emitting ADDED or MODIFIED. */
  apply(...objects: KubeObject[]): void {
    for (const object of objects) {
      const type = this.#typeOf(object);
      const store = this.#objects.get(type)!;
      const key = objectKey(object.metadata.namespace, object.metadata.name);
      const existing = store.get(key);
      const stored: KubeObject = structuredClone(object);
      this.#resourceVersion++;
      stored.metadata.resourceVersion = String(this.#resourceVersion);
      stored.metadata.uid =
        existing?.metadata.uid ??
        object.metadata.uid ??
        `uid-${this.#resourceVersion}`;
      stored.metadata.creationTimestamp =
        existing?.metadata.creationTimestamp ??
        object.metadata.creationTimestamp ??
        new Date().toISOString();
      stored.metadata.generation = (existing?.metadata.generation ?? 0) + 1;
      store.set(key, stored);
      this.#record(type, existing ? 'MODIFIED' : 'ADDED', stored);
    }
  }

  /** Returns a stored object (a copy), or undefined. */
  get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const type = this.#typeOf({ apiVersion, kind, metadata: { name } });
    const object = this.#objects.get(type)!.get(objectKey(namespace, name));
    return object && structuredClone(object);
  }

  /** Changes one stored object with `mutate` and emits MODIFIED; throws when it does not exist. */
  update(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    mutate: (object: KubeObject) => void,
  ): void {
    const object = this.get(apiVersion, kind, namespace, name);
    if (!object) {
      throw new Error(`${kind} ${namespace}/${name} does not exist`);
    }
    mutate(object);
    this.apply(object);
  }

  /** Deletes an object, emitting DELETED; returns false when it did not exist. */
  delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): boolean {
    const type = this.#typeOf({ apiVersion, kind, metadata: { name } });
    const store = this.#objects.get(type)!;
    const key = objectKey(namespace, name);
    const existing = store.get(key);
    if (!existing) {
      return false;
    }
    store.delete(key);
    this.#resourceVersion++;
    const deleted = structuredClone(existing);
    deleted.metadata.resourceVersion = String(this.#resourceVersion);
    this.#record(type, 'DELETED', deleted);
    return true;
  }

  /** Ends every open watch, as an API server does on restart or at a watch's timeout. */
  dropWatches(): void {
    for (const watcher of this.#watchers) {
      watcher.res.end();
    }
    this.#watchers.clear();
  }

  /**
   * Forgets the event history, as etcd compaction does: a watch that resumes from any earlier
   * resourceVersion gets 410 Gone and must list again. Open watches are dropped.
   */
  compactHistory(): void {
    this.#history.length = 0;
    this.#oldestResumableVersion = this.#resourceVersion;
    this.dropWatches();
  }

  /** Sets the faults to inject from now on (replaces the previous ones). */
  setFaults(faults: KubeApiFaults): void {
    this.#faults = { ...faults };
  }

  /**
   * Takes the server down (connections are cut and the port refuses new ones) or brings it back up
   * on the same port with the same objects.
   */
  async setDown(down: boolean): Promise<void> {
    if (down === this.#down) {
      return;
    }
    this.#down = down;
    if (down) {
      this.dropWatches();
      await new Promise<void>(resolve => {
        this.#server.close(() => resolve());
        for (const socket of this.#sockets) {
          socket.destroy();
        }
      });
    } else {
      await this.#listen(this.#port);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#bookmarkTimer);
    await this.setDown(true);
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  #typeOf(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>) {
    const type = findResourceTypeByKind(object.apiVersion, object.kind);
    if (!type || !this.#types.includes(type)) {
      throw new Error(
        `The test API server does not serve ${object.apiVersion} ${object.kind}; add it to RESOURCE_TYPES or leave it out of withoutResources`,
      );
    }
    return type;
  }

  #record(type: ResourceType, eventType: WatchEventType, object: KubeObject) {
    const event = {
      type: eventType,
      object,
      resourceVersion: this.#resourceVersion,
    };
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.shift()!;
      this.#oldestResumableVersion = dropped.resourceVersion;
    }
    for (const watcher of this.#watchers) {
      if (watcher.type === type && watches(watcher, object)) {
        writeEvent(watcher.res, eventType, object);
      }
    }
  }

  #sendBookmarks() {
    for (const watcher of this.#watchers) {
      if (watcher.bookmarks) {
        writeEvent(watcher.res, 'BOOKMARK', {
          apiVersion: apiVersionOf(watcher.type),
          kind: watcher.type.kind,
          metadata: { name: '', resourceVersion: this.resourceVersion },
        });
      }
    }
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (this.#faults.delayMs) {
      // Unref'd: a hanging request must not keep the test process alive after stop().
      await new Promise(resolve =>
        setTimeout(resolve, this.#faults.delayMs).unref(),
      );
    }
    if (this.#faults.error500) {
      this.#sendStatus(
        res,
        500,
        'InternalError',
        'injected fault: internal error',
      );
      return;
    }
    if (req.method !== 'GET') {
      this.#sendStatus(
        res,
        405,
        'MethodNotAllowed',
        `the test API server is read-only; ${req.method} is not supported`,
      );
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.#route(url.pathname);
    if (!route) {
      this.#sendStatus(
        res,
        404,
        'NotFound',
        `the server could not find the requested resource (get ${url.pathname})`,
      );
      return;
    }
    const { type, namespace, name } = route;
    if (name) {
      const object = this.#objects.get(type)!.get(objectKey(namespace, name));
      if (!object) {
        this.#sendStatus(
          res,
          404,
          'NotFound',
          `${type.plural}.${type.group} "${name}" not found`,
          { name, group: type.group, kind: type.plural },
        );
        return;
      }
      sendJson(res, 200, object);
      return;
    }
    let selector: LabelRequirement[];
    try {
      selector = parseLabelSelector(
        url.searchParams.get('labelSelector') ?? '',
      );
    } catch (error) {
      this.#sendStatus(
        res,
        400,
        'BadRequest',
        `unable to parse requirement: ${(error as Error).message}`,
      );
      return;
    }
    const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    if (watch) {
      this.#watch(req, res, url, { type, namespace, selector });
      return;
    }
    const items = [...this.#objects.get(type)!.values()].filter(object =>
      watches({ namespace, selector }, object),
    );
    // Pages (`limit`, then the `continue` token the previous page gave) over the objects as they
    // are at each call, where a real server pages one snapshot.
    const limit = Number(url.searchParams.get('limit'));
    const from = Number(url.searchParams.get('continue') ?? 0);
    const paged = limit > 0 ? items.slice(from, from + limit) : items;
    const more = limit > 0 && from + limit < items.length;
    sendJson(res, 200, {
      apiVersion: apiVersionOf(type),
      kind: `${type.kind}List`,
      metadata: {
        resourceVersion: this.resourceVersion,
        ...(more ? { continue: String(from + limit) } : {}),
      },
      items: paged,
    });
  }

  #watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    scope: Omit<Watcher, 'res' | 'bookmarks'>,
  ) {
    res.writeHead(200, {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    });
    // Clients wait for the headers before they read events; send them now, not with the first event.
    res.flushHeaders();
    const from = url.searchParams.get('resourceVersion');
    const watcher: Watcher = {
      ...scope,
      res,
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
    };
    if (!from || from === '0') {
      // No starting point: the current state first, as synthetic ADDED events.
      for (const object of this.#objects.get(scope.type)!.values()) {
        if (watches(scope, object)) {
          writeEvent(res, 'ADDED', object);
        }
      }
    } else {
      const version = Number(from);
      if (
        !Number.isInteger(version) ||
        version < this.#oldestResumableVersion
      ) {
        writeEvent(res, 'ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${from} (${
            this.#oldestResumableVersion
          })`,
          reason: 'Expired',
          code: 410,
        } as unknown as KubeObject);
        res.end();
        return;
      }
      for (const event of this.#history) {
        if (
          event.resourceVersion > version &&
          this.#typeOf(event.object) === scope.type &&
          watches(scope, event.object)
        ) {
          writeEvent(res, event.type, event.object);
        }
      }
    }
    this.#watchers.add(watcher);
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds'));
    const timer =
      timeoutSeconds > 0
        ? setTimeout(() => res.end(), timeoutSeconds * 1000)
        : undefined;
    const done = () => {
      clearTimeout(timer);
      this.#watchers.delete(watcher);
    };
    req.on('close', done);
    res.on('close', done);
  }

  #route(
    pathname: string,
  ): { type: ResourceType; namespace?: string; name?: string } | undefined {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let rest: string[];
    if (parts[0] === 'api') {
      group = '';
      rest = parts.slice(1);
    } else if (parts[0] === 'apis') {
      group = parts[1];
      rest = parts.slice(2);
    } else {
      return undefined;
    }
    const [version, ...path] = rest;
    let namespace: string | undefined;
    let plural: string | undefined;
    let name: string | undefined;
    if (path[0] === 'namespaces' && path.length >= 3) {
      [, namespace, plural, name] = path;
    } else {
      [plural, name] = path;
    }
    if (path.length > (namespace ? 4 : 2)) {
      return undefined;
    }
    const type = this.#types.find(
      t => t.group === group && t.version === version && t.plural === plural,
    );
    if (!type || (namespace && !type.namespaced)) {
      return undefined;
    }
    return { type, namespace, name };
  }

  #sendStatus(
    res: http.ServerResponse,
    code: number,
    reason: string,
    message: string,
    details?: Record<string, string>,
  ) {
    sendJson(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    });
  }
}

function objectKey(namespace: string | undefined, name: string) {
  return `${namespace ?? ''}/${name}`;
}

function watches(
  scope: Pick<Watcher, 'namespace' | 'selector'>,
  object: KubeObject,
): boolean {
  return (
    (!scope.namespace || object.metadata.namespace === scope.namespace) &&
    matchesLabelSelector(scope.selector, object.metadata.labels)
  );
}

function writeEvent(
  res: http.ServerResponse,
  type: WatchEventType | 'BOOKMARK' | 'ERROR',
  object: KubeObject,
) {
  if (!res.writableEnded) {
    res.write(`${JSON.stringify({ type, object })}\n`);
  }
}

function sendJson(res: http.ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
