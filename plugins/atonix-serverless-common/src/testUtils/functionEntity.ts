import { Entity } from '@backstage/catalog-model';

/**
 * A function's catalog entity: a production Component of type `function` in the default
 * namespace, linked to its workload by `backstage.io/kubernetes-id` (its name unless `annotations`
 * says otherwise); the catalog module also writes `backstage.io/kubernetes-namespace` and
 * `atonix.io/team`, which a test adds in `annotations` where it matters.
 *
 * @public
 */
export function functionEntity(
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': name, ...annotations },
    },
    spec: { type: 'function', owner, lifecycle: 'production' },
  };
}
