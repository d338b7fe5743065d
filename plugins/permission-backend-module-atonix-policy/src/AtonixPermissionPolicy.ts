import { parseEntityRef } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  RESOURCE_TYPE_CATALOG_ENTITY,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  isPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createScaffolderActionConditionalDecision,
  scaffolderActionConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  atonixFunctionConditions,
  createAtonixFunctionConditionalDecision,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { FUNCTION_RESOURCE_TYPE } from '@internal/backstage-plugin-atonix-serverless-common';
import { PolicySettings } from './PolicySettings';

/** The scaffolder action of the team-onboarding template, refused outside the platform team. */
export const TEAM_ONBOARD_ACTION = 'atonix:team:onboard';
/** The action every function template runs; its `spec.team` is the function's owning team. */
export const FUNCTION_MANIFESTS_ACTION = 'atonix:function:manifests';

type ActionCriteria = PermissionCriteria<
  PermissionCondition<'scaffolder-action'>
>;

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * Team boundaries for the portal. The platform team may do everything; otherwise each permission
 * goes to everyone, to the owners of the resource, or to nobody, as `permission.atonix` says
 * (PolicySettings). Owner checks are conditional decisions, so the plugin that holds the resource
 * applies them: the catalog in its database query, Atonix Serverless in memory (IS_FUNCTION_OWNER,
 * which never trusts an owner guessed from a team label). Permissions this policy does not name are
 * allowed, as Backstage's defaults expect (reading the catalog, running templates).
 */
export class AtonixPermissionPolicy implements PermissionPolicy {
  readonly #settings: PolicySettings;

  static create(settings: PolicySettings): AtonixPermissionPolicy {
    return new AtonixPermissionPolicy(settings);
  }

  private constructor(settings: PolicySettings) {
    this.#settings = settings;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.includes(this.#settings.platformTeam)) {
      return allow;
    }
    const audience = this.#settings.audiences[permission.name];

    if (isResourcePermission(permission, FUNCTION_RESOURCE_TYPE)) {
      return this.#decide(audience ?? 'platform', () =>
        createAtonixFunctionConditionalDecision(
          permission,
          atonixFunctionConditions.isFunctionOwner({ claims }),
        ),
      );
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)) {
      if (audience) {
        return this.#decide(audience, () =>
          createCatalogConditionalDecision(
            permission,
            catalogConditions.isEntityOwner({ claims }),
          ),
        );
      }
      if (isPermission(permission, catalogEntityReadPermission)) {
        return this.#catalogRead(permission);
      }
      return allow;
    }
    if (isPermission(permission, actionExecutePermission)) {
      return createScaffolderActionConditionalDecision(
        actionExecutePermission,
        this.#allowedActions(claims),
      );
    }
    return allow;
  }

  #decide(audience: string, forOwners: () => PolicyDecision): PolicyDecision {
    if (audience === 'everyone') return allow;
    if (audience === 'owners') return forOwners();
    return deny;
  }

  /** Every entity but the platform-only templates. */
  #catalogRead(permission: typeof catalogEntityReadPermission): PolicyDecision {
    const types = this.#settings.platformOnlyTemplateTypes;
    if (types.length === 0) return allow;
    return createCatalogConditionalDecision(permission, {
      not: {
        allOf: [
          catalogConditions.isEntityKind({ kinds: ['Template'] }),
          anyOf(
            types.map(type =>
              catalogConditions.hasSpec({ key: 'type', value: type }),
            ),
          ),
        ],
      },
    });
  }

  /**
   * No platform-only action, and the function manifests action only for one of the user's own
   * Groups (by ref, as the OwnerPicker gives it, or by name).
   */
  #allowedActions(claims: string[]): ActionCriteria {
    const notTeamOnboard: ActionCriteria = {
      not: scaffolderActionConditions.hasActionId({
        actionId: TEAM_ONBOARD_ACTION,
      }),
    };
    if (!this.#settings.ownTeamsOnly) {
      return notTeamOnboard;
    }
    const ownTeams: ActionCriteria[] = claims
      .filter(ref => parseEntityRef(ref).kind === 'group')
      .flatMap(ref => [ref, parseEntityRef(ref).name])
      .map(value =>
        scaffolderActionConditions.hasStringProperty({
          key: 'spec.team',
          value,
        }),
      );
    const notFunctionManifests: ActionCriteria = {
      not: scaffolderActionConditions.hasActionId({
        actionId: FUNCTION_MANIFESTS_ACTION,
      }),
    };
    return {
      allOf: [notTeamOnboard, anyOf([notFunctionManifests, ...ownTeams])],
    };
  }
}

/** `anyOf` of one criterion or more (Backstage's criteria take non-empty lists). */
function anyOf<TResourceType extends string>(
  criteria: PermissionCriteria<PermissionCondition<TResourceType>>[],
): PermissionCriteria<PermissionCondition<TResourceType>> {
  const [first, ...rest] = criteria;
  return rest.length === 0 ? first : { anyOf: [first, ...rest] };
}
