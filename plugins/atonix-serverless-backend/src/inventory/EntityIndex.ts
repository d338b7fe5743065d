import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@internal/backstage-plugin-atonix-serverless-common';

interface IndexedEntity {
  entityRef: string;
  owner?: string;
  /** The entity's `backstage.io/kubernetes-namespace`, when it narrows the match. */
  namespace?: string;
}

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
  #byKubernetesId = new Map<string, IndexedEntity[]>();
  #timer?: NodeJS.Timeout;
  /** False until the catalog has been read once: until then no function is linked. */
  loaded = false;
  /** Bumped on every read of the catalog: keys what was built from the links and owners. */
  version = 0;

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
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
          'spec.owner',
        ],
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const index = new Map<string, IndexedEntity[]>();
    for (const entity of items) {
      const id = entity.metadata.annotations?.[ANNOTATION_KUBERNETES_ID];
      if (!id) continue;
      const owner = entity.spec?.owner;
      const entry: IndexedEntity = {
        entityRef: stringifyEntityRef(entity),
        ...(typeof owner === 'string'
          ? { owner: qualifyGroupRef(owner, entity.metadata.namespace) }
          : {}),
        namespace:
          entity.metadata.annotations?.[ANNOTATION_KUBERNETES_NAMESPACE],
      };
      index.set(id, [...(index.get(id) ?? []), entry]);
    }
    this.#byKubernetesId = index;
    this.loaded = true;
    this.version++;
  }

  /**
   * The entity for a function with this kubernetes-id, if the catalog has one: the first of
   * `namespaces` an entity names wins, then an entity that names no namespace.
   */
  lookup(
    kubernetesId: string,
    namespaces: string[],
  ): IndexedEntity | undefined {
    const candidates = this.#byKubernetesId.get(kubernetesId) ?? [];
    for (const namespace of namespaces) {
      const entity = candidates.find(c => c.namespace === namespace);
      if (entity) return entity;
    }
    return candidates.find(c => c.namespace === undefined);
  }
}

/** `spec.owner` may be a bare name (`payments`) or a ref; a bare owner is a Group. */
function qualifyGroupRef(owner: string, namespace = 'default'): string {
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: namespace,
    }),
  );
}
