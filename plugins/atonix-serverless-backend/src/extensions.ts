import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  FunctionDetails,
  FunctionRuntime,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AtonixCluster } from './clusters';

/**
 * The per-cluster tables a field reader keeps its values through: a fleet's objects repeat the same
 * strings and small parts by the thousand (namespaces, label values, conditions, autoscaling
 * settings, env lists), so the cache keeps one copy of each.
 *
 * @public
 */
export interface ValueSharing {
  /** One copy per cluster of a string (anything else is returned as given). */
  intern<T>(value: T): T;
  /**
   * One frozen copy per cluster of equal small plain-data objects or arrays (compared by content):
   * for parts that repeat across objects; a part unique to one object costs more shared.
   */
  share<T extends object>(value: T): T;
}

/**
 * How the cache reads one field of a watched object: from the object as the API server sends it,
 * to the value the runtime reads later (strings interned and repeated parts shared through
 * `keep`). Computed once per object version, so a reader may also normalise here what every
 * derivation would otherwise do again (a condition's status, a percentage's default).
 *
 * @public
 */
export type ReadField<T = unknown> = (
  object: KubeObject,
  keep: ValueSharing,
) => T;

/** The fields of a {@link WatchedResource}, by the name readers read them under. @public */
export type ReadFields = Readonly<Record<string, ReadField>>;

/**
 * A Kubernetes resource the inventory watches in every cluster (list + watch, cluster-wide: the
 * service account needs `list` and `watch` on it).
 *
 * @public
 */
export interface WatchedResource {
  group: string;
  version: string;
  plural: string;
  /** Only objects matching this label selector are kept. */
  labelSelector?: string;
  /**
   * What readers read of each object. The cache keeps one flat record per object (see
   * {@link CachedObject}): its name, namespace and resourceVersion and these fields, nothing else,
   * so a large fleet costs memory for what is read only. `name`, `namespace`, `resourceVersion`
   * and `metadata` are taken.
   */
  fields: ReadFields;
}

/**
 * A watched object as the API server sends it: client-node's `KubernetesObject` with the `spec`
 * and `status` of its kind, untyped because every watched kind differs. `metadata.creationTimestamp`
 * is the wire string despite its `Date` type; read it through `new Date(...)`.
 *
 * @public
 */
export type KubeObject = KubernetesObject & { spec?: any; status?: any };

/**
 * What the cache keeps of one watched object: one flat, fixed-shape record per object (every object
 * of a kind has the same fields, `undefined` where absent) with its name, namespace and
 * resourceVersion and the fields its {@link WatchedResource} declares, as they read.
 *
 * @public
 */
export type CachedObject<F extends ReadFields = ReadFields> = {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
} & { readonly [K in keyof F]: ReturnType<F[K]> };

/** The cached record of a resource's objects. @public */
export type RecordOf<R extends WatchedResource> = CachedObject<R['fields']>;

/**
 * Read access to one cluster's watched objects, by the kind names runtimes give their
 * {@link WatchedResource}s (and `kustomization` and `receiver`, which the inventory watches for
 * every runtime). `R` types the records of the kinds a reader knows.
 *
 * @public
 */
export interface ClusterObjects<
  R extends Readonly<Record<string, WatchedResource>> = Readonly<
    Record<string, WatchedResource>
  >,
> {
  get<K extends keyof R & string>(
    kind: K,
    namespace: string,
    name: string,
  ): RecordOf<R[K]> | undefined;
  list<K extends keyof R & string>(
    kind: K,
    namespace?: string,
  ): RecordOf<R[K]>[];
}

/**
 * A function as the inventory keeps it: its status and what only the details route needs.
 *
 * @public
 */
export type DerivedFunction = Omit<
  FunctionDetails,
  'cluster' | 'observedAt' | 'stale' | 'staleSeconds' | 'entityRef' | 'owner'
>;

/**
 * A derived function without its details (env, image, revisions): what the inventory keeps of
 * every function and the fleet list returns. The details are derived again when one function is
 * asked for.
 *
 * @public
 */
export type CompactStatus = Omit<
  DerivedFunction,
  'env' | 'image' | 'revisions'
>;

/**
 * Identifies a function within a cluster: its runtime object's namespace and name.
 *
 * @public
 */
export interface FunctionKey {
  runtime: FunctionRuntime;
  namespace: string;
  name: string;
}

/**
 * PromQL over a runtime's request counter, latency histogram and pod gauge. Built for one function
 * (a label selector) or for the whole fleet (grouped by the labels that name a function).
 *
 * @public
 */
export interface RuntimeQueries {
  /** Requests per second; `by` splits it further by a label for charts. */
  requestRate(range: string, by?: string): string;
  /** Share of 5xx responses; 0 with requests but no 5xx series, nothing without requests. */
  errorRate(range: string): string;
  /** The `quantile` latency in milliseconds. */
  latency(quantile: number, range: string): string;
  /** Ready pods of the function, as one series; `offset` looks back in time (`15s`). */
  pods(offset?: string): string;
  /** A label to split request-rate charts by (revision for Knative). */
  splitBy?: string;
  /** Starts from zero, where the platform records them (Knative); absent otherwise. */
  coldStarts?: {
    /** Starts from zero in the last hour, summed; `by` keeps one result per value of that label. */
    count1h(by?: string): string;
    /** The highest p95 wait for a start in the last hour, in milliseconds, the slowest revision's; `by` as above. */
    p95Ms(by?: string): string;
    /** The label that names a revision in both results. */
    revisionLabel: string;
  };
}

/**
 * One runtime (Knative, OpenFaaS, …) as the backend sees it: what it watches, how a function's
 * status is derived from the watched objects, and how its traffic is read from Prometheus. The
 * renderer and policy of the same runtime live in `@internal/backstage-plugin-atonix-serverless-node`.
 *
 * @public
 */
export interface FunctionRuntimeModule {
  readonly runtime: FunctionRuntime;
  /**
   * The resources to watch, by kind name. Kind names are shared across runtimes, so a runtime
   * prefixes names another runtime could use for a different selection.
   */
  readonly resources: Readonly<Record<string, WatchedResource>>;
  /** The kind (one of `resources`) whose objects are the functions themselves. */
  readonly functionKind: string;
  /**
   * Which functions a change of `object` (of one of this runtime's kinds) can affect, so that only
   * they are derived again: their keys, or for objects shared by many functions (a Broker) a test
   * to run over the functions already known.
   */
  affectedFunctions(
    kind: string,
    object: CachedObject,
  ): FunctionKey[] | ((fn: CompactStatus) => boolean);
  /**
   * The function `object` (of `functionKind`) describes, from it and the objects around it. Called
   * when its objects change, and again for its details when one function is asked for: the same
   * objects must give the same function.
   */
  deriveFunction(
    objects: ClusterObjects,
    object: CachedObject,
    cluster: AtonixCluster,
  ): DerivedFunction;
  /**
   * The namespaces a catalog entity's `backstage.io/kubernetes-namespace` may name for a function
   * of this runtime, most specific first.
   */
  entityNamespaces(fn: { namespace: string; team: string }): string[];
  /** PromQL over one function's series. */
  functionQueries(fn: { namespace: string; name: string }): RuntimeQueries;
  /**
   * PromQL over every function's series, one result per function, and how to read the function
   * back from a result's labels.
   */
  readonly fleetQueries: {
    queries: RuntimeQueries;
    keyOf(labels: Record<string, string>): FunctionKey;
  };
}

/**
 * Adds runtimes to the Atonix Serverless backend. Knative and OpenFaaS are built in; a backend
 * module that calls `addRuntime` in its `init` brings another without changing the plugin, or
 * replaces the built-in module of the same `runtime` id (say, to read other metric names).
 *
 * @public
 */
export interface AtonixServerlessRuntimesExtensionPoint {
  addRuntime(runtime: FunctionRuntimeModule): void;
}

/**
 * The extension point for {@link AtonixServerlessRuntimesExtensionPoint}.
 *
 * @public
 */
export const atonixServerlessRuntimesExtensionPoint =
  createExtensionPoint<AtonixServerlessRuntimesExtensionPoint>({
    id: 'atonix-serverless.runtimes',
  });
