import {
  MAX_FUNCTION_NAME_LENGTH,
  SCALING_DEFAULTS,
  parseFunctionSpec,
} from './functionSpec';

const minimal = {
  name: 'charge-card',
  team: 'payments',
  image: 'ghcr.io/atonixcorp/charge-card:1.0.0',
};

function issuesOf(input: unknown) {
  const result = parseFunctionSpec(input);
  if (result.success) throw new Error('expected the spec to be rejected');
  return result.issues;
}

describe('parseFunctionSpec', () => {
  it("applies the seed's defaults to a minimal spec", () => {
    const result = parseFunctionSpec(minimal);
    expect(result).toEqual({
      success: true,
      spec: {
        ...minimal,
        runtime: 'knative',
        port: 8080,
        env: [],
        secretEnv: {},
        scaling: { ...SCALING_DEFAULTS },
        critical: false,
        trigger: { type: 'http' },
        allowedCallers: [],
      },
    });
  });

  it('defaults a CloudEvents trigger to the default Broker with no filters', () => {
    const result = parseFunctionSpec({
      ...minimal,
      trigger: {
        type: 'cloudevents',
        source: {
          type: 'kafka',
          bootstrapServers: ['kafka:9092'],
          topics: ['orders'],
        },
      },
    });
    expect(result.success && result.spec.trigger).toEqual({
      type: 'cloudevents',
      broker: 'default',
      filters: {},
      source: {
        type: 'kafka',
        bootstrapServers: ['kafka:9092'],
        topics: ['orders'],
        initialOffset: 'latest',
      },
    });
  });

  it('leaves room for the names Knative derives from the function name', () => {
    const longest = 'a'.repeat(MAX_FUNCTION_NAME_LENGTH);
    expect(`${longest}-00001-private`).toHaveLength(63);
    expect(parseFunctionSpec({ ...minimal, name: longest }).success).toBe(true);
    expect(issuesOf({ ...minimal, name: `${longest}a` })).toEqual([
      { path: 'name', message: 'name must be at most 49 characters' },
    ]);
  });

  it.each([
    'kube-system',
    'flux-system',
    'default',
    'knative-serving',
    'openfaas-fn',
  ])('rejects the platform namespace %s as a team', team => {
    expect(issuesOf({ ...minimal, team })[0]).toMatchObject({
      path: 'team',
      message: expect.stringContaining('reserved for the platform'),
    });
  });

  it('reports every problem with its field path', () => {
    const paths = issuesOf({
      name: 'Charge_Card',
      team: 'payments',
      image: '',
      port: 9090,
      env: [{ name: 'PORT', value: '1' }],
      secretEnv: {
        DB_PASSWORD: { secretName: 'db', key: 'password', extra: 1 },
      },
      scaling: { minScale: 5, maxScale: 2, metric: 'latency' },
      colour: 'blue',
    }).map(issue => issue.path);
    expect(paths.sort()).toEqual(
      [
        '(spec)',
        'env.0.name',
        'image',
        'name',
        'port',
        'scaling.metric',
        'secretEnv.DB_PASSWORD',
      ].sort(),
    );
  });

  it('checks cross-field constraints once the fields themselves are valid', () => {
    expect(
      issuesOf({
        ...minimal,
        runtime: 'openfaas',
        scaling: { minScale: 3, maxScale: 2, metric: 'memory', class: 'hpa' },
        trigger: { type: 'cloudevents' },
      }).map(issue => issue.path),
    ).toEqual([
      'scaling.minScale',
      'scaling.metric',
      'scaling.class',
      'trigger.type',
    ]);
  });

  it("lists callers as other teams' names, each once", () => {
    expect(
      issuesOf({
        ...minimal,
        allowedCallers: ['analytics', 'Kube-System'],
      }),
    ).toEqual([
      {
        path: 'allowedCallers.1',
        message: expect.stringContaining('lower-case letters'),
      },
    ]);
    expect(
      issuesOf({
        ...minimal,
        allowedCallers: ['analytics', minimal.team, 'analytics'],
      }),
    ).toEqual([
      {
        path: 'allowedCallers.1',
        message: `${minimal.team} is the function's own team, which may always call it; remove the entry`,
      },
      {
        path: 'allowedCallers.2',
        message: 'analytics is listed twice; keep one entry',
      },
    ]);
  });

  it('needs exactly one way to reach RabbitMQ', () => {
    expect(
      issuesOf({
        ...minimal,
        trigger: {
          type: 'cloudevents',
          source: { type: 'rabbitmq', exchange: 'orders', queue: 'q' },
        },
      }),
    ).toEqual([
      {
        path: 'trigger.source',
        message: expect.stringContaining('exactly one of cluster'),
      },
    ]);
  });

  describe('named revisions and traffic', () => {
    const split = (traffic: unknown[]) => ({
      ...minimal,
      revisionName: 'charge-card-v2',
      traffic,
    });

    it('accepts a canary split between a named revision and the latest one', () => {
      const result = parseFunctionSpec(
        split([
          { revisionName: 'charge-card-v1', percent: 90, tag: 'stable' },
          { latestRevision: true, percent: 10, tag: 'canary' },
        ]),
      );
      expect(result.success && result.spec.traffic).toEqual([
        { revisionName: 'charge-card-v1', percent: 90, tag: 'stable' },
        { latestRevision: true, percent: 10, tag: 'canary' },
      ]);
    });

    it("refuses a revision name without the function's name as prefix", () => {
      expect(
        issuesOf({ ...minimal, revisionName: 'v2' }).map(i => i.path),
      ).toEqual(['revisionName']);
      expect(issuesOf({ ...minimal, revisionName: 'v2' })[0].message).toMatch(
        /must start with "charge-card-"/,
      );
    });

    it('refuses a revision name too long for the private Service Knative derives from it', () => {
      const [issue] = issuesOf({
        ...minimal,
        revisionName: `charge-card-${'a'.repeat(44)}`,
      });
      expect(issue.path).toBe('revisionName');
      expect(issue.message).toMatch(/longer than 55 characters/);
    });

    it('refuses percentages that do not sum to 100', () => {
      expect(
        issuesOf(
          split([
            { revisionName: 'charge-card-v1', percent: 50 },
            { latestRevision: true, percent: 40 },
          ]),
        ),
      ).toEqual([
        {
          path: 'traffic',
          message: 'the traffic percentages sum to 90; they must sum to 100',
        },
      ]);
    });

    it('refuses one tag on two targets', () => {
      expect(
        issuesOf(
          split([
            { revisionName: 'charge-card-v1', percent: 50, tag: 'canary' },
            { latestRevision: true, percent: 50, tag: 'canary' },
          ]),
        ),
      ).toEqual([
        {
          path: 'traffic.1.tag',
          message:
            'tag canary is already on traffic.0; each tag names one target',
        },
      ]);
    });

    it('refuses a target that is both a named and the latest revision, or neither', () => {
      expect(
        issuesOf(
          split([
            {
              revisionName: 'charge-card-v1',
              latestRevision: true,
              percent: 50,
            },
            { percent: 50 },
          ]),
        ).map(i => i.path),
      ).toEqual(['traffic.0', 'traffic.1']);
    });

    it('refuses a traffic split on OpenFaaS, which has no revisions', () => {
      expect(
        issuesOf({
          ...minimal,
          runtime: 'openfaas',
          traffic: [{ latestRevision: true, percent: 100 }],
        }),
      ).toEqual([
        {
          path: 'traffic',
          message:
            'a traffic split needs Knative revisions; remove traffic or use runtime knative',
        },
      ]);
    });
  });
});
