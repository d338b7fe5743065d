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
import { Interner, compactObject } from './compactObject';

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
    expect(kept.status.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(JSON.stringify(kept).length).toBeLessThan(
      JSON.stringify(received).length / 2,
    );
  });

  it('keeps of the pod template only the autoscaling annotations and each container’s image and env', () => {
    const [service, , revision] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });

    const kept = compactObject(
      structuredClone(service) as KubeObject,
      resources.knativeService.reads,
    );
    const keptRevision = compactObject(
      structuredClone(revision) as KubeObject,
      resources.revision.reads,
    );

    const template = (service.spec as any).template;
    expect(kept.spec).toEqual({
      template: {
        metadata: { annotations: template.metadata.annotations },
        spec: {
          containers: [
            {
              image: template.spec.containers[0].image,
              env: template.spec.containers[0].env,
            },
          ],
        },
      },
    });
    expect(keptRevision.spec).toEqual({
      containers: [{ image: template.spec.containers[0].image }],
    });
  });

  it('keeps of a Revision only the label that names its Service, and none of its annotations', () => {
    const [, , revision] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });

    const kept = compactObject(
      structuredClone(revision) as KubeObject,
      resources.revision.reads,
    );

    expect(Object.keys(revision.metadata.labels!).length).toBeGreaterThan(1);
    expect(kept.metadata?.labels).toEqual({
      'serving.knative.dev/service': 'charge',
    });
    expect(kept.metadata?.annotations).toBeUndefined();
  });

  it('keeps only the condition types a runtime reads, each without its timestamps', () => {
    const [, , revision] = knativeFunction({
      namespace: 'payments',
      name: 'invoice-pdf',
      ready: false,
    });

    const kept = compactObject(
      structuredClone(revision) as KubeObject,
      resources.revision.reads,
    );

    expect(kept.status.conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'ImagePullBackOff',
        message: expect.stringContaining('Back-off pulling image'),
      },
    ]);
  });

  it('keeps every condition and the whole spec of a kind whose reads do not narrow them', () => {
    const [, , revision] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });

    const kept = compactObject(structuredClone(revision) as KubeObject, {});

    expect(kept.spec).toEqual(revision.spec);
    expect(kept.status.conditions.map((c: any) => c.type)).toEqual(
      (revision.status as any).conditions.map((c: any) => c.type),
    );
  });

  it('keeps one frozen copy of the conditions, annotations, env lists and empty parts that repeat across objects', () => {
    const interner = new Interner();
    /** A function's objects as one cluster's watch cache keeps them, by kind. */
    const cached = (options: Parameters<typeof knativeFunction>[0]) =>
      Object.fromEntries(
        knativeFunction(options).flatMap(o => {
          const kind = KIND_OF[`${o.apiVersion}/${o.kind}`];
          return kind
            ? [
                [
                  kind,
                  compactObject(
                    structuredClone(o) as KubeObject,
                    resources[kind].reads,
                    interner,
                  ),
                ],
              ]
            : [];
        }),
      );
    const { knativeService: charge, route: chargeRoute } = cached({
      namespace: 'payments',
      name: 'charge',
    });
    const { knativeService: refund, route: refundRoute } = cached({
      namespace: 'payments',
      name: 'refund',
    });
    const { knativeService: failing } = cached({
      namespace: 'payments',
      name: 'invoice-pdf',
      ready: false,
      env: [{ name: 'LOG_LEVEL', value: 'debug' }],
    });

    const template = (o: KubeObject) => o.spec.template;
    expect(charge.status.conditions).toBe(refund.status.conditions);
    expect(template(charge).metadata.annotations).toBe(
      template(refund).metadata.annotations,
    );
    expect(template(charge).spec.containers[0].env).toBe(
      template(refund).spec.containers[0].env,
    );
    expect(chargeRoute.spec).toBe(refundRoute.spec);
    expect(Object.isFrozen(charge.status.conditions)).toBe(true);
    expect(Object.isFrozen(charge.status.conditions[0])).toBe(true);
    expect(Object.isFrozen(template(charge).spec.containers[0].env)).toBe(
      true,
    );
    // What differs stays apart: each function's own container, another env, a failing condition.
    expect(template(charge).spec.containers[0]).not.toBe(
      template(refund).spec.containers[0],
    );
    expect(template(failing).spec.containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    expect(failing.status.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'False' }),
    ]);
    expect(charge.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
    ]);
  });

  it('keeps everything the runtimes read: every demo function derives the same from compacted objects', () => {
    const objects = demoObjects();
    const whole = deriveAll(objects);

    expect(whole.length).toBeGreaterThan(3);
    expect(deriveAll(compacted(objects))).toEqual(whole);
  });
});

describe('Interner', () => {
  it('answers every string as it was given, across a table that filled up and started over', () => {
    const interner = new Interner();
    const values = Array.from(
      { length: 120_000 },
      (_, i) => `team-${i % 60_000}`,
    );

    expect(values.map(v => interner.intern(v))).toEqual(values);
    expect(interner.intern(42)).toBe(42);
    expect(interner.intern(undefined)).toBeUndefined();
  });

  it('shares one frozen copy of equal objects, and keeps unequal ones apart', () => {
    const interner = new Interner();
    const first = interner.share({ type: 'Ready', status: 'True' });

    expect(interner.share({ type: 'Ready', status: 'True' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(interner.share({ type: 'Ready', status: 'False' })).toEqual({
      type: 'Ready',
      status: 'False',
    });
    expect(interner.share([first])).toBe(interner.share([{ ...first }]));
    expect(interner.share([])).not.toBe(interner.share({}));
  });

  it('keeps a record’s keys and values and drops an empty one', () => {
    const interner = new Interner();

    expect(interner.record({ 'atonix.io/team': 'payments' })).toEqual({
      'atonix.io/team': 'payments',
    });
    expect(interner.record({})).toBeUndefined();
    expect(interner.record(undefined)).toBeUndefined();
  });
});
