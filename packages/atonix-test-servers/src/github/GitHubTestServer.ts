import { LocalGitServer, runGit } from '@internal/atonix-local-git-server';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A pull request opened on the test server, as the REST API was asked for it. */
export interface TestPullRequest {
  number: number;
  owner: string;
  repo: string;
  /** The branch, without the `owner:` prefix octokit sends. */
  head: string;
  base: string;
  title: string;
  body?: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  /** ISO 8601. */
  createdAt: string;
}

/** A REST route: method and path pattern; the handler gets the path's groups and the JSON body. */
type Route = [
  method: string,
  path: RegExp,
  handle: (params: string[], body: any, url: URL) => Promise<[number, unknown]>,
];

const REPO = '/repos/([^/]+)/([^/]+)';

/**
 * Stands in for GitHub where the scaffolder publishes: real git over HTTPS (the local git server
 * with a self-signed certificate made for the run, so clone URLs are `https://<host>/<owner>/<repo>.git`
 * as on GitHub) and, on a second port, the part of GitHub's REST and GraphQL API that
 * `publish:github:pull-request` uses. That action (@backstage/plugin-scaffolder-backend-module-github
 * 0.10.4, `actions/githubPullRequest`) calls `createPullRequest` of octokit-plugin-create-pull-request
 * 5.1.1, which asks, in order: `GET /repos/{o}/{r}` (default branch, permissions), `GET
 * /repos/{o}/{r}/commits?sha=<base>&per_page=1`, `POST …/git/blobs` (base64 files), `POST
 * …/git/trees` (with `base_tree`), `POST …/git/commits`, the GraphQL query for the head ref's open
 * pull request, `POST …/git/refs` or `PATCH …/git/refs/heads/<b>`, then `POST …/pulls` or `PATCH
 * …/pulls/<n>`. Each writes real git objects into the bare repository the git side serves, so a
 * test reads the pull request's branch with git. The portal's traffic view (the node library's
 * `TrafficPullRequests`) adds `GET …/pulls?head=<o>:<b>&base=<b>&state=open` and `GET
 * …/contents/<path>?ref=<sha>`. A test closes or merges a pull request with
 * {@link GitHubTestServer.closePullRequest}. Anything else answers 404, saying so.
 */
export class GitHubTestServer {
  readonly #git: LocalGitServer;
  readonly #api: Server;
  readonly #root: string;
  readonly #token: string;
  readonly #pulls: TestPullRequest[] = [];
  /** The host of the integration (`integrations.github[].host`): where git clones. */
  readonly host: string;
  /** The integration's `apiBaseUrl`. */
  readonly apiBaseUrl: string;
  /** The PEM certificate the git host serves; trust it for the test's clones. */
  readonly caCertificate: string;

  static async start(options: { token: string }): Promise<GitHubTestServer> {
    const dir = await mkdtemp(join(tmpdir(), 'atonix-github-test-'));
    const tls = await selfSignedCertificate(dir);
    const gitServer = await LocalGitServer.start({
      root: join(dir, 'repos'),
      tls,
    });
    const api = createServer();
    await new Promise<void>((resolve, reject) => {
      api.once('error', reject);
      api.listen(0, '127.0.0.1', () => resolve());
    });
    return new GitHubTestServer(dir, gitServer, api, options.token, tls.cert);
  }

  private constructor(
    root: string,
    gitServer: LocalGitServer,
    api: Server,
    token: string,
    cert: string,
  ) {
    this.#root = root;
    this.#git = gitServer;
    this.#api = api;
    this.#token = token;
    this.host = new URL(gitServer.baseUrl).host;
    this.apiBaseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    this.caCertificate = cert;
    api.on('request', (req, res) => {
      this.#handle(req, res).catch(error => {
        reply(res, 500, { message: String(error) });
      });
    });
  }

  /** Creates `owner/repo` with one commit on `main` holding `sourceDir` under `prefix`. */
  seedRepo(repo: string, sourceDir: string, prefix = ''): Promise<void> {
    return this.#git.seedRepo(repo, sourceDir, prefix);
  }

  /**
   * The portal's config for publishing here as production does: `integrations.github` (this
   * host, `apiBaseUrl` and `token`, by default this server's) and `atonix.scaffolder` with
   * `publishTarget: github`, the organisation `owner` (default `AtonixCorp`) and its GitOps
   * repository `gitops` on `main`.
   */
  publishingConfig(
    options: { owner?: string; token?: string; apiBaseUrl?: string } = {},
  ) {
    return {
      integrations: {
        github: [
          {
            host: this.host,
            apiBaseUrl: options.apiBaseUrl ?? this.apiBaseUrl,
            token: options.token ?? this.#token,
          },
        ],
      },
      atonix: {
        scaffolder: {
          publishTarget: 'github',
          owner: options.owner ?? 'AtonixCorp',
          githubHost: this.host,
          imageRegistry: 'ghcr.io/atonixcorp',
          gitops: { repo: 'gitops', branch: 'main' },
        },
      },
    };
  }

  /**
   * Opens a pull request of `branch` into `base` (default `main`): one commit on top of the base
   * that writes `files` (repository path → content), as `publish:github:pull-request` leaves it.
   */
  async openPullRequest(
    repo: string,
    pull: {
      branch: string;
      base?: string;
      title: string;
      files: Record<string, string>;
    },
  ): Promise<TestPullRequest> {
    const [owner, name] = repo.split('/');
    const base = pull.base ?? 'main';
    const dir = this.#bare(repo);
    const parent = (await git(dir, ['rev-parse', `${base}^{commit}`])).trim();
    const tree = await this.#writeTree(repo, {
      base_tree: parent,
      tree: Object.entries(pull.files).map(([path, content]) => ({
        path,
        mode: '100644',
        content,
      })),
    });
    const commit = await this.#commit(repo, tree, [parent], pull.title);
    await git(dir, ['update-ref', `refs/heads/${pull.branch}`, commit]);
    return this.#open({
      owner,
      repo: name,
      head: pull.branch,
      base,
      title: pull.title,
      draft: false,
    });
  }

  /** The pull requests opened so far. */
  pullRequests(): TestPullRequest[] {
    return this.#pulls.map(pull => ({ ...pull }));
  }

  /**
   * Closes pull request `number`, as a reviewer would on GitHub; with `merge`, first fast-forwards
   * its base branch to its head (the template's branch is one commit on top of the base).
   */
  async closePullRequest(
    number: number,
    options: { merge: boolean },
  ): Promise<void> {
    const pull = this.#pulls.find(p => p.number === number);
    if (!pull) throw new Error(`No pull request ${number}`);
    if (options.merge) {
      const dir = this.#bare(`${pull.owner}/${pull.repo}`);
      const head = (await git(dir, ['rev-parse', pull.head])).trim();
      await git(dir, ['merge-base', '--is-ancestor', pull.base, head]);
      await git(dir, ['update-ref', `refs/heads/${pull.base}`, head]);
    }
    Object.assign(pull, { state: 'closed', merged: options.merge });
  }

  /** Runs git in the bare repository `owner/repo` (e.g. `show <branch>:<path>`). */
  gitIn(repo: string, ...args: string[]): Promise<string> {
    return git(this.#bare(repo), args);
  }

  async stop(): Promise<void> {
    this.#api.closeAllConnections();
    await new Promise<void>(resolve => this.#api.close(() => resolve()));
    await this.#git.stop();
    await rm(this.#root, { recursive: true, force: true });
  }

  #bare(repo: string) {
    return join(this.#root, 'repos', `${repo}.git`);
  }

  readonly #routes: Route[] = [
    [
      'GET',
      new RegExp(`^${REPO}$`),
      async ([owner, repo]) => [
        200,
        {
          name: repo,
          full_name: `${owner}/${repo}`,
          owner: { login: owner },
          default_branch: 'main',
          private: true,
          html_url: `https://${this.host}/${owner}/${repo}`,
          permissions: { admin: true, maintain: true, push: true, pull: true },
        },
      ],
    ],
    [
      'GET',
      new RegExp(`^${REPO}/commits$`),
      async ([owner, repo], _body, url) => {
        const dir = this.#bare(`${owner}/${repo}`);
        const sha = (
          await git(dir, [
            'rev-parse',
            `${url.searchParams.get('sha') ?? 'main'}^{commit}`,
          ])
        ).trim();
        const tree = (await git(dir, ['rev-parse', `${sha}^{tree}`])).trim();
        return [200, [{ sha, commit: { tree: { sha: tree } } }]];
      },
    ],
    [
      'POST',
      new RegExp(`^${REPO}/git/blobs$`),
      async ([owner, repo], body) => [
        201,
        {
          sha: await hashObject(
            this.#bare(`${owner}/${repo}`),
            Buffer.from(
              body.content,
              body.encoding === 'base64' ? 'base64' : 'utf8',
            ),
          ),
        },
      ],
    ],
    [
      'POST',
      new RegExp(`^${REPO}/git/trees$`),
      async ([owner, repo], body) => [
        201,
        { sha: await this.#writeTree(`${owner}/${repo}`, body) },
      ],
    ],
    [
      'POST',
      new RegExp(`^${REPO}/git/commits$`),
      async ([owner, repo], body) => {
        const sha = await this.#commit(
          `${owner}/${repo}`,
          body.tree,
          body.parents,
          body.message,
          body.author,
        );
        return [201, { sha, message: body.message, tree: { sha: body.tree } }];
      },
    ],
    [
      'POST',
      new RegExp(`^${REPO}/git/refs$`),
      async ([owner, repo], body) => {
        await git(this.#bare(`${owner}/${repo}`), [
          'update-ref',
          body.ref,
          body.sha,
        ]);
        return [201, { ref: body.ref, object: { sha: body.sha } }];
      },
    ],
    [
      'PATCH',
      new RegExp(`^${REPO}/git/refs/(heads/.+)$`),
      async ([owner, repo, ref], body) => {
        await git(this.#bare(`${owner}/${repo}`), [
          'update-ref',
          `refs/${ref}`,
          body.sha,
        ]);
        return [200, { ref: `refs/${ref}`, object: { sha: body.sha } }];
      },
    ],
    [
      'POST',
      new RegExp(`^${REPO}/pulls$`),
      async ([owner, repo], body) => [
        201,
        await this.#pullJson(
          this.#open({
            owner,
            repo,
            head: String(body.head).replace(/^[^:]+:/, ''),
            base: body.base,
            title: body.title,
            ...(body.body ? { body: body.body } : {}),
            draft: Boolean(body.draft),
          }),
        ),
      ],
    ],
    [
      'PATCH',
      new RegExp(`^${REPO}/pulls/(\\d+)$`),
      async ([owner, repo, number], body) => {
        const pull = this.#pulls.find(
          p =>
            p.owner === owner && p.repo === repo && p.number === Number(number),
        );
        if (!pull) return [404, { message: `No pull request ${number}` }];
        Object.assign(pull, { title: body.title, body: body.body });
        return [200, await this.#pullJson(pull)];
      },
    ],
    [
      'GET',
      new RegExp(`^${REPO}/pulls$`),
      async ([owner, repo], _body, url) => {
        const state = url.searchParams.get('state') ?? 'open';
        const head = url.searchParams.get('head');
        const base = url.searchParams.get('base');
        const pulls = this.#pulls.filter(
          p =>
            p.owner === owner &&
            p.repo === repo &&
            (state === 'all' || p.state === state) &&
            (!head || head === `${p.owner}:${p.head}`) &&
            (!base || base === p.base),
        );
        // GitHub lists the newest first.
        return [
          200,
          await Promise.all(pulls.reverse().map(p => this.#pullJson(p))),
        ];
      },
    ],
    [
      'GET',
      new RegExp(`^${REPO}/contents/(.+)$`),
      async ([owner, repo, path], _body, url) => {
        const ref = url.searchParams.get('ref') ?? 'main';
        const content = await git(this.#bare(`${owner}/${repo}`), [
          'show',
          `${ref}:${path}`,
        ]).catch(() => undefined);
        if (content === undefined) {
          return [404, { message: `Not Found: ${path} at ${ref}` }];
        }
        return [
          200,
          {
            type: 'file',
            path,
            encoding: 'base64',
            content: Buffer.from(content, 'utf8').toString('base64'),
          },
        ];
      },
    ],
    [
      'POST',
      /^(?:\/api)?\/graphql$/,
      async (_params, body) => [
        200,
        { data: await this.#headRef(body.variables) },
      ],
    ],
  ];

  /** Records an open pull request under the next number. */
  #open(
    pull: Omit<TestPullRequest, 'number' | 'state' | 'merged' | 'createdAt'>,
  ): TestPullRequest {
    const opened: TestPullRequest = {
      ...pull,
      number: this.#pulls.length + 1,
      state: 'open',
      merged: false,
      createdAt: new Date().toISOString(),
    };
    this.#pulls.push(opened);
    return opened;
  }

  /** `git commit-tree`: a commit of `tree` on `parents`, by `author` (default GitHub's own). */
  async #commit(
    repo: string,
    tree: string,
    parents: string[],
    message: string,
    author?: { name: string; email: string } | null,
  ): Promise<string> {
    const { name, email } = author ?? {
      name: 'GitHub',
      email: 'noreply@github.invalid',
    };
    return (
      await git(
        this.#bare(repo),
        ['commit-tree', tree, ...parents.flatMap(p => ['-p', p])],
        {
          input: message,
          env: {
            GIT_AUTHOR_NAME: name,
            GIT_AUTHOR_EMAIL: email,
            GIT_COMMITTER_NAME: name,
            GIT_COMMITTER_EMAIL: email,
          },
        },
      )
    ).trim();
  }

  async #pullJson(pull: TestPullRequest) {
    const sha = (
      await git(this.#bare(`${pull.owner}/${pull.repo}`), [
        'rev-parse',
        `refs/heads/${pull.head}`,
      ])
    ).trim();
    return {
      number: pull.number,
      title: pull.title,
      body: pull.body ?? null,
      draft: pull.draft,
      state: pull.state,
      merged: pull.merged,
      created_at: pull.createdAt,
      html_url: pullUrl(this.host, pull),
      head: { ref: pull.head, sha },
      base: { ref: pull.base },
    };
  }

  /** The one GraphQL query the plugin sends: does the head branch exist, with an open pull request? */
  async #headRef(variables: { owner: string; repo: string; head: string }) {
    const { owner, repo, head } = variables;
    const exists = await git(this.#bare(`${owner}/${repo}`), [
      'rev-parse',
      '--verify',
      '-q',
      `refs/heads/${head}`,
    ]).then(
      () => true,
      () => false,
    );
    const open = this.#pulls.filter(
      p =>
        p.owner === owner &&
        p.repo === repo &&
        p.head === head &&
        p.state === 'open',
    );
    return {
      repository: {
        ref: exists
          ? {
              associatedPullRequests: {
                edges: open.map(p => ({
                  node: {
                    id: `PR_${p.number}`,
                    number: p.number,
                    url: pullUrl(this.host, p),
                  },
                })),
              },
            }
          : null,
      },
    };
  }

  /** `POST …/git/trees`: the base tree with each entry added, replaced or (sha null) removed. */
  async #writeTree(
    repo: string,
    body: {
      base_tree?: string;
      tree: Array<{
        path: string;
        mode: string;
        sha?: string | null;
        content?: string;
      }>;
    },
  ): Promise<string> {
    const dir = this.#bare(repo);
    const env = {
      GIT_INDEX_FILE: join(this.#root, `index-${process.hrtime.bigint()}`),
    };
    try {
      await git(
        dir,
        body.base_tree
          ? ['read-tree', body.base_tree]
          : ['read-tree', '--empty'],
        { env },
      );
      for (const entry of body.tree) {
        if (entry.sha === null) {
          await git(dir, ['update-index', '--force-remove', entry.path], {
            env,
          });
          continue;
        }
        const sha =
          entry.sha ??
          (await hashObject(dir, Buffer.from(entry.content ?? '', 'utf8')));
        await git(
          dir,
          [
            'update-index',
            '--add',
            '--cacheinfo',
            `${entry.mode},${sha},${entry.path}`,
          ],
          { env },
        );
      }
      return (await git(dir, ['write-tree'], { env })).trim();
    } finally {
      await rm(env.GIT_INDEX_FILE, { force: true });
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.apiBaseUrl);
    if (req.headers.authorization !== `token ${this.#token}`) {
      reply(res, 401, { message: 'Bad credentials' });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    for (const [method, path, handle] of this.#routes) {
      const match = path.exec(decodeURIComponent(url.pathname));
      if (match && req.method === method) {
        const [status, json] = await handle(match.slice(1), body, url);
        reply(res, status, json);
        return;
      }
    }
    reply(res, 404, {
      message: `Not Found: ${req.method} ${url.pathname} is not served by the GitHub test server (only what publish:github:pull-request and the traffic view call)`,
    });
  }
}

function pullUrl(host: string, pull: TestPullRequest) {
  return `https://${host}/${pull.owner}/${pull.repo}/pull/${pull.number}`;
}

function reply(res: ServerResponse, status: number, json: unknown) {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(json));
}

/** A key and a certificate for 127.0.0.1, valid for a day, made with Debian's openssl. */
async function selfSignedCertificate(dir: string) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return {
    key: await readFile(key, 'utf8'),
    cert: await readFile(cert, 'utf8'),
  };
}

async function hashObject(dir: string, content: Buffer): Promise<string> {
  return (
    await git(dir, ['hash-object', '-w', '--stdin'], { input: content })
  ).trim();
}

/** git in a bare repository (`runGit`: no user or system config). */
function git(
  gitDir: string,
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<string> {
  return runGit(['--git-dir', gitDir, ...args], { cwd: gitDir, ...options });
}
