import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  FUNCTION_ENTITY_FIELDS,
  FunctionEntityLink,
  functionEntityLink,
  linkedFunctionEntity,
} from '@internal/backstage-plugin-atonix-serverless-common';

/**
 * Which catalog entity describes which function: entities annotated with
 * `backstage.io/kubernetes-id` (and optionally `backstage.io/kubernetes-namespace`), read from the
 * catalog periodically with the plugin's own credentials. Matching uses the same annotations as the
 * stock Kubernetes plugin, so an entity shows the same workload in both tabs.
 */
export class EntityIndex {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  #byKubernetesId = new Map<string, FunctionEntityLink[]>();
  #timer?: NodeJS.Timeout;
  /** False until the catalog has been read once: until then no function is linked. */
  loaded = false;
  /**
   * Bumped when a read of the catalog changed the links or owners: keys what was built from them
   * (the fleet list's sorted rows), which an unchanged read must not throw away.
   */
  version = 0;
  /** The index's content as last read, to tell a changed read from the same one again. */
  #signature = '';

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
  }): EntityIndex {
    return new EntityIndex(options);
  }

  private constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
  }

  /** Refreshes now and then every `intervalMs`. */
  start(intervalMs: number): void {
    const tick = () => {
      this.refresh().catch(error =>
        this.#logger.warn(
          `Could not read catalog entities for Atonix functions; entity links stay as they were: ${error}`,
        ),
      );
    };
    tick();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: FUNCTION_ENTITY_FIELDS,
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const index = new Map<string, FunctionEntityLink[]>();
    for (const entity of items) {
      const link = functionEntityLink(entity);
      if (!link) continue;
      const { kubernetesId, ...entry } = link;
      index.set(kubernetesId, [...(index.get(kubernetesId) ?? []), entry]);
    }
    const signature = JSON.stringify([...index]);
    this.loaded = true;
    if (signature === this.#signature) return;
    this.#byKubernetesId = index;
    this.#signature = signature;
    this.version++;
  }

  /** The entity for a function with this kubernetes-id, if the catalog has one ({@link linkedFunctionEntity}). */
  lookup(
    kubernetesId: string,
    namespaces: string[],
  ): FunctionEntityLink | undefined {
    return linkedFunctionEntity(
      this.#byKubernetesId.get(kubernetesId) ?? [],
      namespaces,
    );
  }
}
