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
 * thousands of objects, and of names, URLs and images, which repeat within a function (a Knative
 * revision's name is in the Service's and the Route's status and in the Revision itself). One
 * table per cluster, so a fleet of clusters costs what distinct clusters would. The tables forget
 * everything once they hold {@link INTERNER_CAPACITY} entries: values already shared stay shared,
 * and the tables never grow with the objects that came and went.
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
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;

  constructor(name: string, namespace: string, resourceVersion: string) {
    this.name = name;
    this.namespace = namespace;
    this.resourceVersion = resourceVersion;
  }

  get metadata(): this {
    return this;
  }
}

/**
 * What the cache keeps of a watched object: its name, namespace and resourceVersion (what the
 * informer needs; it compares resourceVersions, never the `uid`) and each of the resource's
 * `fields` as read from the object, nothing else; a field whose reader fails on a malformed object
 * is `undefined`. Every record of a resource gets its fields in the same order, absent ones
 * `undefined`, so the records of a kind share one hidden class.
 */
export function cachedObject(
  object: KubeObject,
  resource: Pick<WatchedResource, 'fields'>,
  interner: Interner,
): CachedObject {
  const metadata = object.metadata ?? {};
  const record = new CachedRecord(
    interner.intern(metadata.name ?? ''),
    interner.intern(metadata.namespace ?? ''),
    metadata.resourceVersion ?? '',
  ) as CachedRecord & Record<string, unknown>;
  for (const field of Object.keys(resource.fields)) {
    try {
      record[field] = resource.fields[field](object, interner);
    } catch {
      // A malformed object (a timestamp that is no date) must not fail the list or watch that
      // brought it: the field is absent, as readers already handle.
      record[field] = undefined;
    }
  }
  return record as unknown as CachedObject;
}
