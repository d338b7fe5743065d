import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from './annotations';

/**
 * A catalog entity as a function links to it: by `backstage.io/kubernetes-id`, narrowed by
 * `backstage.io/kubernetes-namespace` when the entity names one (the stock Kubernetes plugin's
 * annotations, so an entity shows the same workload in both tabs). Its owner is what the
 * permission rule IS_FUNCTION_OWNER compares with the user's claims.
 */
export interface FunctionEntityLink {
  entityRef: string;
  /** The entity's `spec.owner` as an entity ref; a bare owner is a Group. */
  owner?: string;
  /** The entity's `backstage.io/kubernetes-namespace`, when it narrows the match. */
  namespace?: string;
}

/** The entity fields {@link functionEntityLink} reads: the `fields` of a catalog query. */
export const FUNCTION_ENTITY_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.annotations',
  'spec.owner',
];

/** How `entity` links to functions, or undefined when it has no `backstage.io/kubernetes-id`. */
export function functionEntityLink(
  entity: Entity,
): (FunctionEntityLink & { kubernetesId: string }) | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const kubernetesId = annotations[ANNOTATION_KUBERNETES_ID];
  if (!kubernetesId) return undefined;
  const owner = entity.spec?.owner;
  const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE];
  return {
    kubernetesId,
    entityRef: stringifyEntityRef(entity),
    ...(typeof owner === 'string'
      ? {
          owner: stringifyEntityRef(
            parseEntityRef(owner, {
              defaultKind: 'group',
              defaultNamespace: entity.metadata.namespace ?? 'default',
            }),
          ),
        }
      : {}),
    ...(namespace ? { namespace } : {}),
  };
}

/**
 * Which of the entities with a function's kubernetes-id describes it: the first of `namespaces`
 * (the namespaces its runtime accepts, most specific first) an entity names wins, then an entity
 * that names no namespace.
 */
export function linkedFunctionEntity<T extends FunctionEntityLink>(
  candidates: readonly T[],
  namespaces: readonly string[],
): T | undefined {
  for (const namespace of namespaces) {
    const entity = candidates.find(c => c.namespace === namespace);
    if (entity) return entity;
  }
  return candidates.find(c => c.namespace === undefined);
}
