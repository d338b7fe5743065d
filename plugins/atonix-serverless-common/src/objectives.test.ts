import { parseFunctionSpec } from './functionSpec';
import { OBJECTIVE_DEFAULTS, functionObjectives } from './objectives';

const minimal = {
  name: 'charge-card',
  team: 'payments',
  image: 'ghcr.io/atonixcorp/charge-card:1.0.0',
};

function parsed(input: object) {
  const result = parseFunctionSpec({ ...minimal, ...input });
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('functionObjectives', () => {
  it('gives a function without objectives the standard defaults', () => {
    expect(functionObjectives(parsed({}))).toEqual({
      availability: 99,
      latencyP95Ms: 1000,
      coldStartP95Ms: 5000,
    });
  });

  it('holds a critical function to stricter defaults', () => {
    const critical = functionObjectives(
      parsed({ critical: true, scaling: { minScale: 1 } }),
    );
    expect(critical).toEqual(OBJECTIVE_DEFAULTS.critical);
    expect(critical.availability).toBeGreaterThan(
      OBJECTIVE_DEFAULTS.standard.availability,
    );
    expect(critical.latencyP95Ms).toBeLessThan(
      OBJECTIVE_DEFAULTS.standard.latencyP95Ms,
    );
  });

  it('keeps what the spec says and defaults only the rest', () => {
    expect(
      functionObjectives(parsed({ objectives: { latencyP95Ms: 250 } })),
    ).toEqual({ availability: 99, latencyP95Ms: 250, coldStartP95Ms: 5000 });
  });
});

describe('objectives in function.yaml', () => {
  it.each([
    {
      what: 'an availability that cannot be alerted on',
      input: { objectives: { availability: 99.999 } },
      path: 'objectives.availability',
      says: 'use 99.99 or less',
    },
    {
      what: 'objectives on an OpenFaaS function',
      input: { runtime: 'openfaas', objectives: { availability: 99.5 } },
      path: 'objectives',
      says: 'enforcedNamespaceLabel',
    },
  ])('refuses $what, naming the field and why', ({ input, path, says }) => {
    expect(parseFunctionSpec({ ...minimal, ...input })).toEqual({
      success: false,
      issues: [{ path, message: expect.stringContaining(says) }],
    });
  });

  it('refuses unknown objective fields', () => {
    const result = parseFunctionSpec({
      ...minimal,
      objectives: { p99: 10 },
    });
    expect(result.success).toBe(false);
  });
});
