/**
 * A read of every cluster's upstream (Prometheus, Alertmanager) run now and then on a timer, in the
 * background: a read asked for while one is running joins it instead of starting a second one, and
 * a failed read is handed to `onError` (logged), not thrown at the timer. A subclass says what one
 * read does.
 */
export abstract class PeriodicRefresh {
  readonly #onError: (error: unknown) => void;
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;

  protected constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** One read of every cluster. */
  protected abstract read(): Promise<void>;

  /** Reads now (not awaited: a slow upstream must not hold up startup) and every `everyMs`. */
  start(everyMs: number): void {
    const tick = () => {
      this.refresh().catch(this.#onError);
    };
    tick();
    this.#timer = setInterval(tick, everyMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a read still running. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Reads once; a read still running is joined, not repeated. */
  refresh(): Promise<void> {
    this.#running ??= this.read().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
}
