import { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';

/**
 * A Prometheus-project server (Prometheus, Alertmanager) started by a test on 127.0.0.1: its
 * process, its temporary folder, and its last stderr for error messages. It never outlives the
 * process that started it, even one that exits without `stop()`.
 */
export class LocalProcess {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly port: number;
  #stderr = '';
  readonly #killOnExit = () => this.#child.kill('SIGKILL');

  constructor(child: ChildProcess, dir: string, port: number) {
    this.#child = child;
    this.#dir = dir;
    this.port = port;
    process.once('exit', this.#killOnExit);
    child.stderr?.on('data', chunk => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops the process and removes its folder. */
  async stop(): Promise<void> {
    process.off('exit', this.#killOnExit);
    if (this.#child.exitCode === null) {
      const exited = new Promise(resolve => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(this.#dir, { recursive: true, force: true });
  }

  /** Waits for `/-/ready` (both servers have it); stops and throws with stderr after 20 s. */
  async waitUntilReady(what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) {
        throw new Error(
          `${what} exited with ${this.#child.exitCode}: ${this.#stderr}`,
        );
      }
      try {
        if ((await fetch(`${this.url}/-/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    await this.stop();
    throw new Error(
      `${what} did not become ready within 20 s: ${this.#stderr}`,
    );
  }
}
