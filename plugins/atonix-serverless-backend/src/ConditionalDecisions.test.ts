import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  functionEnvironmentReadPermission,
  functionReadPermission,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  atonixFunctionConditions,
  createAtonixFunctionConditionalDecision,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { ConditionalDecisions } from './ConditionalDecisions';

// What the portal's policy answers a user for an owner-only permission.
const ownerOnly = (claims: string[]) =>
  createAtonixFunctionConditionalDecision(
    functionReadPermission,
    atonixFunctionConditions.isFunctionOwner({ claims }),
  );

function setup(claimsOf: Record<string, string[]>) {
  let now = 1_000_000;
  const calls: string[] = [];
  let fail = false;
  const permissions = {
    authorizeConditional: jest.fn(async ([{ permission }], { credentials }) => {
      calls.push(permission.name);
      if (fail) throw new Error('permission backend unreachable');
      const user = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return [ownerOnly(claimsOf[user])];
    }),
  } as unknown as PermissionsService;
  const userInfo: UserInfoService = {
    getUserInfo: async (credentials: BackstageCredentials) => {
      const userEntityRef = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return { userEntityRef, ownershipEntityRefs: claimsOf[userEntityRef] };
    },
  };
  const decisions = ConditionalDecisions.create({
    permissions,
    userInfo,
    freshnessMs: 10_000,
    now: () => now,
  });
  return {
    decisions,
    calls,
    advance: (ms: number) => {
      now += ms;
    },
    failNext: (value: boolean) => {
      fail = value;
    },
  };
}

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

describe('ConditionalDecisions', () => {
  it('asks the permission backend once per user, claims and permission within the freshness', async () => {
    const claims = { 'user:default/alice': ['group:default/payments'] };
    const { decisions, calls, advance } = setup(claims);

    const first = await decisions.decide(
      functionEnvironmentReadPermission,
      alice,
    );
    advance(7_999);
    const second = await decisions.decide(
      functionEnvironmentReadPermission,
      alice,
    );
    await decisions.decide(functionReadPermission, alice);

    expect(second).toEqual(first);
    expect(first).toEqual(ownerOnly(['group:default/payments']));
    expect(calls).toEqual([
      functionEnvironmentReadPermission.name,
      functionReadPermission.name,
    ]);
  });

  it('asks again once the freshness has passed', async () => {
    const { decisions, calls, advance } = setup({
      'user:default/alice': ['group:default/payments'],
    });

    await decisions.decide(functionReadPermission, alice);
    advance(10_000);
    await decisions.decide(functionReadPermission, alice);

    expect(calls).toHaveLength(2);
  });

  it('renews a decision in use in the background before it goes stale, so no caller waits for it', async () => {
    const { decisions, calls, advance, failNext } = setup({
      'user:default/alice': ['group:default/payments'],
    });

    await decisions.decide(functionReadPermission, alice);
    advance(8_000);
    // The permission backend fails now: the caller still gets the fresh decision at once.
    failNext(true);
    await expect(
      decisions.decide(functionReadPermission, alice),
    ).resolves.toEqual(ownerOnly(['group:default/payments']));
    expect(calls).toHaveLength(2);
    await new Promise(resolve => setImmediate(resolve));
    failNext(false);
    await decisions.decide(functionReadPermission, alice);
    expect(calls).toHaveLength(3);
    await new Promise(resolve => setImmediate(resolve));

    // Renewed at 8 s: no call until that decision is 8 s old in its turn.
    advance(7_999);
    await decisions.decide(functionReadPermission, alice);
    expect(calls).toHaveLength(3);
  });

  it('never gives one user the decision made for another, nor for other claims', async () => {
    const claims: Record<string, string[]> = {
      'user:default/alice': ['group:default/payments'],
      'user:default/bob': ['group:default/search'],
    };
    const { decisions, calls } = setup(claims);

    const forAlice = await decisions.decide(functionReadPermission, alice);
    const forBob = await decisions.decide(functionReadPermission, bob);
    claims['user:default/alice'] = ['group:default/search'];
    const forAliceNow = await decisions.decide(functionReadPermission, alice);

    expect(forAlice).toEqual(ownerOnly(['group:default/payments']));
    expect(forBob).toEqual(ownerOnly(['group:default/search']));
    expect(forAliceNow).toEqual(ownerOnly(['group:default/search']));
    expect(calls).toHaveLength(3);
  });

  it('shares one call between concurrent requests and keeps no failed one', async () => {
    const { decisions, calls, failNext } = setup({
      'user:default/alice': ['group:default/payments'],
    });

    failNext(true);
    await expect(
      Promise.all([
        decisions.decide(functionReadPermission, alice),
        decisions.decide(functionReadPermission, alice),
      ]),
    ).rejects.toThrow('permission backend unreachable');
    failNext(false);
    const decision = await decisions.decide(functionReadPermission, alice);

    expect(calls).toHaveLength(2);
    expect(decision).toEqual(ownerOnly(['group:default/payments']));
  });
});
