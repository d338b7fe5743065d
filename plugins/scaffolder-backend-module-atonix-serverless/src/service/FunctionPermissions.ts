import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  ANNOTATION_KUBERNETES_ID,
  FUNCTION_ENTITY_FIELDS,
  FUNCTION_RESOURCE_TYPE,
  FunctionSpec,
  functionEntityLink,
  linkedFunctionEntity,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  FunctionOwnership,
  functionDeniedReason,
  functionPermissionRules,
} from '@internal/backstage-plugin-atonix-serverless-node';

const isAllowed = createConditionAuthorizer(
  Object.values(functionPermissionRules),
);

/**
 * The permission policy's word on a change to a function of the GitOps checkout: the same
 * `atonix.function.*` permission the Atonix backend's route checks before it starts the template,
 * asked of the permission service as the user who runs the template, so the route and the action
 * cannot disagree (the platform team, an owner, or whoever `permission.atonix` lets in).
 *
 * The function is not asked for by resource ref: the permission backend would then have the Atonix
 * backend apply the conditions to a function of its inventory (`<cluster>/<namespace>/<name>`),
 * but the action changes the function as git holds it, which may run on several clusters or on
 * none yet. So the action asks for the decision and applies a conditional one itself, with the
 * same rules (IS_FUNCTION_OWNER), to the function as the inventory would see it: linked to the
 * catalog entity whose `backstage.io/kubernetes-id` is the function's name and whose
 * `backstage.io/kubernetes-namespace` is its team or absent, owned by that entity's `spec.owner`.
 * (Knative's and OpenFaaS's renderers put a function in its team's namespace, atonix-serverless-node
 * src/render/knative.ts `functionMetadata`, and the backend's runtimes accept that namespace first
 * in an entity, `entityNamespaces`.) Never the team folder the function sits in: like the backend,
 * the action does not guess an owner from a team name, so with no such entity only an
 * unconditional ALLOW passes (the platform team, or a permission `permission.atonix` gives
 * everyone). The catalog is read with the module's own credentials, as the backend's EntityIndex
 * reads it, so what the user may see of the catalog does not change the decision.
 */
export class FunctionPermissions {
  readonly #permissions: PermissionsService;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;

  static create(options: {
    permissions: PermissionsService;
    catalog: CatalogService;
    auth: AuthService;
  }): FunctionPermissions {
    return new FunctionPermissions(options);
  }

  private constructor(options: {
    permissions: PermissionsService;
    catalog: CatalogService;
    auth: AuthService;
  }) {
    this.#permissions = options.permissions;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
  }

  /** Fails with the permission and what to do unless the policy allows `permission` on `spec`. */
  async assertAllowed(
    permission: ResourcePermission<typeof FUNCTION_RESOURCE_TYPE>,
    spec: Pick<FunctionSpec, 'team' | 'name'>,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return;
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(
        `You may not use ${permission.name} on function ${spec.team}/${spec.name}: the permission policy does not allow it to you (README, "Who can do what"). Ask the platform team.`,
      );
    }
    const fn = await this.#ownership(spec);
    if (!isAllowed(decision, fn)) {
      throw new NotAllowedError(
        functionDeniedReason(
          { ...fn, namespace: spec.team, name: spec.name },
          permission.name,
          'the catalog is read again when the template runs',
        ),
      );
    }
  }

  async #ownership(
    spec: Pick<FunctionSpec, 'team' | 'name'>,
  ): Promise<FunctionOwnership> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]: spec.name,
        },
        fields: FUNCTION_ENTITY_FIELDS,
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const links = items.flatMap(entity => functionEntityLink(entity) ?? []);
    const entity = linkedFunctionEntity(links, [spec.team]);
    return entity
      ? {
          entityRef: entity.entityRef,
          ...(entity.owner ? { owner: entity.owner } : {}),
        }
      : {};
  }
}
