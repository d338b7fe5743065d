/**
 * Answers reused for a fixed time per key: the first caller's promise serves every caller until
 * it is `freshnessMs` old, so concurrent callers share one call. A rejected answer is dropped at
 * once, so the next caller asks again; a caller that wants failures kept turns them into values
 * before they reach the cache. Past `maxEntries` keys it starts over, so it never grows without
 * bound.
 *
 * With `renewAfterMs`, a key asked for again once its answer is that old (and still fresh) is
 * loaded anew in the background while the fresh answer keeps serving, and the new answer replaces
 * it when it arrives: a key in steady use never makes a caller wait for a load, and no answer
 * served is older than `freshnessMs`. A failed renewal leaves the fresh answer in place, and the
 * next caller tries again.
 */
export class FreshCache<T> {
  readonly #freshnessMs: number;
  readonly #renewAfterMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry<T>>();

  constructor(options: {
    freshnessMs: number;
    renewAfterMs?: number;
    maxEntries?: number;
    now?: () => number;
  }) {
    this.#freshnessMs = options.freshnessMs;
    this.#renewAfterMs = options.renewAfterMs ?? Infinity;
    this.#maxEntries = options.maxEntries ?? Infinity;
    this.#now = options.now ?? Date.now;
  }

  /** The answer for `key`: the reused one while fresh, otherwise `load()`'s. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const known = this.#entries.get(key);
    if (known && now - known.at < this.#freshnessMs) {
      if (now - known.at >= this.#renewAfterMs && !known.renewing) {
        this.#renew(key, known, now, load);
      }
      return known.value;
    }
    const value = load();
    const entry = this.#store(key, { at: now, value, renewing: false });
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  #renew(key: string, known: Entry<T>, now: number, load: () => Promise<T>) {
    known.renewing = true;
    load().then(
      answer => {
        // Only over the entry it renews: a key reloaded or dropped meanwhile keeps its newer state.
        if (this.#entries.get(key) === known) {
          this.#store(key, {
            at: now,
            value: Promise.resolve(answer),
            renewing: false,
          });
        }
      },
      () => {
        known.renewing = false;
      },
    );
  }

  #store(key: string, entry: Entry<T>): Entry<T> {
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(key)) {
      this.#entries.clear();
    }
    this.#entries.set(key, entry);
    return entry;
  }
}

interface Entry<T> {
  /** When the load that answered it started: its age counts from then. */
  at: number;
  value: Promise<T>;
  renewing: boolean;
}
