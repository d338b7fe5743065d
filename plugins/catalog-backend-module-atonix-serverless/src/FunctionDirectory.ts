import { ComponentEntity } from '@backstage/catalog-model';

/**
 * The provider's latest view of every function Component, by entity name, shared with the
 * processor that merges it into function entities registered from elsewhere (a function
 * repository's `catalog-info.yaml`). Each backend replica keeps its own (the provider's view task
 * is local), so the processor on any replica sees the same view.
 */
export class FunctionDirectory {
  #functions?: Map<string, ComponentEntity>;

  /** Replaces the view. */
  update(functions: ComponentEntity[]): void {
    this.#functions = new Map(functions.map(f => [f.metadata.name, f]));
  }

  /** False until the provider has read the repository once; nothing can be said before. */
  get loaded(): boolean {
    return this.#functions !== undefined;
  }

  get(name: string): ComponentEntity | undefined {
    return this.#functions?.get(name);
  }
}

/** The refresh key of a function's entity, whichever source registered it. */
export function functionRefreshKey(name: string): string {
  return `atonix-function:${name}`;
}
