import { ServiceUnavailableError } from '@backstage/errors';
import {
  GitOpsSource,
  GitOpsTree,
} from '@internal/backstage-plugin-atonix-serverless-node';

/**
 * The GitOps repository as the backend reads it (`atonix.gitops`): the function folders, read at
 * most once per `maxAgeMs` (the source answers cheaply when the branch has not moved), one read at
 * a time. Saved test events and the trace's "what git says" come from here.
 */
export class GitOpsRepository {
  readonly #source?: GitOpsSource;
  readonly #maxAgeMs: number;
  #tree?: GitOpsTree;
  #readAt = 0;
  #reading?: Promise<GitOpsTree>;

  static create(options: {
    source?: GitOpsSource;
    maxAgeMs?: number;
  }): GitOpsRepository {
    return new GitOpsRepository(options.source, options.maxAgeMs ?? 10_000);
  }

  private constructor(source: GitOpsSource | undefined, maxAgeMs: number) {
    this.#source = source;
    this.#maxAgeMs = maxAgeMs;
  }

  /** The repository's function and tenant folders at its current revision. */
  async read(): Promise<GitOpsTree> {
    if (!this.#source) {
      throw new ServiceUnavailableError(
        'The GitOps repository is not configured; set atonix.gitops (type, target, branch) in app-config to read saved test events and trace functions',
      );
    }
    if (this.#tree && Date.now() - this.#readAt < this.#maxAgeMs) {
      return this.#tree;
    }
    this.#reading ??= this.#source
      .read(this.#tree?.revision)
      .then(tree => {
        this.#tree = tree ?? this.#tree!;
        this.#readAt = Date.now();
        return this.#tree;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }
}

/** A function's folder in the GitOps repository. */
export function functionFolder(team: string, name: string): string {
  return `gitops/functions/${team}/${name}`;
}
