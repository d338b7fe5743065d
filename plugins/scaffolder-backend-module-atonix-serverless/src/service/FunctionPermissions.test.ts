import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  functionSecretWritePermission,
  functionTrafficUpdatePermission,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import {
  CHARGE_CARD_ENTITY,
  functionPermissionsFor,
} from '../__testUtils__/functionPermissions';

const CHARGE_CARD = { team: 'payments', name: 'charge-card' };
const credentials = mockCredentials.user('user:default/mock');

/** What `functionPermissionsFor(groups, options)` says to a secret write on charge-card. */
function secretWrite(
  groups: string[],
  options?: Parameters<typeof functionPermissionsFor>[1],
) {
  return functionPermissionsFor(groups, options)
    .assertAllowed(functionSecretWritePermission, CHARGE_CARD, credentials)
    .then(
      () => 'allowed',
      (error: Error) => {
        expect(error).toBeInstanceOf(NotAllowedError);
        return error.message;
      },
    );
}

describe('FunctionPermissions, deciding with the Atonix permission policy', () => {
  it('allows the owners of the function’s catalog entity and the platform team, and no one else', async () => {
    expect(await secretWrite(['payments'])).toBe('allowed');
    expect(await secretWrite(['platform'])).toBe('allowed');
    expect(await secretWrite(['analytics'])).toBe(
      'You may not use atonix.function.secret.write on function payments/charge-card: it is for members of its owner group:default/payments. Ask them, or the platform team.',
    );
  });

  it('takes the owner from the catalog entity, not from the team folder the function is in', async () => {
    const ownedByAnalytics = functionEntity(
      'charge-card',
      'group:default/analytics',
      { 'backstage.io/kubernetes-namespace': 'payments' },
    );
    const entities = [ownedByAnalytics];
    expect(await secretWrite(['analytics'], { entities })).toBe('allowed');
    expect(await secretWrite(['payments'], { entities })).toContain(
      'it is for members of its owner group:default/analytics',
    );
  });

  it('links the entity as the backend does: one naming the team’s namespace before one naming none, never one of another namespace', async () => {
    const otherNamespace = functionEntity('charge-card', 'analytics', {
      'backstage.io/kubernetes-namespace': 'search',
    });
    const noNamespace = functionEntity('charge-card-unscoped', 'analytics', {
      'backstage.io/kubernetes-id': 'charge-card',
    });
    expect(
      await secretWrite(['payments'], {
        entities: [otherNamespace, noNamespace, CHARGE_CARD_ENTITY],
      }),
    ).toBe('allowed');
    // A bare owner is a Group: analytics owns the entity that names no namespace.
    expect(
      await secretWrite(['analytics'], {
        entities: [otherNamespace, noNamespace],
      }),
    ).toBe('allowed');
    expect(
      await secretWrite(['analytics'], { entities: [otherNamespace] }),
    ).toContain('the function is not linked yet to a catalog entity');
  });

  it('refuses everyone but the platform team while no catalog entity links to the function, and says what links it', async () => {
    expect(await secretWrite(['payments'], { entities: [] })).toBe(
      'You may not use atonix.function.secret.write on function payments/charge-card: it is for its owners and the function is not linked yet to a catalog entity, so its owner is unknown (its catalog entity needs backstage.io/kubernetes-id: charge-card; the catalog is read again when the template runs). Until then only the platform team may.',
    );
    expect(await secretWrite(['platform'], { entities: [] })).toBe('allowed');
  });

  it('follows permission.atonix: a permission for the platform team only is refused to the owners, one for everyone is allowed', async () => {
    expect(
      await secretWrite(['payments'], {
        atonix: { functions: { secretWrite: 'platform' } },
      }),
    ).toBe(
      'You may not use atonix.function.secret.write on function payments/charge-card: the permission policy does not allow it to you (README, "Who can do what"). Ask the platform team.',
    );
    expect(
      await secretWrite(['analytics'], {
        atonix: { functions: { secretWrite: 'everyone' } },
      }),
    ).toBe('allowed');
  });

  it('asks for the permission of the change: traffic is decided on its own', async () => {
    const permissions = functionPermissionsFor(['payments'], {
      atonix: { functions: { traffic: 'platform' } },
    });
    await expect(
      permissions.assertAllowed(
        functionSecretWritePermission,
        CHARGE_CARD,
        credentials,
      ),
    ).resolves.toBeUndefined();
    await expect(
      permissions.assertAllowed(
        functionTrafficUpdatePermission,
        CHARGE_CARD,
        credentials,
      ),
    ).rejects.toThrow(
      'You may not use atonix.function.traffic.update on function payments/charge-card',
    );
  });
});
