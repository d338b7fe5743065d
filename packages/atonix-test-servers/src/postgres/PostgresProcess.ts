import { execFile, spawn, SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalProcess } from '../LocalProcess';

/** Where Debian's `postgresql-<major>` packages put the server programs (off PATH). */
const DEBIAN_POSTGRESQL_ROOT = '/usr/lib/postgresql';

/** The role the tests connect as: the cluster's superuser, so TestDatabases may create databases. */
const USER = 'atonix';

export interface PostgresProcessOptions {
  /** Folder holding `initdb` and `postgres`; default the newest `/usr/lib/postgresql/<major>/bin`. */
  binDir?: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
}

/**
 * A real PostgreSQL (the Debian package) with a new cluster in a temporary folder, listening on
 * 127.0.0.1 only, no Unix socket, password authentication with a random password. PostgreSQL
 * refuses to run as root, so as root (CI) the cluster and server belong to Debian's `postgres`
 * user. Durability is off (fsync, synchronous commit): the data is thrown away with the folder.
 */
export class PostgresProcess {
  readonly #process: LocalProcess;
  readonly #password: string;
  readonly #majorVersion: number;

  static async start(
    options: PostgresProcessOptions = {},
  ): Promise<PostgresProcess> {
    const binDir = options.binDir ?? (await newestDebianBinDir());
    const majorVersion = await serverMajorVersion(binDir);
    const owner = await unprivilegedOwner();
    const password = randomBytes(18).toString('base64url');
    const server = await LocalProcess.start({
      name: 'PostgreSQL',
      binary: path.join(binDir, 'postgres'),
      debianPackage: 'postgresql',
      port: options.port,
      owner,
      prepare: async dir => {
        const passwordFile = path.join(dir, 'password');
        await fs.writeFile(passwordFile, password, { mode: 0o600 });
        if (owner) {
          await fs.chown(passwordFile, owner.uid, owner.gid);
        }
        await run(
          path.join(binDir, 'initdb'),
          [
            `--pgdata=${path.join(dir, 'data')}`,
            `--username=${USER}`,
            `--pwfile=${passwordFile}`,
            '--auth=scram-sha-256',
            '--encoding=UTF8',
            '--locale=C',
            // A throwaway cluster: no need to wait for the disk.
            '--no-sync',
          ],
          { ...owner, cwd: dir },
        );
      },
      args: (dir, port) => [
        '-D',
        path.join(dir, 'data'),
        '-c',
        'listen_addresses=127.0.0.1',
        '-p',
        String(port),
        // No Unix socket: the tests connect over TCP, and /var/run/postgresql may not be ours.
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        // Every test backend opens a pool per plugin; two replicas and two Jest workers add up.
        '-c',
        'max_connections=400',
      ],
      // SIGINT is PostgreSQL's fast shutdown: it disconnects clients (a leaked pool must not keep
      // it up) and exits cleanly. SIGQUIT, its immediate shutdown, if the tests' process exits
      // without stop(): its backends follow the postmaster.
      signals: { stop: 'SIGINT', orphaned: 'SIGQUIT' },
      isReady: started =>
        started.stderr.includes('ready to accept connections'),
      readyTimeoutMs: 30_000,
    });
    return new PostgresProcess(server, password, majorVersion);
  }

  private constructor(
    server: LocalProcess,
    password: string,
    majorVersion: number,
  ) {
    this.#process = server;
    this.#password = password;
    this.#majorVersion = majorVersion;
  }

  get port(): number {
    return this.#process.port;
  }

  /** The server's major version, e.g. 15 on Debian 12. */
  get majorVersion(): number {
    return this.#majorVersion;
  }

  /** A libpq connection string for the superuser, database `postgres`. */
  get connectionString(): string {
    return `postgresql://${USER}:${this.#password}@127.0.0.1:${
      this.#process.port
    }/postgres`;
  }

  async stop(): Promise<void> {
    await this.#process.stop();
  }
}

async function newestDebianBinDir(): Promise<string> {
  const versions = await fs
    .readdir(DEBIAN_POSTGRESQL_ROOT)
    .catch(() => [] as string[]);
  const installed: number[] = [];
  for (const version of versions) {
    const postgres = path.join(DEBIAN_POSTGRESQL_ROOT, version, 'bin/postgres');
    if (/^\d+$/.test(version) && (await exists(postgres))) {
      installed.push(Number(version));
    }
  }
  if (installed.length === 0) {
    throw new Error(
      `PostgreSQL is not installed (no ${DEBIAN_POSTGRESQL_ROOT}/<version>/bin/postgres); install it with "apt-get install -y --no-install-recommends postgresql" (./run test does this)`,
    );
  }
  return path.join(
    DEBIAN_POSTGRESQL_ROOT,
    String(Math.max(...installed)),
    'bin',
  );
}

async function serverMajorVersion(binDir: string): Promise<number> {
  // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
  const { stdout } = await promisify(execFile)(path.join(binDir, 'postgres'), [
    '--version',
  ]);
  const match = /\(PostgreSQL\) (\d+)/.exec(stdout);
  if (!match) {
    throw new Error(
      `Cannot read the PostgreSQL version from "${stdout.trim()}"`,
    );
  }
  return Number(match[1]);
}

/** As root, the `postgres` user the Debian package creates; otherwise the current user. */
async function unprivilegedOwner(): Promise<
  { uid: number; gid: number } | undefined
> {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  const entry = await promisify(execFile)('getent', [
    'passwd',
    'postgres',
  ]).then(
    ({ stdout }) => stdout.split(':'),
    () => undefined,
  );
  if (!entry) {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no "postgres" user to run it as; install the Debian package postgresql (it creates the user), or run the tests as an ordinary user',
    );
  }
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function run(command: string, args: string[], options: SpawnOptions) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      ...options,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', chunk => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', code =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `${path.basename(command)} exited with ${code}: ${stderr}`,
            ),
          ),
    );
  });
}
