import { ComponentEntity } from '@backstage/catalog-model';

/**
 * The provider's latest view of every function Component, by entity name, shared with the
 * processor that merges it into function entities registered from elsewhere (a function
 * repository's `catalog-info.yaml`). Each backend replica reads the GitOps repository itself (the
 * refresh task is local), so the processor on any replica sees the same view.
 */
export class FunctionDirectory {
  #functions?: Map<string, ComponentEntity>;
  #signature = '';
  /** Functions whose entity another location holds (a registered `catalog-info.yaml`). */
  readonly claimed = new Set<string>();
  /** Function entities processed before the provider's first read, to process again after it. */
  readonly unmerged = new Set<string>();
  /** How many functions the provider handed over to each location, by location key. */
  readonly handovers = new Map<string, number>();

  /** Replaces the view; true when anything in it changed. */
  update(functions: ComponentEntity[]): boolean {
    const signature = JSON.stringify(functions);
    const changed = signature !== this.#signature;
    this.#functions = new Map(functions.map(f => [f.metadata.name, f]));
    this.#signature = signature;
    return changed;
  }

  /** False until the provider has read the repository once; nothing can be said before. */
  get loaded(): boolean {
    return this.#functions !== undefined;
  }

  get(name: string): ComponentEntity | undefined {
    return this.#functions?.get(name);
  }
}

/** The refresh key of a Location entity whose target is `locationKey` (`<type>:<target>`). */
export function locationRefreshKey(locationKey: string): string {
  return `atonix-location:${locationKey}`;
}

/** The refresh key of a function's entity, whichever source registered it. */
export function functionRefreshKey(name: string): string {
  return `atonix-function:${name}`;
}
