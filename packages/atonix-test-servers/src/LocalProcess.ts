import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';

/** The signals a server process is stopped with. */
export interface LocalProcessSignals {
  /** What `stop()` sends, to shut down cleanly; default SIGTERM. */
  stop?: NodeJS.Signals;
  /** What it gets if the process that started it exits without `stop()`; default SIGKILL. */
  orphaned?: NodeJS.Signals;
}

/** How {@link LocalProcess.start} runs a server program. */
export interface LocalProcessOptions {
  /** The server's name in messages, e.g. `Prometheus`. */
  name: string;
  binary: string;
  /** The Debian package that installs `binary`, named in the error when it is missing. */
  debianPackage: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Writes what the server reads (its configuration, a new data folder) into its folder. */
  prepare?: (dir: string) => Promise<void>;
  /** The command line, given the server's folder and port. */
  args: (dir: string, port: number) => string[];
  /** The user to run it as (PostgreSQL refuses root), who then owns its folder too. */
  owner?: { uid: number; gid: number };
  signals?: LocalProcessSignals;
  /** When it serves; by default when `/-/ready` answers, as Prometheus and Alertmanager do. */
  isReady?: (server: LocalProcess) => boolean | Promise<boolean>;
  readyTimeoutMs?: number;
}

/**
 * A server a test started on 127.0.0.1 (Prometheus, Alertmanager, PostgreSQL): its process, its
 * temporary folder, and its last stderr for error messages. It never outlives the process that
 * started it, even one that exits without `stop()`.
 */
export class LocalProcess {
  /**
   * Starts `binary` in a new temporary folder (removed on `stop()`, or at once if it does not come
   * up) and waits until it is ready.
   */
  static async start(options: LocalProcessOptions): Promise<LocalProcess> {
    const { name, binary } = options;
    try {
      await fs.access(binary);
    } catch {
      throw new Error(
        `${name} is not installed at ${binary}; install it with "apt-get install -y --no-install-recommends ${options.debianPackage}" (./run test does this)`,
      );
    }
    const dir = await fs.mkdtemp(
      path.join(os.tmpdir(), `atonix-${name.toLowerCase()}-`),
    );
    let server: LocalProcess;
    try {
      if (options.owner) {
        await fs.chown(dir, options.owner.uid, options.owner.gid);
      }
      await options.prepare?.(dir);
      const port = options.port || (await freePort());
      const child = spawn(binary, options.args(dir, port), {
        ...options.owner,
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      server = new LocalProcess(child, dir, port, options.signals);
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
    await server.waitUntilReady(
      name,
      options.isReady && (() => options.isReady!(server)),
      options.readyTimeoutMs,
    );
    return server;
  }

  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #stopSignal: NodeJS.Signals;
  readonly port: number;
  #stderr = '';
  readonly #killOnExit: () => void;

  private constructor(
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
   * throws with stderr at once if the process exits, and after `timeoutMs`; either way its folder
   * is removed.
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
      await this.stop();
      throw new Error(
        `${what} exited with ${this.#child.exitCode}: ${this.#stderr}`,
      );
    }
  }
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
