import { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { eventually } from './eventually';

/** The signals a server process is stopped with. */
export interface LocalProcessSignals {
  /** What `stop()` sends, to shut down cleanly; default SIGTERM. */
  stop?: NodeJS.Signals;
  /** What it gets if the process that started it exits without `stop()`; default SIGKILL. */
  orphaned?: NodeJS.Signals;
}

/**
 * A server a test started on 127.0.0.1 (Prometheus, Alertmanager, PostgreSQL): its process, its
 * temporary folder, and its last stderr for error messages. It never outlives the process that
 * started it, even one that exits without `stop()`.
 */
export class LocalProcess {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #stopSignal: NodeJS.Signals;
  readonly port: number;
  #stderr = '';
  readonly #killOnExit: () => void;

  constructor(
    child: ChildProcess,
    dir: string,
    port: number,
    signals: LocalProcessSignals = {},
  ) {
    this.#child = child;
    this.#dir = dir;
    this.port = port;
    this.#stopSignal = signals.stop ?? 'SIGTERM';
    const orphaned = signals.orphaned ?? 'SIGKILL';
    this.#killOnExit = () => this.#child.kill(orphaned);
    process.once('exit', this.#killOnExit);
    child.stderr?.on('data', chunk => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The last 4000 characters the process wrote to stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Stops the process and removes its folder. */
  async stop(): Promise<void> {
    process.off('exit', this.#killOnExit);
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise(resolve => this.#child.once('exit', resolve));
      this.#child.kill(this.#stopSignal);
      await exited;
    }
    await fs.rm(this.#dir, { recursive: true, force: true });
  }

  /**
   * Waits until `isReady` (by default: `/-/ready` answers, as Prometheus and Alertmanager do);
   * throws with stderr at once if the process exits, and stops it and throws after `timeoutMs`.
   */
  async waitUntilReady(
    what: string,
    isReady: () => boolean | Promise<boolean> = () =>
      fetch(`${this.url}/-/ready`).then(
        res => res.ok,
        () => false,
      ),
    timeoutMs = 20_000,
  ): Promise<void> {
    const exited = await eventually(
      async () => {
        if (this.#child.exitCode !== null) return true;
        if (!(await isReady())) throw new Error(`${what} is not ready yet`);
        return false;
      },
      timeoutMs,
      100,
    ).catch(async () => {
      await this.stop();
      throw new Error(
        `${what} did not become ready within ${timeoutMs / 1000} s: ${
          this.#stderr
        }`,
      );
    });
    if (exited) {
      throw new Error(
        `${what} exited with ${this.#child.exitCode}: ${this.#stderr}`,
      );
    }
  }
}
