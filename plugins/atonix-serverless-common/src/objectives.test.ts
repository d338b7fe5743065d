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
  it('refuses an availability that cannot be alerted on, naming the field', () => {
    const result = parseFunctionSpec({
      ...minimal,
      objectives: { availability: 99.999 },
    });
    expect(result).toEqual({
      success: false,
      issues: [
        {
          path: 'objectives.availability',
          message: expect.stringContaining('use 99.99 or less'),
        },
      ],
    });
  });

  it('refuses unknown objective fields', () => {
    const result = parseFunctionSpec({
      ...minimal,
      objectives: { p99: 10 },
    });
    expect(result.success).toBe(false);
  });

  it('refuses objectives on an OpenFaaS function and says why', () => {
    const result = parseFunctionSpec({
      ...minimal,
      runtime: 'openfaas',
      objectives: { availability: 99.5 },
    });
    expect(result).toEqual({
      success: false,
      issues: [
        {
          path: 'objectives',
          message: expect.stringContaining('enforcedNamespaceLabel'),
        },
      ],
    });
  });
});
