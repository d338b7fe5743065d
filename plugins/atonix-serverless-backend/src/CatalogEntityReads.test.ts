import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import { CatalogEntityReads } from './CatalogEntityReads';
import { ConditionalDecisions } from './ConditionalDecisions';

/** A function entity as the catalog stores it: owned by `owner`, with its ownedBy relation. */
function ownedEntity(name: string, owner: string): Entity {
  return {
    ...functionEntity(name, owner),
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const charge = ownedEntity('charge', 'group:default/payments');
const alice = mockCredentials.user('user:default/alice');

/** Reads whose catalog.entity.read decision is `decision`, over a copy holding `copied`. */
function setup(decision: PolicyDecision, copied: Entity[] = [charge]) {
  const catalog = catalogServiceMock({ entities: [charge] });
  const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
  const permissions = {
    authorizeConditional: jest.fn(async () => [decision]),
  } as unknown as PermissionsService;
  const userInfo: UserInfoService = {
    getUserInfo: async () => ({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: ['user:default/alice', 'group:default/payments'],
    }),
  };
  const copy = new Map(copied.map(e => [stringifyEntityRef(e), e]));
  const reads = new CatalogEntityReads({
    catalog,
    copy: entityRef => copy.get(entityRef),
    decisions: ConditionalDecisions.create({ permissions, userInfo }),
  });
  return { reads, getEntityByRef, permissions };
}

const readIf = (
  conditions: Parameters<typeof createCatalogConditionalDecision>[1],
) => createCatalogConditionalDecision(catalogEntityReadPermission, conditions);

describe('CatalogEntityReads', () => {
  it('answers an entity the caller may read from the copy, without asking the catalog', async () => {
    const { reads, getEntityByRef } = setup({ result: AuthorizeResult.ALLOW });

    await expect(reads.get('component:default/charge', alice)).resolves.toBe(
      charge,
    );
    expect(getEntityByRef).not.toHaveBeenCalled();
  });

  it("applies a conditional decision to the copy with the catalog's own rules", async () => {
    // What the portal's policy answers when some template types are for the platform team only.
    const everythingButTeamTemplates = readIf({
      not: {
        allOf: [
          catalogConditions.isEntityKind({ kinds: ['Template'] }),
          catalogConditions.hasSpec({ key: 'type', value: 'team' }),
        ],
      },
    });
    const owned = setup(everythingButTeamTemplates);
    await expect(
      owned.reads.get('component:default/charge', alice),
    ).resolves.toBe(charge);

    const onlySearch = setup(
      readIf(
        catalogConditions.isEntityOwner({ claims: ['group:default/search'] }),
      ),
    );
    await expect(
      onlySearch.reads.get('component:default/charge', alice),
    ).resolves.toBeUndefined();

    expect(owned.getEntityByRef).not.toHaveBeenCalled();
    expect(onlySearch.getEntityByRef).not.toHaveBeenCalled();
  });

  it('finds nothing for a caller the policy denies catalog reads', async () => {
    const { reads, getEntityByRef } = setup({ result: AuthorizeResult.DENY });

    await expect(
      reads.get('component:default/charge', alice),
    ).resolves.toBeUndefined();
    expect(getEntityByRef).not.toHaveBeenCalled();
  });

  it('asks the catalog as the caller when a decision has a rule only the catalog knows', async () => {
    const moduleRule: PolicyDecision = {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_IN_SYSTEM',
        resourceType: 'catalog-entity',
        params: { systemRef: 'system:default/billing' },
      },
    };
    const { reads, getEntityByRef } = setup(moduleRule);

    await expect(reads.get('component:default/charge', alice)).resolves.toEqual(
      charge,
    );
    expect(getEntityByRef).toHaveBeenCalledWith('component:default/charge', {
      credentials: alice,
    });
  });

  it('asks the catalog as the caller for an entity the copy does not hold, and asks no decision for it', async () => {
    const { reads, getEntityByRef, permissions } = setup(
      { result: AuthorizeResult.ALLOW },
      [],
    );

    await expect(reads.get('component:default/charge', alice)).resolves.toEqual(
      charge,
    );
    await expect(
      reads.get('component:default/nowhere', alice),
    ).resolves.toBeUndefined();
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
    expect(permissions.authorizeConditional).not.toHaveBeenCalled();
  });
});
