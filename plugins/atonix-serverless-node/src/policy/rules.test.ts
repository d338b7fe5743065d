import { chargeCardSpec } from '../__testUtils__/functionSpec';
import { checkFunctionPolicy, checkScaling } from './rules';

const rulesOf = async (input: object) =>
  (await checkFunctionPolicy(chargeCardSpec(input))).map(
    f => `${f.rule} ${f.field}`,
  );

describe('checkFunctionPolicy', () => {
  it("accepts the seed's defaults", async () => {
    expect(await rulesOf({})).toEqual([]);
  });

  it('keeps non-critical functions scaling to zero', async () => {
    expect(await rulesOf({ scaling: { minScale: 1 } })).toEqual([
      'scale-to-zero scaling.minScale',
    ]);
    expect(await rulesOf({ scaling: { minScale: 1 }, critical: true })).toEqual(
      [],
    );
  });

  it('caps maxScale at the platform limit', async () => {
    expect(await rulesOf({ scaling: { maxScale: 51 } })).toEqual([
      'max-scale scaling.maxScale',
    ]);
  });

  it('sends custom metrics to the HPA class with a query, and warm', async () => {
    expect(await rulesOf({ scaling: { metric: 'custom' } })).toEqual([
      'autoscaling scaling.metric',
      'autoscaling scaling.query',
    ]);
    expect(
      await rulesOf({
        critical: true,
        scaling: { class: 'hpa', metric: 'custom', minScale: 1, query: 'up' },
      }),
    ).toEqual([]);
    expect(await rulesOf({ scaling: { class: 'hpa', metric: 'cpu' } })).toEqual(
      ['autoscaling scaling.minScale'],
    );
    expect(await rulesOf({ scaling: { class: 'hpa', metric: 'rps' } })).toEqual(
      ['autoscaling scaling.metric', 'autoscaling scaling.minScale'],
    );
  });

  it('rejects literal secrets but never a secretKeyRef', async () => {
    expect(
      await rulesOf({
        env: [
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'DB_PASSWORD', value: 'hunter2' },
        ],
        secretEnv: { API_TOKEN: { secretName: 'charge-card', key: 'token' } },
      }),
    ).toEqual(['hardcoded-secret env.1.value']);
  });
});

describe('checkScaling', () => {
  it('explains what to change', () => {
    expect(
      checkScaling({
        minScale: 3,
        maxScale: 10,
        metric: 'rps',
        class: 'kpa',
        critical: false,
      }),
    ).toEqual([
      {
        rule: 'scale-to-zero',
        field: 'scaling.minScale',
        message:
          'minScale is 3 but the function is not critical; non-critical functions scale to zero: set minScale to 0, or mark the function critical if it must stay warm',
      },
    ]);
  });
});
