import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { assertError, InputError, NotModifiedError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';

/**
 * The two folders of the GitOps repository the portal reads (the catalog: functions and tenants; the
 * backend: a function folder's saved test events), relative to the repository root.
 */
export const GITOPS_CATALOG_FOLDERS = ['gitops/functions/', 'gitops/tenants/'];

/** One file of the GitOps repository, by its path from the repository root (`/`-separated). */
export interface GitOpsFile {
  path: string;
  content: string;
}

/** What the catalog reads of the GitOps repository at one revision. */
export interface GitOpsTree {
  /** Changes whenever any file read changes: a commit, an ETag or a content hash. */
  revision: string;
  /** When `revision` was committed (ISO 8601), where it is a git commit. */
  committedAt?: string;
  files: GitOpsFile[];
}

/**
 * Where the GitOps repository is read from. Each read returns the tree, or `undefined` when it is
 * still at `knownRevision`, so an unchanged repository costs one cheap request per cycle.
 */
export interface GitOpsSource {
  read(knownRevision?: string): Promise<GitOpsTree | undefined>;
  /** The catalog location ref (`url:…` or `file:…`) of a file or folder of the repository. */
  locationRef(path: string): string;
}

function isCatalogPath(path: string): boolean {
  return GITOPS_CATALOG_FOLDERS.some(folder => path.startsWith(folder));
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/**
 * Reads the repository through the backend's URL readers (GitHub, GitLab, Bitbucket…), so it uses
 * the `integrations` credentials and the readers' ETag support.
 */
export class UrlReaderGitOpsSource implements GitOpsSource {
  readonly #reader: UrlReaderService;
  readonly #target: string;

  constructor(options: { reader: UrlReaderService; target: string }) {
    this.#reader = options.reader;
    this.#target = options.target.replace(/\/+$/, '');
  }

  async read(knownRevision?: string): Promise<GitOpsTree | undefined> {
    let response;
    try {
      response = await this.#reader.readTree(this.#target, {
        etag: knownRevision,
        filter: path => isCatalogPath(path),
      });
    } catch (error) {
      if (error instanceof NotModifiedError) {
        return undefined;
      }
      throw error;
    }
    const files = await Promise.all(
      (
        await response.files()
      ).map(async file => ({
        path: file.path,
        content: (await file.content()).toString('utf8'),
      })),
    );
    return { revision: response.etag, files };
  }

  locationRef(path: string): string {
    return `url:${joinUrl(this.#target, path)}`;
  }
}

async function readFolder(root: string): Promise<GitOpsFile[]> {
  const files: GitOpsFile[] = [];
  for (const folder of GITOPS_CATALOG_FOLDERS) {
    let entries;
    try {
      entries = await readdir(join(root, folder), {
        recursive: true,
        withFileTypes: true,
      });
    } catch (error) {
      assertError(error);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        continue;
      }
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) {
        continue;
      }
      const absolute = join(entry.parentPath, entry.name);
      files.push({
        path: relative(root, absolute).split(sep).join(posix.sep),
        content: await readFile(absolute, 'utf8'),
      });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function contentHash(files: GitOpsFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file.path).update('\0').update(file.content).update('\0');
  }
  return hash.digest('hex');
}

/** Reads a checkout on the backend's disk; the revision is a hash of the files read. */
export class DirectoryGitOpsSource implements GitOpsSource {
  readonly #root: string;

  constructor(options: { directory: string }) {
    this.#root = resolve(options.directory);
  }

  async read(knownRevision?: string): Promise<GitOpsTree | undefined> {
    // A wrong path must fail the read, not look like a repository without functions: the full
    // mutation would empty the catalog.
    const root = await stat(this.#root).catch(() => undefined);
    if (!root?.isDirectory()) {
      throw new Error(
        `${
          this.#root
        } is not a folder; set gitops.target of the catalog.providers.atonixServerless instance to a checkout of the GitOps repository (relative paths start at the backend's working directory)`,
      );
    }
    const files = await readFolder(this.#root);
    const revision = contentHash(files);
    return revision === knownRevision ? undefined : { revision, files };
  }

  locationRef(path: string): string {
    return `file:${join(this.#root, path)}`;
  }
}

/**
 * Reads a git repository over HTTP without credentials (the local git server of `./run start`):
 * asks the server for the branch's commit and only clones, shallowly, when it moved.
 */
export class GitRepositoryGitOpsSource implements GitOpsSource {
  readonly #url: string;
  readonly #branch: string;

  constructor(options: { url: string; branch: string }) {
    this.#url = options.url;
    this.#branch = options.branch;
  }

  async read(knownRevision?: string): Promise<GitOpsTree | undefined> {
    const ref = `refs/heads/${this.#branch}`;
    const refs = await git.listServerRefs({
      http,
      url: this.#url,
      prefix: ref,
    });
    const head = refs.find(r => r.ref === ref);
    if (!head) {
      throw new Error(
        `${this.#url} has no branch ${
          this.#branch
        }; set gitops.branch of the catalog.providers.atonixServerless instance to the branch Flux reconciles`,
      );
    }
    if (head.oid === knownRevision) {
      return undefined;
    }
    const dir = await mkdtemp(join(tmpdir(), 'atonix-gitops-'));
    try {
      await git.clone({
        fs,
        http,
        dir,
        url: this.#url,
        ref: this.#branch,
        singleBranch: true,
        depth: 1,
      });
      const revision = await git.resolveRef({ fs, dir, ref: 'HEAD' });
      const { commit } = await git.readCommit({ fs, dir, oid: revision });
      return {
        revision,
        committedAt: new Date(commit.committer.timestamp * 1000).toISOString(),
        files: await readFolder(dir),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  locationRef(path: string): string {
    return `url:${joinUrl(this.#url, `raw/${this.#branch}/${path}`)}`;
  }
}

/**
 * The {@link GitOpsSource} a `gitops` config block names: `type` `url` (a tree URL read through the
 * integrations; the default), `git` (a clone URL and `branch`) or `dir` (a folder). `at` is the
 * block's key, for the error message.
 */
export function gitOpsSourceFromConfig(
  gitops: Config,
  reader: UrlReaderService,
  at: string,
): GitOpsSource {
  const type = gitops.getOptionalString('type') ?? 'url';
  const target = gitops.getString('target');
  if (type === 'url') {
    return new UrlReaderGitOpsSource({ reader, target });
  }
  if (type === 'git') {
    return new GitRepositoryGitOpsSource({
      url: target,
      branch: gitops.getOptionalString('branch') ?? 'main',
    });
  }
  if (type === 'dir') {
    return new DirectoryGitOpsSource({ directory: resolve(target) });
  }
  throw new InputError(
    `${at}.type is "${type}"; use url (a tree URL read through the integrations), git (a clone URL) or dir (a folder)`,
  );
}
