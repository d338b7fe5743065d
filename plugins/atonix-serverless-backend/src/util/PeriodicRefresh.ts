/**
 * A read of every cluster's upstream (Prometheus, Alertmanager) run now and then on a timer, in the
 * background: a read asked for while one is running joins it instead of starting a second one, and
 * a failed read is logged, not thrown at the timer.
 */
export class PeriodicRefresh {
  readonly #read: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;

  constructor(read: () => Promise<void>, onError: (error: unknown) => void) {
    this.#read = read;
    this.#onError = onError;
  }

  /** Reads now (not awaited: a slow upstream must not hold up startup) and every `everyMs`. */
  start(everyMs: number): void {
    const tick = () => {
      this.run().catch(this.#onError);
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
  run(): Promise<void> {
    this.#running ??= this.#read().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
}
