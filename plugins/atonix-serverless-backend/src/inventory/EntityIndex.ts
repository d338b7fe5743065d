import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  FunctionEntityLink,
  functionEntityLink,
  linkedFunctionEntity,
} from '@internal/backstage-plugin-atonix-serverless-common';

/** The entity fields kept: all the catalog's permission rules read (their `apply`). */
const ENTITY_FIELDS = ['kind', 'metadata', 'spec', 'relations'];

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
  /** The annotated entities themselves, by ref: what the entity route answers from. */
  #byRef = new Map<string, Entity>();
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
        // What functionEntityLink reads, and all the catalog's permission rules read (metadata,
        // spec, relations), so a caller's catalog.entity.read decision applies to the copy.
        fields: ENTITY_FIELDS,
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const index = new Map<string, FunctionEntityLink[]>();
    const byRef = new Map<string, Entity>();
    for (const entity of items) {
      const link = functionEntityLink(entity);
      if (!link) continue;
      const { kubernetesId, ...entry } = link;
      index.set(kubernetesId, [...(index.get(kubernetesId) ?? []), entry]);
      byRef.set(link.entityRef, entity);
    }
    const signature = JSON.stringify([...index]);
    this.#byRef = byRef;
    this.loaded = true;
    if (signature === this.#signature) return;
    this.#byKubernetesId = index;
    this.#signature = signature;
    this.version++;
  }

  /**
   * The entity `entityRef` names as of the last read, if it has a `backstage.io/kubernetes-id`
   * (kind, metadata, spec and relations). The plugin's own view: whether a caller may see it is
   * {@link CatalogEntityReads}' question.
   */
  entity(entityRef: string): Entity | undefined {
    return this.#byRef.get(entityRef);
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
