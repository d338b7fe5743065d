import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';

/** Credentials in the shape Backstage's git helpers (`cloneRepo`, `initRepoAndPush`) take. */
export type GitAuth = { username: string; password: string };

/** Where one repository lives, in the forms the templates and the git helpers need. */
export interface RepositoryLocation {
  /** The scaffolder's repo URL form (`github.com?owner=o&repo=r`), as `publish:github` takes it. */
  repoUrl: string;
  /** What git clones and pushes. */
  cloneUrl: string;
  /** What a person opens; links in the skeleton's README and entity append `/tree/main/...`. */
  webUrl: string;
  /** A URL of one file on the default branch that the catalog's URL readers can read. */
  fileUrl(path: string): string;
}

/**
 * The `atonix.scaffolder` configuration: whether templates publish to the local git server or to
 * GitHub, and where the function repositories, the GitOps repository and the images live. One place
 * derives every repository URL so the templates, the actions and the catalog agree on them.
 */
export class PublishSettings {
  readonly target: 'local' | 'github';
  readonly restrictToOwnTeams: boolean;
  readonly gitopsBranch: string;
  readonly #owner: string;
  readonly #githubHost: string;
  readonly #localGitBaseUrl?: string;
  readonly #imageRegistry: string;
  readonly #gitopsRepo: string;
  readonly #integrations: ScmIntegrations;

  static fromConfig(config: Config): PublishSettings {
    return new PublishSettings(config);
  }

  private constructor(config: Config) {
    const settings = config.getConfig('atonix.scaffolder');
    const target = settings.getOptionalString('publishTarget') ?? 'github';
    if (target !== 'local' && target !== 'github') {
      throw new InputError(
        `atonix.scaffolder.publishTarget is "${target}"; use "local" or "github"`,
      );
    }
    this.target = target;
    this.restrictToOwnTeams =
      settings.getOptionalBoolean('restrictToOwnTeams') ?? true;
    this.#owner = settings.getString('owner');
    this.#githubHost = settings.getOptionalString('githubHost') ?? 'github.com';
    this.#localGitBaseUrl = settings
      .getOptionalString('localGitBaseUrl')
      ?.replace(/\/+$/, '');
    if (target === 'local' && !this.#localGitBaseUrl) {
      throw new InputError(
        'atonix.scaffolder.localGitBaseUrl is required when publishTarget is "local"',
      );
    }
    this.#imageRegistry = settings
      .getString('imageRegistry')
      .replace(/\/+$/, '');
    this.#gitopsRepo = settings.getString('gitops.repo');
    this.gitopsBranch = settings.getOptionalString('gitops.branch') ?? 'main';
    this.#integrations = ScmIntegrations.fromConfig(config);
  }

  /** The OCI repository a function's CI pushes to, e.g. `ghcr.io/atonixcorp/charge-card`. */
  imageRepository(name: string): string {
    return `${this.#imageRegistry}/${name}`;
  }

  /** The host of the image registry (`ghcr.io` for `ghcr.io/atonixcorp`): where image-pull Secrets log in. */
  imageRegistryHost(): string {
    return this.#imageRegistry.split('/')[0];
  }

  functionRepository(name: string): RepositoryLocation {
    return this.#repository(name, 'main');
  }

  gitopsRepository(): RepositoryLocation {
    return this.#repository(this.#gitopsRepo, this.gitopsBranch);
  }

  /**
   * The page of a function repository's commit, whose checks list the CI run that built its image
   * (GitHub); undefined for the local git server, which has no web pages and runs no CI.
   */
  functionCommitUrl(name: string, commit: string): string | undefined {
    return this.target === 'github'
      ? `${this.functionRepository(name).webUrl}/commit/${commit}`
      : undefined;
  }

  /** Credentials for a clone URL: none for the local git server, the integration's token for GitHub. */
  gitAuth(cloneUrl: string): GitAuth {
    if (this.target === 'local') {
      return { username: 'atonix-scaffolder', password: '' };
    }
    const token = this.#integrations.github.byUrl(cloneUrl)?.config.token;
    if (!token) {
      throw new InputError(
        `No GitHub token for ${cloneUrl}: set integrations.github[].token for ${
          this.#githubHost
        } (GITHUB_TOKEN in app-config.production.yaml)`,
      );
    }
    return { username: 'x-access-token', password: token };
  }

  #repository(repo: string, branch: string): RepositoryLocation {
    if (this.target === 'local') {
      const cloneUrl = `${this.#localGitBaseUrl}/${this.#owner}/${repo}.git`;
      return {
        repoUrl: `${new URL(cloneUrl).host}?owner=${this.#owner}&repo=${repo}`,
        cloneUrl,
        webUrl: cloneUrl.replace(/\.git$/, ''),
        fileUrl: path => `${cloneUrl}/raw/${branch}/${path}`,
      };
    }
    const web = `https://${this.#githubHost}/${this.#owner}/${repo}`;
    return {
      repoUrl: `${this.#githubHost}?owner=${this.#owner}&repo=${repo}`,
      cloneUrl: `${web}.git`,
      webUrl: web,
      fileUrl: path => `${web}/blob/${branch}/${path}`,
    };
  }
}
