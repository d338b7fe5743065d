import { ConfigReader } from '@backstage/config';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  Permission,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  functionLogsReadPermission,
  functionReadPermission,
  functionSyncPermission,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixPermissionPolicy } from './AtonixPermissionPolicy';
import { readPolicySettings } from './PolicySettings';

function userOf(...groups: string[]): PolicyQueryUser {
  const userEntityRef = 'user:default/ada';
  return {
    info: {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...groups],
    },
  } as PolicyQueryUser;
}

const policy = (atonix: object = {}) =>
  AtonixPermissionPolicy.create(
    readPolicySettings(new ConfigReader({ permission: { atonix } })),
  );

const payments = userOf('group:default/payments');
const platform = userOf('group:default/platform');

/** The decision on `permission` for `user`, with `permission.atonix` set to `atonix`. */
const decide = (
  permission: Permission,
  user: PolicyQueryUser = payments,
  atonix: object = {},
) => policy(atonix).handle({ permission }, user);

describe('AtonixPermissionPolicy with the defaults', () => {
  it('shows every function status to every signed-in user', async () => {
    expect(await decide(functionReadPermission)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('limits logs to the owners with IS_FUNCTION_OWNER on the user claims', async () => {
    expect(await decide(functionLogsReadPermission)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'atonix-serverless',
      resourceType: 'atonix-function',
      conditions: {
        rule: 'IS_FUNCTION_OWNER',
        resourceType: 'atonix-function',
        params: {
          claims: ['user:default/ada', 'group:default/payments'],
        },
      },
    });
  });

  it('allows the platform team everything, unconditionally', async () => {
    for (const permission of [
      functionLogsReadPermission,
      functionSyncPermission,
      catalogEntityDeletePermission,
      catalogEntityReadPermission,
      actionExecutePermission,
    ]) {
      expect(await decide(permission, platform)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('lets owners delete their catalog entities only', async () => {
    expect(await decide(catalogEntityDeletePermission)).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      conditions: { rule: 'IS_ENTITY_OWNER' },
    });
  });

  it('hides the team-onboarding template (spec.type team) from everyone but the platform team', async () => {
    expect(await decide(catalogEntityReadPermission)).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: {
        not: {
          allOf: [
            { rule: 'IS_ENTITY_KIND', params: { kinds: ['Template'] } },
            { rule: 'HAS_SPEC', params: { key: 'type', value: 'team' } },
          ],
        },
      },
    });
  });

  it('runs the function manifests action only for the user’s own teams, and never onboards a team', async () => {
    const decision = await decide(actionExecutePermission);
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      conditions: {
        allOf: [
          {
            not: {
              rule: 'HAS_ACTION_ID',
              params: { actionId: 'atonix:team:onboard' },
            },
          },
          {
            anyOf: [
              {
                not: {
                  rule: 'HAS_ACTION_ID',
                  params: { actionId: 'atonix:function:manifests' },
                },
              },
              {
                rule: 'HAS_STRING_PROPERTY',
                params: { key: 'spec.team', value: 'group:default/payments' },
              },
              {
                rule: 'HAS_STRING_PROPERTY',
                params: { key: 'spec.team', value: 'payments' },
              },
            ],
          },
        ],
      },
    });
  });

  it('leaves permissions it does not name to Backstage’s default: allowed', async () => {
    const other = createPermission({
      name: 'catalog.entity.create',
      attributes: { action: 'create' },
    });
    expect(await decide(other)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});

describe('AtonixPermissionPolicy configured', () => {
  it('follows permission.atonix.functions: everyone, owners or platform', async () => {
    const settings = { functions: { logs: 'everyone', sync: 'platform' } };
    expect(
      await decide(functionLogsReadPermission, payments, settings),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await decide(functionSyncPermission, payments, settings)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('takes another platform team', async () => {
    const settings = { platformTeam: 'payments' };
    expect(await decide(functionSyncPermission, payments, settings)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(
      await decide(functionSyncPermission, platform, settings),
    ).toMatchObject({ result: AuthorizeResult.CONDITIONAL });
  });

  it('refuses an unknown audience, naming the key and the accepted values', () => {
    expect(() => policy({ functions: { logs: 'team' } })).toThrow(
      'Invalid permission.atonix.functions.logs "team": use one of everyone, owners, platform',
    );
  });

  it('refuses a platform team that is not a Group ref', () => {
    expect(() => policy({ platformTeam: 'user:default/ada' })).toThrow(
      'Invalid permission.atonix.platformTeam "user:default/ada": expected a Group entity ref',
    );
  });
});
