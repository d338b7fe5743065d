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
 * Functions as permission resources, identified by `<cluster>/<namespace>/<name>`. Rules are
 * applied in memory: the inventory already holds every function, so there is no query to build.
 */
export const functionResourceRef = createPermissionResourceRef<
  FunctionStatus,
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
export function isLinkedToCatalog(fn: FunctionStatus): boolean {
  return fn.entityRef !== undefined;
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
