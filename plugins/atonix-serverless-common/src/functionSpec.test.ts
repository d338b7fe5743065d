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
});
