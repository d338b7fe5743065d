import { Entity } from '@backstage/catalog-model';
import { isFunctionEntity } from './isFunctionEntity';

function entity(
  kind: string,
  spec: object,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'charge-card', annotations },
    spec,
  };
}

describe('isFunctionEntity', () => {
  it('applies to function Components', () => {
    expect(isFunctionEntity(entity('Component', { type: 'function' }))).toBe(
      true,
    );
  });

  it('applies to any entity carrying the Kubernetes id and an atonix.io annotation', () => {
    expect(
      isFunctionEntity(
        entity(
          'Resource',
          { type: 'lambda' },
          {
            'backstage.io/kubernetes-id': 'charge-card',
            'atonix.io/team': 'payments',
          },
        ),
      ),
    ).toBe(true);
  });

  it('leaves services and Kubernetes-only entities alone', () => {
    expect(isFunctionEntity(entity('Component', { type: 'service' }))).toBe(
      false,
    );
    expect(
      isFunctionEntity(
        entity(
          'Component',
          { type: 'service' },
          {
            'backstage.io/kubernetes-id': 'checkout',
          },
        ),
      ),
    ).toBe(false);
  });
});
