import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  ATONIX_PREFIX,
} from '@internal/backstage-plugin-atonix-serverless-common';

/**
 * True for the entities the Serverless views apply to: function Components, and any entity that
 * carries the function annotations (the Kubernetes id plus one of ours), whatever its kind.
 */
export function isFunctionEntity(entity: Entity): boolean {
  if (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    entity.spec?.type === 'function'
  ) {
    return true;
  }
  const annotations = Object.keys(entity.metadata.annotations ?? {});
  return (
    annotations.includes(ANNOTATION_KUBERNETES_ID) &&
    annotations.some(key => key.startsWith(`${ATONIX_PREFIX}/`))
  );
}
