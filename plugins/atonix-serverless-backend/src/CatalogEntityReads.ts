import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { ConditionalDecisions } from './ConditionalDecisions';

/**
 * A catalog entity as the catalog would answer it to a caller, answered from the plugin's own copy
 * of the function entities (`EntityIndex`, read every `atonix.inventory.catalogRefreshSeconds`)
 * whenever the copy can say it: the caller's `catalog.entity.read` decision (reused like every
 * decision, {@link ConditionalDecisions}) is applied to the copy in memory with the catalog's own
 * permission rules (their `apply`, the same the catalog's permission integration answers with).
 * An entity page then costs no catalog request: asking the catalog as the caller is a service
 * token, an HTTP round trip, the catalog's own permission request and a database query: 8.9 ms
 * at the median in the fleet benchmark at 1,000 functions, its catalog then on SQLite
 * (bench/README.md).
 *
 * The catalog is asked as the caller when the copy cannot answer: an entity it does not hold (not
 * annotated with `backstage.io/kubernetes-id`, written with other letter case, or new since the last
 * read), or a decision with a rule other than the catalog's built-in ones (a module's own rule).
 * A copied entity is at most one refresh old: a change to its annotations or its deletion shows
 * here within `catalogRefreshSeconds`, as the functions' links and owners do.
 */
export class CatalogEntityReads {
  readonly #catalog: CatalogService;
  readonly #copy: (entityRef: string) => Entity | undefined;
  readonly #decisions: ConditionalDecisions;
  readonly #isAllowed = createConditionAuthorizer(
    Object.values(permissionRules),
  );

  constructor(options: {
    catalog: CatalogService;
    /** The plugin's copy of an entity, if it holds one. */
    copy: (entityRef: string) => Entity | undefined;
    decisions: ConditionalDecisions;
  }) {
    this.#catalog = options.catalog;
    this.#copy = options.copy;
    this.#decisions = options.decisions;
  }

  /** The entity `entityRef` names, if the caller may read it; undefined when not found. */
  async get(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    const copy = this.#copy(entityRef);
    if (copy) {
      const decision = await this.#decisions.decide(
        catalogEntityReadPermission,
        credentials,
      );
      const readable = this.#readable(decision, copy);
      if (readable !== undefined) {
        return readable ? copy : undefined;
      }
    }
    return this.#catalog.getEntityByRef(entityRef, { credentials });
  }

  /** Whether `decision` lets the caller read `entity`; undefined when its rules are not known here. */
  #readable(decision: PolicyDecision, entity: Entity): boolean | undefined {
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW;
    }
    try {
      return this.#isAllowed(decision, entity);
    } catch {
      // "Unexpected permission rule": a rule the catalog was given by a module; it decides.
      return undefined;
    }
  }
}
