import { ConflictError, NotFoundError } from '@backstage/errors';
import type { FunctionRuntime } from '@internal/backstage-plugin-atonix-serverless-common';
import type { FunctionRuntimeModule, WatchedResource } from '../extensions';
import { RESERVED_FIELDS } from '../inventory/cachedObject';
import { FLUX_RESOURCES } from '../inventory/resources';

/**
 * The runtimes the backend serves, checked once: one module per runtime id, and kind names that
 * mean one resource across all of them.
 */
export class RuntimeRegistry {
  readonly #runtimes = new Map<FunctionRuntime, FunctionRuntimeModule>();
  readonly #byKind = new Map<string, FunctionRuntimeModule>();
  readonly #resources: Record<string, WatchedResource> = { ...FLUX_RESOURCES };

  static create(runtimes: FunctionRuntimeModule[]): RuntimeRegistry {
    return new RuntimeRegistry(runtimes);
  }

  private constructor(runtimes: FunctionRuntimeModule[]) {
    for (const runtime of runtimes) {
      if (this.#runtimes.has(runtime.runtime)) {
        throw new ConflictError(
          `Runtime "${runtime.runtime}" is added twice to atonix-serverless; add each runtime module once`,
        );
      }
      if (!(runtime.functionKind in runtime.resources)) {
        throw new NotFoundError(
          `Runtime "${runtime.runtime}" names functionKind "${
            runtime.functionKind
          }", which is not one of its resources (${Object.keys(
            runtime.resources,
          ).join(', ')})`,
        );
      }
      for (const [kind, resource] of Object.entries(runtime.resources)) {
        if (kind in this.#resources) {
          throw new ConflictError(
            `Runtime "${
              runtime.runtime
            }" watches kind "${kind}", a name already taken by ${
              this.#byKind.get(kind)?.runtime ?? 'the inventory'
            }; give it a name of its own`,
          );
        }
        const reserved = RESERVED_FIELDS.find(f => f in resource.fields);
        if (reserved) {
          throw new ConflictError(
            `Runtime "${
              runtime.runtime
            }" declares a field "${reserved}" of kind "${kind}", a name every cached record has (${RESERVED_FIELDS.join(
              ', ',
            )}); rename the field in its resources`,
          );
        }
        this.#resources[kind] = resource;
        this.#byKind.set(kind, runtime);
      }
      this.#runtimes.set(runtime.runtime, runtime);
    }
  }

  /** Every resource to watch, by kind name. */
  resources(): Readonly<Record<string, WatchedResource>> {
    return this.#resources;
  }

  all(): FunctionRuntimeModule[] {
    return [...this.#runtimes.values()];
  }

  /** The runtime of a function; a function of an unknown runtime cannot be in the inventory. */
  get(runtime: FunctionRuntime): FunctionRuntimeModule {
    const found = this.#runtimes.get(runtime);
    if (!found) {
      throw new NotFoundError(`No runtime module "${runtime}" is installed`);
    }
    return found;
  }

  /** The runtime that watches `kind`; undefined for the inventory's own kinds. */
  ofKind(kind: string): FunctionRuntimeModule | undefined {
    return this.#byKind.get(kind);
  }
}
