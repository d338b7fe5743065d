/** Requests per view of a function before the provider gives up and says so. */
export const MAX_MERGE_REQUESTS = 5;

/**
 * The least time between two requests for one function: the catalog's processing loop and its
 * stitcher each poll every second, so sooner than this the answer may just not show yet.
 */
export const MERGE_REQUEST_INTERVAL_MS = 5_000;

interface MergeRequest {
  /** The view the requests are for (`FunctionDirectory.viewOf`). */
  view: string;
  count: number;
  /** When the last request was made (or the function was found behind), in ms since the epoch. */
  at: number;
  exhausted?: boolean;
}

/**
 * The provider's requests that the catalog process a claimed function's entity again, until the
 * entity carries the provider's view of it. A single request can be lost: it fails, or it reaches
 * the catalog while the entity is being processed with the previous view, before that processing
 * stored the refresh keys it matches. So the provider asks again at its refreshes, paced by
 * `MERGE_REQUEST_INTERVAL_MS` and at most `MAX_MERGE_REQUESTS` times per view.
 */
export class MergeRequests {
  readonly #requests = new Map<string, MergeRequest>();

  /** The provider asked for `name` because its view changed: a new budget for that view. */
  asked(name: string, view: string): void {
    this.#requests.set(name, { view, count: 1, at: Date.now() });
  }

  /**
   * Of the functions whose entity does not carry their view (`stale`, view by name): those to ask
   * for now, and those whose requests ran out (each once per view). A function found behind with
   * no request for its view (a claim the processor just made) first gets one interval to show.
   */
  due(stale: Map<string, string>): { ask: string[]; exhausted: string[] } {
    const now = Date.now();
    const ask: string[] = [];
    const exhausted: string[] = [];
    for (const [name, view] of stale) {
      const request = this.#requests.get(name);
      if (!request || request.view !== view) {
        this.#requests.set(name, { view, count: 0, at: now });
      } else if (now - request.at < MERGE_REQUEST_INTERVAL_MS) {
        continue;
      } else if (request.count < MAX_MERGE_REQUESTS) {
        request.count++;
        request.at = now;
        ask.push(name);
      } else if (!request.exhausted) {
        request.exhausted = true;
        exhausted.push(name);
      }
    }
    return { ask, exhausted };
  }

  /** The entity carries the view, or the function is no longer claimed. */
  settled(name: string): void {
    this.#requests.delete(name);
  }
}
