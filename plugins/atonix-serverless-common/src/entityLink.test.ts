import { functionEntityLink, linkedFunctionEntity } from './entityLink';
import { functionEntity } from './testUtils';

describe('functionEntityLink', () => {
  it('reads the kubernetes-id, the namespace it narrows to and the owner as a Group ref', () => {
    expect(
      functionEntityLink(
        functionEntity('charge', 'payments', {
          'backstage.io/kubernetes-namespace': 'payments',
        }),
      ),
    ).toEqual({
      kubernetesId: 'charge',
      entityRef: 'component:default/charge',
      owner: 'group:default/payments',
      namespace: 'payments',
    });
  });

  it('qualifies a bare owner in the entity’s own namespace, and keeps a full ref as it is', () => {
    const entity = functionEntity('charge', 'payments');
    entity.metadata.namespace = 'shop';
    expect(functionEntityLink(entity)?.owner).toBe('group:shop/payments');
    expect(
      functionEntityLink(functionEntity('charge', 'user:default/ada'))?.owner,
    ).toBe('user:default/ada');
  });

  it('links nothing for an entity without a kubernetes-id', () => {
    const entity = functionEntity('charge', 'payments');
    entity.metadata.annotations = {};
    expect(functionEntityLink(entity)).toBeUndefined();
  });
});

describe('linkedFunctionEntity', () => {
  const team = { entityRef: 'component:default/a', namespace: 'payments' };
  const fn = { entityRef: 'component:default/b', namespace: 'openfaas-fn' };
  const any = { entityRef: 'component:default/c' };

  it('prefers the most specific namespace, then an entity that names none', () => {
    expect(
      linkedFunctionEntity([any, fn, team], ['payments', 'openfaas-fn']),
    ).toBe(team);
    expect(linkedFunctionEntity([any, fn], ['payments', 'openfaas-fn'])).toBe(
      fn,
    );
    expect(linkedFunctionEntity([any, fn], ['payments'])).toBe(any);
    expect(linkedFunctionEntity([fn], ['payments'])).toBeUndefined();
  });
});
