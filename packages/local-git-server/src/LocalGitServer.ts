import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's git ships the smart-HTTP server as a CGI program. */
const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** `owner/name.git` or `name.git`: letters, digits, `.`, `_`, `-`; never `..`. */
const REPO_PATH =
  /^\/((?:[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\/)?[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.git)(\/.*)?$/;
const REF = /^[A-Za-z0-9][\w.-]*$/;

/** Options of {@link LocalGitServer.start}. */
export interface LocalGitServerOptions {
  /** Folder that holds the bare repositories (`<root>/<owner>/<name>.git`). */
  root: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Serve HTTPS with this key and certificate (PEM) instead of HTTP: for a test that stands in for
   * a git host whose clone URLs are `https://` (GitHub).
   */
  tls?: { key: string; cert: string };
}

/**
 * Real git over HTTP on 127.0.0.1, so the local portal's scaffolder can publish function
 * repositories and GitOps commits with no external service. Clone and push go through
 * `git-http-backend`; a push to a repository that does not exist yet creates it (as a hosted git
 * service does when the scaffolder creates a repository), and `GET /<repo>.git/raw/<ref>/<path>`
 * serves one file so the catalog can read a pushed `catalog-info.yaml` with its stock URL reader.
 */
export class LocalGitServer {
  readonly #server: Server;
  readonly #root: string;
  readonly baseUrl: string;

  static async start(options: LocalGitServerOptions): Promise<LocalGitServer> {
    const server = options.tls
      ? createHttpsServer(options.tls)
      : createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new LocalGitServer(
      server,
      options.root,
      `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    );
  }

  private constructor(server: Server, root: string, baseUrl: string) {
    this.#server = server;
    this.#root = root;
    this.baseUrl = baseUrl;
    server.on('request', (req, res) => {
      this.#handle(req, res).catch(error => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
        }
        res.end(`${error}\n`);
      });
    });
  }

  /** The clone URL of a repository, e.g. `repoUrl('AtonixCorp/gitops')`. */
  repoUrl(repo: string): string {
    return `${this.baseUrl}/${repo}.git`;
  }

  /** See {@link seedRepository}; `repo` is created in this server's root. */
  async seedRepo(repo: string, sourceDir: string, prefix = ''): Promise<void> {
    await seedRepository(this.#root, repo, sourceDir, prefix);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  #repoDir(repoPath: string): string {
    return join(this.#root, repoPath);
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const match = REPO_PATH.exec(url.pathname);
    if (!match) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not a repository path: use /<owner>/<name>.git\n');
      return;
    }
    const [, repoPath, rest = ''] = match;
    const raw = /^\/raw\/([^/]+)\/(.+)$/.exec(rest);
    if (raw && req.method === 'GET') {
      await this.#serveRawFile(res, repoPath, raw[1], raw[2]);
      return;
    }
    if (
      rest === '/info/refs' &&
      url.searchParams.get('service') === 'git-receive-pack' &&
      !(await exists(this.#repoDir(repoPath)))
    ) {
      await initBareRepo(this.#repoDir(repoPath));
    }
    await this.#runGitHttpBackend(req, res, url);
  }

  async #serveRawFile(
    res: ServerResponse,
    repoPath: string,
    ref: string,
    filePath: string,
  ) {
    const segments = filePath.split('/');
    if (
      !REF.test(ref) ||
      segments.some(s => s === '' || s === '.' || s === '..')
    ) {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('Bad ref or path\n');
      return;
    }
    try {
      const content = await git(
        ['--git-dir', this.#repoDir(repoPath), 'show', `${ref}:${filePath}`],
        this.#root,
      );
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end(content);
    } catch {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`No ${filePath} at ${ref} in ${repoPath}\n`);
    }
  }

  #runGitHttpBackend(req: IncomingMessage, res: ServerResponse, url: URL) {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value ?? '';
    };
    const child = spawn(GIT_HTTP_BACKEND, [], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: this.#root,
        GIT_HTTP_EXPORT_ALL: '1',
        // Loopback only and for local development: anyone who can reach it may push.
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.receivepack',
        GIT_CONFIG_VALUE_0: 'true',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: header('content-type'),
        ...(req.headers['content-length'] !== undefined && {
          CONTENT_LENGTH: header('content-length'),
        }),
        HTTP_CONTENT_ENCODING: header('content-encoding'),
        GIT_PROTOCOL: header('git-protocol'),
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        REMOTE_USER: 'atonix-local',
      },
    });
    req.pipe(child.stdin);
    return new Promise<void>((resolve, reject) => {
      let head = Buffer.alloc(0);
      let headersDone = false;
      const stderr: Buffer[] = [];
      child.stderr.on('data', chunk => stderr.push(chunk));
      child.stdout.on('data', (chunk: Buffer) => {
        if (headersDone) {
          res.write(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        headersDone = true;
        writeCgiHead(res, head.subarray(0, end).toString('latin1'));
        res.write(head.subarray(end + 4));
      });
      child.on('error', reject);
      child.on('close', code => {
        if (!headersDone) {
          res
            .writeHead(500, { 'content-type': 'text/plain' })
            .end(`git-http-backend exited ${code}: ${Buffer.concat(stderr)}`);
        } else {
          res.end();
        }
        resolve();
      });
    });
  }
}

/**
 * Creates (or replaces) the bare repository `<root>/<repo>.git` whose `main` branch holds one
 * commit with the contents of `sourceDir`, placed under `prefix` inside the repository.
 */
export async function seedRepository(
  root: string,
  repo: string,
  sourceDir: string,
  prefix = '',
): Promise<void> {
  const bare = join(root, `${repo}.git`);
  await rm(bare, { recursive: true, force: true });
  await initBareRepo(bare);
  const work = await mkdtemp(join(tmpdir(), 'atonix-git-seed-'));
  try {
    await git(['init', '-q', '-b', 'main'], work);
    await cp(sourceDir, join(work, prefix), { recursive: true });
    await git(['add', '-A'], work);
    await git(['commit', '-q', '-m', `Seed from ${sourceDir}`], work);
    await git(['push', '-q', bare, 'main'], work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function writeCgiHead(res: ServerResponse, head: string) {
  let status = 200;
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      status = parseInt(value, 10);
    } else if (name) {
      res.setHeader(name, value);
    }
  }
  res.writeHead(status);
}

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function initBareRepo(dir: string) {
  await git(['init', '-q', '--bare', '-b', 'main', dir], '/');
}

/**
 * Runs git with a fixed identity (`env` may set another) and no user or system config, so results
 * do not depend on the machine; `input` goes to its stdin.
 */
export function runGit(
  args: string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    input?: string | Buffer;
  },
): Promise<string> {
  const { cwd, env, input } = options;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: cwd,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_NAME: 'Atonix local git',
        GIT_AUTHOR_EMAIL: 'local-git@atonix.invalid',
        GIT_COMMITTER_NAME: 'Atonix local git',
        GIT_COMMITTER_EMAIL: 'local-git@atonix.invalid',
        ...env,
      },
      // Only a command given input reads stdin; others may exit before it would be written.
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', chunk => out.push(chunk));
    child.stderr!.on('data', chunk => err.push(chunk));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(
            new Error(`git ${args.join(' ')} failed: ${Buffer.concat(err)}`),
          ),
    );
    child.stdin?.end(input);
  });
}

function git(args: string[], cwd: string): Promise<string> {
  return runGit(args, { cwd });
}
