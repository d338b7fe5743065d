import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import { EntityIndex } from './EntityIndex';

function indexOf(entities: Entity[]) {
  const index = EntityIndex.create({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
  });
  return index;
}

describe('EntityIndex', () => {
  it('links a function to the entity annotated with its kubernetes-id, with the owner as a group ref', async () => {
    const index = indexOf([
      functionEntity('charge-card', 'payments', {
        'backstage.io/kubernetes-namespace': 'payments',
      }),
    ]);
    expect(index.lookup('charge-card', ['payments'])).toBeUndefined();

    await index.refresh();

    expect(index.loaded).toBe(true);
    expect(index.lookup('charge-card', ['payments'])).toEqual({
      entityRef: 'component:default/charge-card',
      owner: 'group:default/payments',
      namespace: 'payments',
    });
    expect(index.lookup('charge-card', ['search'])).toBeUndefined();
  });

  it('keeps its version when a read finds the same links and owners, and bumps it when they change', async () => {
    const entities = [functionEntity('charge-card', 'group:default/payments')];
    const index = indexOf(entities);

    await index.refresh();
    const first = index.version;
    await index.refresh();
    expect(index.version).toBe(first);

    entities[0].spec!.owner = 'group:default/search';
    await index.refresh();
    expect(index.version).toBe(first + 1);
    expect(index.lookup('charge-card', [])?.owner).toBe('group:default/search');
  });
});
