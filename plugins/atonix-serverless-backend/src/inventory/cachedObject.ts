import type {
  CachedObject,
  KubeObject,
  ValueSharing,
  WatchedResource,
} from '../extensions';

/** Above this many distinct strings an {@link Interner} starts a new table (see there). */
const INTERNER_CAPACITY = 100_000;

/**
 * One copy of each repeated string and small part of a cluster's objects: JSON parsing gives every
 * object its own copy of its namespace, label values, condition reasons, which repeat across
 * thousands of objects, and of names, URLs, images and traffic lists, which repeat within a
 * function (a Knative revision's name is in the Service's and the Route's status and in the
 * Revision itself). One table per cluster, so a fleet of clusters costs what distinct clusters
 * would.
 *
 * The tables are for bulk arrivals: the cluster's watcher empties them ({@link forget}) once every
 * resource has listed, because by then the records hold the shared copies and a table entry (a
 * `Map` slot, some 40 B) costs about what the duplicate string it avoids would: at 5,000 functions
 * the 20 clusters' tables held 1.1 MB, over 200 B per function, for the changes still to come.
 * Changes that come one at a time afterwards fill them again; a relist empties them once more,
 * and they also forget everything once they hold {@link INTERNER_CAPACITY} entries, so they never
 * grow with the objects that came and went.
 */
export class Interner implements ValueSharing {
  #table = new Map<string, string>();
  #shared = new Map<string, object>();

  intern<T>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.#table.get(value);
    if (known !== undefined) return known as T;
    if (this.#table.size >= INTERNER_CAPACITY) this.#table = new Map();
    this.#table.set(value, value);
    return value;
  }

  /**
   * One frozen copy of each distinct small object or array that repeats across objects: a
   * fleet's Ready conditions, autoscaling settings, env lists and a function's Flux status are
   * alike by the thousand, and each copy costs more heap (an object header, its properties, an
   * array's elements) than the strings it holds. `value` must hold only plain data. Frozen,
   * because every holder sees the same copy.
   */
  share<T extends object>(value: T): T {
    const key = JSON.stringify(value);
    const known = this.#shared.get(key);
    if (known !== undefined) return known as T;
    if (this.#shared.size >= INTERNER_CAPACITY) this.#shared = new Map();
    this.#shared.set(key, Object.freeze(value));
    return value;
  }

  /** Empties the tables: what was shared stays shared, later values are compared among themselves. */
  forget(): void {
    this.#table = new Map();
    this.#shared = new Map();
  }
}

/** Names every record has; a resource's fields may not take them (RuntimeRegistry checks). */
export const RESERVED_FIELDS = [
  'name',
  'namespace',
  'resourceVersion',
  'metadata',
];

/**
 * The prototype of every cached record. client-node's `ListWatch` keys and compares the objects it
 * holds by `metadata.name`, `metadata.namespace` and `metadata.resourceVersion`: the record is its
 * own metadata, so that costs no object per record.
 */
class CachedRecord {
  declare readonly name: string;
  declare readonly namespace: string;
  declare readonly resourceVersion: string;

  get metadata(): this {
    return this;
  }
}

/**
 * Per resource, an object with a record's properties in their order, all null: what each record
 * is copied from. V8 keeps the properties of an object `JSON.parse` builds inside the object, and a
 * spread copy of it keeps that layout; a record built property by property (as a class instance
 * whose constructor does not name them all) keeps those past its first few in a second array,
 * 16 B and up more per record (24 B for a Knative Service's 16).
 */
const recordLayouts = new WeakMap<object, object>();

function layoutOf(fields: object): object {
  let layout = recordLayouts.get(fields);
  if (!layout) {
    const names = [
      'name',
      'namespace',
      'resourceVersion',
      ...Object.keys(fields),
    ];
    layout = JSON.parse(
      JSON.stringify(Object.fromEntries(names.map(n => [n, null]))),
    );
    recordLayouts.set(fields, layout!);
  }
  return layout!;
}

/**
 * What the cache keeps of a watched object: its name, namespace and resourceVersion (what the
 * informer needs; it compares resourceVersions, never the `uid`) and each of the resource's
 * `fields` as read from the object, nothing else; a field whose reader fails on a malformed object
 * is `undefined`. Every record of a resource has its fields in the same order, absent ones
 * `undefined`, so the records of a kind share one hidden class.
 */
export function cachedObject(
  object: KubeObject,
  resource: Pick<WatchedResource, 'fields'>,
  interner: Interner,
): CachedObject {
  const metadata = object.metadata ?? {};
  const record: Record<string, unknown> = { ...layoutOf(resource.fields) };
  record.name = interner.intern(metadata.name ?? '');
  record.namespace = interner.intern(metadata.namespace ?? '');
  record.resourceVersion = metadata.resourceVersion ?? '';
  for (const field of Object.keys(resource.fields)) {
    try {
      record[field] = resource.fields[field](object, interner);
    } catch {
      // A malformed object (a timestamp that is no date) must not fail the list or watch that
      // brought it: the field is absent, as readers already handle.
      record[field] = undefined;
    }
  }
  // Changes the prototype only (a cached map transition): the properties stay inside the object.
  return Object.setPrototypeOf(record, CachedRecord.prototype);
}
