import { functionEntity } from './functionEntity';

describe('functionEntity', () => {
  it('links a function Component to its workload by name, owned as given', () => {
    expect(functionEntity('charge-card', 'group:default/payments')).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'charge-card',
        namespace: 'default',
        annotations: { 'backstage.io/kubernetes-id': 'charge-card' },
      },
      spec: {
        type: 'function',
        owner: 'group:default/payments',
        lifecycle: 'production',
      },
    });
  });

  it('takes the annotations a test gives over the defaults', () => {
    const entity = functionEntity('payments-thumbnail', 'group:default/x', {
      'backstage.io/kubernetes-id': 'thumbnail',
      'backstage.io/kubernetes-namespace': 'payments',
    });
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'thumbnail',
      'backstage.io/kubernetes-namespace': 'payments',
    });
  });
});
