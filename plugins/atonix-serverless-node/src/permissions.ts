import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  FUNCTION_RESOURCE_TYPE,
  FunctionStatus,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { z } from 'zod';

/**
 * What the function rules read of a function: its link to its catalog entity and that entity's
 * owner. A function of the inventory (`FunctionStatus`) carries it; so does a function of the
 * GitOps checkout once its entity is looked up the same way (the scaffolder's day-two actions).
 */
export type FunctionOwnership = Pick<FunctionStatus, 'entityRef' | 'owner'>;

/**
 * Functions as permission resources, identified by `<cluster>/<namespace>/<name>`. Rules are
 * applied in memory: the inventory already holds every function, so there is no query to build.
 */
export const functionResourceRef = createPermissionResourceRef<
  FunctionOwnership,
  never
>().with({
  pluginId: 'atonix-serverless',
  resourceType: FUNCTION_RESOURCE_TYPE,
});

/**
 * "Owned by one of the user's groups": the function is linked to its catalog entity and that
 * entity's `spec.owner` is among `claims`, which a policy fills with the user's
 * `ownershipEntityRefs`. A function not linked yet (no entity, or the catalog not read since the
 * start) matches no claim: it has no `owner`, and access decisions never rest on a guess.
 */
export const isFunctionOwner = createPermissionRule({
  name: 'IS_FUNCTION_OWNER',
  description:
    'Allow functions owned by one of the given entity refs (the user’s groups)',
  resourceRef: functionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        'Entity refs of the owners to allow, e.g. the user’s ownershipEntityRefs',
      ),
  }),
  apply: (fn, { claims }) =>
    isLinkedToCatalog(fn) &&
    fn.owner !== undefined &&
    claims.includes(fn.owner),
  toQuery: () => {
    throw new Error(
      'Functions are filtered in memory; IS_FUNCTION_OWNER has no query form',
    );
  },
});

/** True when the function's owner comes from its catalog entity rather than from its team label. */
export function isLinkedToCatalog(fn: FunctionOwnership): boolean {
  return fn.entityRef !== undefined;
}

/**
 * Why an owners-only decision (IS_FUNCTION_OWNER) failed for the function `namespace/name`: the
 * caller is not a member of its owner, or its owner is unknown because no catalog entity links to
 * it yet. `whenLinked` says when a newly registered entity counts (the backend reads the catalog
 * periodically; an action reads it when it runs).
 */
export function functionDeniedReason(
  fn: FunctionOwnership & { namespace: string; name: string },
  permission: string,
  whenLinked: string,
): string {
  const what = `${permission} on function ${fn.namespace}/${fn.name}`;
  if (!isLinkedToCatalog(fn)) {
    return `You may not use ${what}: it is for its owners and the function is not linked yet to a catalog entity, so its owner is unknown (its catalog entity needs backstage.io/kubernetes-id: ${fn.name}; ${whenLinked}). Until then only the platform team may.`;
  }
  return `You may not use ${what}: it is for members of its owner ${fn.owner}. Ask them, or the platform team.`;
}

export const functionPermissionRules = { isFunctionOwner };

/**
 * For permission policies: `conditions.isFunctionOwner({ claims })` and
 * `createConditionalDecision(functionReadPermission, ...)`.
 */
export const {
  conditions: atonixFunctionConditions,
  createConditionalDecision: createAtonixFunctionConditionalDecision,
} = createConditionExports({
  resourceRef: functionResourceRef,
  rules: functionPermissionRules,
});
