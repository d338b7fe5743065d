import { ListWatch } from '@kubernetes/client-node';
import type { Watch } from '@kubernetes/client-node';
import {
  fluxReceiver,
  knativeFunction,
  KubeObject as FixtureObject,
} from '@internal/atonix-test-servers';
import type { CachedObject, KubeObject } from '../extensions';
import { cached, kindOf } from '../runtimes/__testUtils__/clusterObjects';
import { Interner } from './cachedObject';

/** One Knative function's objects as one cluster's cache keeps them, by kind. */
function cachedFunction(
  options: Parameters<typeof knativeFunction>[0],
  interner = new Interner(),
): Record<string, CachedObject> {
  return Object.fromEntries(
    knativeFunction(options).flatMap(o => {
      const kind = kindOf(o);
      return kind ? [[kind, cached(o, interner)]] : [];
    }),
  );
}

describe('cachedObject', () => {
  it('keeps of an object its name, namespace, resourceVersion and the fields its runtime declares, nothing else', () => {
    const [service] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });
    const received = structuredClone(service) as KubeObject;
    received.metadata!.resourceVersion = '4711';
    received.metadata!.managedFields = [
      { manager: 'kustomize-controller', operation: 'Apply', fieldsV1: {} },
    ];
    received.metadata!.annotations![
      'kubectl.kubernetes.io/last-applied-configuration'
    ] = JSON.stringify(service);

    const kept = cached(received as FixtureObject);

    expect(Object.keys(kept)).toEqual([
      'name',
      'namespace',
      'resourceVersion',
      'team',
      'kubernetesId',
      'critical',
      'coldStartObjectiveMs',
      'appliedBy',
      'ready',
      'url',
      'traffic',
      'latestCreatedRevision',
      'latestReadyRevision',
      'autoscaling',
      'image',
      'env',
    ]);
    expect(kept).toMatchObject({
      name: 'charge',
      namespace: 'payments',
      resourceVersion: '4711',
      team: 'payments',
      appliedBy: { name: 'functions-payments', namespace: 'flux-system' },
      ready: { status: 'True' },
      url: 'http://charge.payments.example.com',
      traffic: [{ revisionName: 'charge-00001', percent: 100, latest: true }],
      image: 'ghcr.io/atonixcorp/charge:1a2b3c4',
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
    });
    // Nothing of what no reader declares: the nested spec and status, managedFields, annotations.
    expect(JSON.stringify(kept)).not.toMatch(
      /managedFields|last-applied|svc\.cluster\.local|containerPort|creator/,
    );
  });

  it('reads of a Revision the label naming its Service, its Ready condition without timestamps, its image and replicas', () => {
    const objects = knativeFunction({
      namespace: 'payments',
      name: 'invoice-pdf',
      ready: false,
    });
    const revision = objects.find(o => o.kind === 'Revision')!;
    (revision.status as any).conditions[0].lastTransitionTime =
      '2026-11-20T09:00:00Z';

    expect({ ...cached(revision) }).toEqual({
      name: 'invoice-pdf-00001',
      namespace: 'payments',
      resourceVersion: '',
      service: 'invoice-pdf',
      ready: {
        status: 'False',
        reason: 'ImagePullBackOff',
        message: expect.stringContaining('Back-off pulling image'),
      },
      image: 'ghcr.io/atonixcorp/invoice-pdf:1a2b3c4',
      actualReplicas: 0,
      desiredReplicas: expect.anything(),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('gives every record of a kind the same fields in the same order, absent ones undefined', () => {
    const { knativeService: ready } = cachedFunction({
      namespace: 'payments',
      name: 'charge',
    });
    const { knativeService: failing } = cachedFunction({
      namespace: 'payments',
      name: 'invoice-pdf',
      ready: false,
      revisions: [1],
    });

    expect(failing.latestReadyRevision).toBeUndefined();
    expect(Object.keys(failing)).toEqual(Object.keys(ready));
  });

  it('leaves a field absent, not the object, when its value cannot be read', () => {
    const [, , revision] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });
    (revision.metadata as any).creationTimestamp = 'last Tuesday';

    const kept = cached(revision);

    expect(kept.createdAt).toBeUndefined();
    expect(kept).toMatchObject({ name: 'charge-00001', service: 'charge' });
  });

  it('keeps one frozen copy of the conditions, autoscaling settings, env lists and Flux parts that repeat across objects', () => {
    const interner = new Interner();
    const charge = cachedFunction(
      { namespace: 'payments', name: 'charge' },
      interner,
    );
    const refund = cachedFunction(
      { namespace: 'payments', name: 'refund' },
      interner,
    );
    const failing = cachedFunction(
      {
        namespace: 'payments',
        name: 'invoice-pdf',
        ready: false,
        env: [{ name: 'LOG_LEVEL', value: 'debug' }],
      },
      interner,
    );

    for (const field of ['ready', 'autoscaling', 'env', 'appliedBy']) {
      expect(charge.knativeService[field]).toBe(refund.knativeService[field]);
      expect(Object.isFrozen(charge.knativeService[field])).toBe(true);
    }
    // A function's own names are one string in all its records.
    expect(charge.revision.service).toBe(charge.knativeService.name);
    // A function's Service and Route give one traffic list (frozen: statuses hold the same list).
    expect(charge.route.traffic).toBe(charge.knativeService.traffic);
    expect(Object.isFrozen(charge.route.traffic)).toBe(true);
    // What differs stays apart: each function's traffic, another env, a failing condition.
    expect(charge.route.traffic).not.toBe(refund.route.traffic);
    expect(failing.knativeService.env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    expect(failing.knativeService.ready).toMatchObject({ status: 'False' });
    expect(charge.knativeService.ready).toEqual({ status: 'True' });
  });

  it('keeps no secret value: a literal that looks like one is redacted when the record is made', () => {
    const { knativeService } = cachedFunction({
      namespace: 'payments',
      name: 'charge',
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'API_TOKEN', value: 'sk_live_0123456789abcdef0123' },
      ],
    });

    expect(knativeService.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'API_TOKEN', redacted: true },
    ]);
    expect(JSON.stringify(knativeService)).not.toContain('sk_live');
  });

  it('reads of a Flux Receiver what "Sync now" needs: its webhook path and what it reconciles', () => {
    const receiver = fluxReceiver({
      kustomization: 'functions-payments',
      webhookPath: '/hook/0a1b2c',
    });

    expect({ ...cached(receiver) }).toEqual({
      name: 'functions-payments',
      namespace: 'flux-system',
      resourceVersion: '',
      ready: {
        status: 'True',
        reason: 'Succeeded',
        message: 'Receiver initialized for path: /hook/0a1b2c',
      },
      webhookPath: '/hook/0a1b2c',
      resources: [
        {
          kind: 'Kustomization',
          name: 'functions-payments',
          namespace: undefined,
        },
      ],
    });
  });

  it('is what client-node’s informer keeps: an update replaces the record, a delete removes it', async () => {
    const interner = new Interner();
    const [service] = knativeFunction({
      namespace: 'payments',
      name: 'charge',
    });
    const version = (resourceVersion: string, ready: boolean) => {
      const object = structuredClone(service) as KubeObject;
      object.metadata!.resourceVersion = resourceVersion;
      object.status.conditions[1].status = ready ? 'True' : 'False';
      return cached(object as FixtureObject, interner) as CachedObject &
        KubeObject;
    };
    let send: (phase: string, object: unknown) => void = () => {};
    const watch = {
      watch: async (
        _path: string,
        _query: unknown,
        callback: (phase: string, object: unknown) => void,
      ) => {
        send = callback;
        return new AbortController();
      },
    } as unknown as Watch;
    const informer = new ListWatch<CachedObject & KubeObject>(
      '/apis/serving.knative.dev/v1/services',
      watch,
      async () => ({
        metadata: { resourceVersion: '1' },
        items: [version('1', true)],
      }),
      false,
    );
    await informer.start();
    const first = informer.get('charge', 'payments');
    expect(first?.ready).toEqual({ status: 'True' });

    send('MODIFIED', version('2', false));

    const second = informer.get('charge', 'payments');
    expect(second).not.toBe(first);
    expect(second).toMatchObject({
      resourceVersion: '2',
      ready: { status: 'False' },
    });
    expect(informer.list()).toEqual([second]);

    send('DELETED', version('3', false));

    expect(informer.get('charge', 'payments')).toBeUndefined();
    await informer.stop();
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

  it('forgets its tables on request: what it shared stays as it is, what comes later is shared anew', () => {
    const interner = new Interner();
    const ready = interner.share({ status: 'True' });

    interner.forget();

    const readyLater = interner.share({ status: 'True' });
    expect(readyLater).not.toBe(ready);
    expect(interner.share({ status: 'True' })).toBe(readyLater);
    expect(Object.isFrozen(ready)).toBe(true);
    expect(interner.intern('charge')).toBe('charge');
  });
});
