import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TeamDirectory } from '../service/TeamDirectory';

/**
 * The payments team's throwaway test keys on each cluster, as a new team's `ageRecipients`
 * (atonix-serverless-node src/__fixtures__/THROWAWAY-TEST-AGE-KEYS: never a real cluster's).
 */
export const TEST_AGE_RECIPIENTS = {
  staging: 'age1ek5qgepjnr8aq58tghd7mq2ahp8knky7jk4t2m0n73tmd99w0v6sa4lh93',
  production: 'age1646rsurcljmhglpnd02p0s0fnnuweugvxual8cw8krvz8924vdmqmdazdt',
};

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

/** The local catalog's teams (catalog/org.yaml) and one function that exists already. */
export const CATALOG_ENTITIES: Entity[] = [
  group('platform'),
  group('payments'),
  group('analytics'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'registered-fn', namespace: 'default' },
    spec: { type: 'function', owner: 'group:default/analytics' },
  },
];

/** A directory where the user running the template is a member of payments only. */
export function paymentsMemberTeams(
  options: { restrictToOwnTeams?: boolean } = {},
) {
  return TeamDirectory.create({
    catalog: catalogServiceMock({ entities: CATALOG_ENTITIES }),
    userInfo: mockServices.userInfo({
      ownershipEntityRefs: ['user:default/mock', 'group:default/payments'],
    }),
    restrictToOwnTeams: options.restrictToOwnTeams ?? true,
  });
}
