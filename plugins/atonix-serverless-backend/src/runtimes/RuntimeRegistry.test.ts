import { knativeRuntime, openfaasRuntime } from '.';
import { RuntimeRegistry } from './RuntimeRegistry';

describe('RuntimeRegistry', () => {
  it('watches the resources of every runtime and Flux Kustomizations, by kind name', () => {
    const registry = RuntimeRegistry.create([knativeRuntime, openfaasRuntime]);
    expect(Object.keys(registry.resources())).toEqual(
      expect.arrayContaining([
        'kustomization',
        'knativeService',
        'openfaasFunction',
      ]),
    );
    expect(registry.ofKind('revision')).toBe(knativeRuntime);
    expect(registry.ofKind('openfaasDeployment')).toBe(openfaasRuntime);
    expect(registry.ofKind('kustomization')).toBeUndefined();
  });

  it('refuses the same runtime twice', () => {
    expect(() =>
      RuntimeRegistry.create([knativeRuntime, { ...knativeRuntime }]),
    ).toThrow('Runtime "knative" is added twice');
  });

  it('refuses a kind name another runtime already watches', () => {
    const clashing = {
      ...openfaasRuntime,
      resources: {
        ...openfaasRuntime.resources,
        broker: { group: 'x', version: 'v1', plural: 'brokers', fields: {} },
      },
    };
    expect(() => RuntimeRegistry.create([knativeRuntime, clashing])).toThrow(
      'Runtime "openfaas" watches kind "broker", a name already taken by knative',
    );
  });

  it('refuses a field named like what every cached record has', () => {
    const clashing = {
      ...openfaasRuntime,
      resources: {
        ...openfaasRuntime.resources,
        openfaasDeployment: {
          ...openfaasRuntime.resources.openfaasDeployment,
          fields: { namespace: () => 'elsewhere' },
        },
      },
    };
    expect(() => RuntimeRegistry.create([clashing])).toThrow(
      'Runtime "openfaas" declares a field "namespace" of kind "openfaasDeployment", a name every cached record has',
    );
  });

  it('refuses a runtime whose function kind it does not watch', () => {
    expect(() =>
      RuntimeRegistry.create([{ ...knativeRuntime, functionKind: 'services' }]),
    ).toThrow(
      'names functionKind "services", which is not one of its resources',
    );
  });

  it('names the runtime that is not installed', () => {
    expect(() =>
      RuntimeRegistry.create([knativeRuntime]).get('openfaas'),
    ).toThrow('No runtime module "openfaas" is installed');
  });
});
