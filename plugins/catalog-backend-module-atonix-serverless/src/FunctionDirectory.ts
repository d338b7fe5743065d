import { ComponentEntity, Entity } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';

/** A function's entity and its `entityHash`, to tell what an update changed. */
export interface HashedFunction {
  entity: ComponentEntity;
  hash: string;
}

/** `FunctionDirectory.viewOf` a function the provider has no entity for (no GitOps folder). */
export const NO_GITOPS_VIEW = 'none';

/**
 * The provider's latest view of every function Component, by entity name, shared with the
 * processor that merges it into function entities registered from elsewhere (a function
 * repository's `catalog-info.yaml`). Each backend replica reads the GitOps repository itself (the
 * refresh task is local), so the processor on any replica sees the same view.
 */
export class FunctionDirectory {
  #functions?: Map<string, HashedFunction>;
  /** Functions whose entity another location holds (a registered `catalog-info.yaml`). */
  readonly claimed = new Set<string>();
  /** Function entities processed before the provider's first read, to process again after it. */
  readonly unmerged = new Set<string>();
  /** How many functions the provider handed over to each location, by location key. */
  readonly handovers = new Map<string, number>();

  /** Replaces the view; returns the names of the functions that changed, came or went. */
  update(functions: HashedFunction[]): Set<string> {
    const previous = this.#functions ?? new Map<string, HashedFunction>();
    this.#functions = new Map();
    const changed = new Set<string>();
    for (const fn of functions) {
      const name = fn.entity.metadata.name;
      if (previous.get(name)?.hash !== fn.hash) changed.add(name);
      previous.delete(name);
      this.#functions.set(name, fn);
    }
    for (const name of previous.keys()) changed.add(name);
    return changed;
  }

  /** Replaces (or, undefined, removes) one function; true when that changed it. */
  set(name: string, fn: HashedFunction | undefined): boolean {
    const functions = (this.#functions ??= new Map());
    const before = functions.get(name)?.hash;
    if (!fn) return functions.delete(name);
    functions.set(name, fn);
    return before !== fn.hash;
  }

  /** False until the provider has read the repository once; nothing can be said before. */
  get loaded(): boolean {
    return this.#functions !== undefined;
  }

  get(name: string): ComponentEntity | undefined {
    return this.#functions?.get(name)?.entity;
  }

  /**
   * The view of function `name` the processor merges: the hash of the provider's entity, or
   * `NO_GITOPS_VIEW` without one. The processor stamps it on the entity (`ANNOTATION_GITOPS_VIEW`).
   */
  viewOf(name: string): string {
    return this.#functions?.get(name)?.hash ?? NO_GITOPS_VIEW;
  }
}

/** A digest of an entity's content, to tell whether it changed without keeping a copy. */
export function entityHash(entity: Entity): string {
  return createHash('sha1').update(JSON.stringify(entity)).digest('hex');
}

/** The refresh key of a Location entity whose target is `locationKey` (`<type>:<target>`). */
export function locationRefreshKey(locationKey: string): string {
  return `atonix-location:${locationKey}`;
}

/** The refresh key of a function's entity, whichever source registered it. */
export function functionRefreshKey(name: string): string {
  return `atonix-function:${name}`;
}
