/**
 * Answers reused for a fixed time per key: the first caller's promise serves every caller until
 * it is `freshnessMs` old, so concurrent callers share one call. A rejected answer is dropped at
 * once, so the next caller asks again; a caller that wants failures kept turns them into values
 * before they reach the cache. Past `maxEntries` keys it starts over, so it never grows without
 * bound.
 */
export class FreshCache<T> {
  readonly #freshnessMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(options: {
    freshnessMs: number;
    maxEntries?: number;
    now?: () => number;
  }) {
    this.#freshnessMs = options.freshnessMs;
    this.#maxEntries = options.maxEntries ?? Infinity;
    this.#now = options.now ?? Date.now;
  }

  /** The answer for `key`: the reused one while fresh, otherwise `load()`'s. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const known = this.#entries.get(key);
    if (known && now - known.at < this.#freshnessMs) {
      return known.value;
    }
    const value = load();
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    const entry = { at: now, value };
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }
}
