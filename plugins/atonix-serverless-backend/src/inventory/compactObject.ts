import type { KubeObject, WatchedResource } from '../extensions';

/** kubectl's copy of the whole applied object, which nothing here reads. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Picked fields whose values repeat across a fleet's objects (one template renders them all), so
 * the inventory keeps one shared copy of each (see {@link Interner.share}).
 */
const SHARED_FIELDS = new Set(['annotations', 'env']);

/** Above this many distinct strings an {@link Interner} starts a new table (see there). */
const INTERNER_CAPACITY = 100_000;

/**
 * One copy of each repeated string of a cluster's objects: JSON parsing gives every object its own
 * copy of its namespace, label and annotation values, condition types and reasons, which repeat
 * across thousands of objects, and of names, URLs and images, which repeat within a function (a
 * Knative revision's name is in the Service's and the Route's status and in the Revision itself).
 * One table per cluster, so a fleet of clusters costs what distinct clusters would. The table
 * forgets everything once it holds {@link INTERNER_CAPACITY} strings: strings already shared stay
 * shared, and the table never grows with the objects that came and went.
 */
export class Interner {
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
   * fleet's Ready conditions, autoscaling annotations, env lists and a function's derived
   * autoscaling settings or Flux status are alike by the thousand, and each copy costs more heap
   * (an object header, its properties' backing store, an array's elements) than the strings it
   * holds. `value` must hold only plain data; its nested objects should have been shared first
   * (they are compared by content, so this holds either way). Frozen, because every holder sees
   * the same copy. Forgets everything at {@link INTERNER_CAPACITY} entries, as {@link intern}.
   */
  share<T extends object>(value: T): T {
    const key = JSON.stringify(value);
    const known = this.#shared.get(key);
    if (known !== undefined) return known as T;
    if (this.#shared.size >= INTERNER_CAPACITY) this.#shared = new Map();
    this.#shared.set(key, Object.freeze(value));
    return value;
  }

  /**
   * `record` (of those `keys` only, when given) with its values interned; undefined for an absent
   * or empty record.
   */
  record(
    record: Record<string, string> | undefined,
    keys?: readonly string[],
  ): Record<string, string> | undefined {
    if (!record) return undefined;
    const interned: Record<string, string> = {};
    let empty = true;
    for (const key of keys ?? Object.keys(record)) {
      if (record[key] === undefined) continue;
      interned[key] = this.intern(record[key]);
      empty = false;
    }
    return empty ? undefined : interned;
  }
}

/**
 * What the inventory keeps of a watched object: the metadata it reads (name, namespace, the labels
 * and annotations the resource `reads` (all but kubectl's last-applied copy by default), creation
 * time) and what the informer needs
 * (`resourceVersion`; client-node's cache compares it, never the `uid`); of `spec` and `status`
 * only the paths the resource's runtime `reads`; of conditions only the `reads.conditions` types,
 * each with its type, status, reason and message. `managedFields` alone is often half of an object
 * the API server sends. The strings kept (but unique ones: resourceVersion, timestamps, messages)
 * are shared through the cluster's `interner`.
 */
export function compactObject(
  object: KubeObject,
  reads: WatchedResource['reads'],
  interner: Interner = new Interner(),
): KubeObject {
  const metadata = object.metadata ?? {};
  const { [LAST_APPLIED]: _lastApplied, ...annotations } =
    metadata.annotations ?? {};
  const labels = interner.record(metadata.labels, reads?.labels);
  const keptAnnotations = interner.record(annotations, reads?.annotations);
  const spec = pick(object.spec, reads?.spec, interner);
  const status = pick(object.status, reads?.status, interner);
  const conditions = object.status?.conditions;
  if (status && Array.isArray(conditions) && 'conditions' in status) {
    status.conditions = interner.share(
      conditions
        .filter(
          (c: { type?: string }) =>
            !reads?.conditions || reads.conditions.includes(c.type ?? ''),
        )
        .map((c: Record<string, unknown>) =>
          interner.share(slimCondition(c, interner)),
        ),
    );
  }
  // One literal with every field, absent ones undefined: every object of a kind gets the same
  // hidden class with its fields in the object itself, not in a separate backing store that
  // fields added later would need.
  return {
    apiVersion: interner.intern(object.apiVersion),
    kind: interner.intern(object.kind),
    metadata: {
      name: interner.intern(metadata.name),
      namespace: interner.intern(metadata.namespace),
      resourceVersion: metadata.resourceVersion,
      // A function's objects are created within the same second or so.
      creationTimestamp: interner.intern(metadata.creationTimestamp),
      labels,
      annotations: keptAnnotations && interner.share(keptAnnotations),
    },
    spec,
    status,
  };
}

/** A tree of the paths to keep: `true` keeps the whole value at that path. */
type PathTree = { [field: string]: PathTree | true };

const treeOfPaths = new WeakMap<readonly string[], PathTree>();

/**
 * `['template.metadata.annotations', 'template.spec.containers.image']` as a tree, built once per
 * `reads` list.
 */
function treeOf(paths: readonly string[]): PathTree {
  let tree = treeOfPaths.get(paths);
  if (!tree) {
    tree = {};
    for (const path of paths) {
      const fields = path.split('.');
      let node = tree;
      fields.forEach((field, i) => {
        if (i === fields.length - 1) {
          node[field] = true;
        } else {
          const next = node[field];
          if (next === true) return;
          node = node[field] = next ?? {};
        }
      });
    }
    treeOfPaths.set(paths, tree);
  }
  return tree;
}

function pick(
  value: Record<string, unknown> | undefined,
  paths: readonly string[] | undefined,
  interner: Interner,
): Record<string, any> | undefined {
  if (value === undefined) {
    return undefined;
  }
  return pickTree(value, paths ? treeOf(paths) : true, interner);
}

/**
 * The parts of `value` on the tree's paths, strings interned, empty objects and arrays and
 * {@link SHARED_FIELDS} shared; an array keeps those parts of each element. A top-level
 * `conditions` array is kept as it is, for {@link slimCondition}.
 */
function pickTree(
  value: any,
  tree: PathTree | true,
  interner: Interner,
  top = true,
): any {
  if (value === null || typeof value !== 'object') {
    return interner.intern(value);
  }
  if (Array.isArray(value)) {
    const elements = value.map(element =>
      pickTree(element, tree, interner, false),
    );
    return elements.length ? elements : interner.share(elements);
  }
  const picked: Record<string, unknown> = {};
  let empty = true;
  for (const field of Object.keys(tree === true ? value : tree)) {
    if (value[field] === undefined) continue;
    empty = false;
    if (top && field === 'conditions') {
      picked[field] = value[field];
      continue;
    }
    const kept = pickTree(
      value[field],
      tree === true ? true : tree[field],
      interner,
      false,
    );
    picked[field] =
      SHARED_FIELDS.has(field) && typeof kept === 'object' && kept !== null
        ? interner.share(kept)
        : kept;
  }
  return empty ? interner.share(picked) : picked;
}

function slimCondition(condition: Record<string, unknown>, interner: Interner) {
  const { type, status, reason, message } = condition;
  return {
    type: interner.intern(type),
    status: interner.intern(status),
    ...(reason !== undefined ? { reason: interner.intern(reason) } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}
