import {
  KubeObject as FixtureObject,
  demoObjects,
  knativeFunction,
} from '@internal/atonix-test-servers';
import type { KubeObject } from '../extensions';
import { BUILT_IN_RUNTIMES } from '../runtimes';
import {
  KIND_OF,
  clusterObjectsOf,
} from '../runtimes/__testUtils__/clusterObjects';
import { RuntimeRegistry } from '../runtimes/RuntimeRegistry';
import { compactObject } from './compactObject';

const registry = RuntimeRegistry.create(BUILT_IN_RUNTIMES);
const resources = registry.resources();

function compacted(objects: FixtureObject[]): FixtureObject[] {
  return objects.map(
    o =>
      compactObject(
        o as KubeObject,
        resources[KIND_OF[`${o.apiVersion}/${o.kind}`]]?.reads,
      ) as FixtureObject,
  );
}

function deriveAll(objects: FixtureObject[]) {
  const cluster = clusterObjectsOf(objects);
  return registry.all().flatMap(runtime =>
    cluster.list(runtime.functionKind).map(fn =>
      runtime.deriveFunction(cluster, fn, {
        name: 'staging',
        url: 'http://127.0.0.1',
        openfaasGateway: 'https://gateway.example.com',
      } as any),
    ),
  );
}

describe('compactObject', () => {
  it('drops managedFields, kubectl’s last-applied copy and the status fields no runtime reads', () => {
    const [service] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });
    const received = structuredClone(service) as KubeObject;
    received.metadata!.managedFields = [
      { manager: 'kustomize-controller', operation: 'Apply', fieldsV1: {} },
    ];
    received.metadata!.annotations![
      'kubectl.kubernetes.io/last-applied-configuration'
    ] = JSON.stringify(service);
    received.status.conditions[0].lastTransitionTime = '2026-11-20T09:00:00Z';

    const kept = compactObject(received, resources.knativeService.reads);

    expect(kept.metadata).not.toHaveProperty('managedFields');
    expect(kept.metadata?.annotations).toEqual(service.metadata.annotations);
    expect(kept.status).not.toHaveProperty('address');
    expect(kept.status).not.toHaveProperty('observedGeneration');
    expect(kept.status.conditions[0]).toEqual({
      type: 'ConfigurationsReady',
      status: 'True',
    });
    expect(JSON.stringify(kept).length).toBeLessThan(
      JSON.stringify(received).length / 2,
    );
  });

  it('keeps everything the runtimes read: every demo function derives the same from compacted objects', () => {
    const objects = demoObjects();
    const whole = deriveAll(objects);

    expect(whole.length).toBeGreaterThan(3);
    expect(deriveAll(compacted(objects))).toEqual(whole);
  });
});
