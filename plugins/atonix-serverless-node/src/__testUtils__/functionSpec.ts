import {
  FunctionSpec,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';

/** A parsed spec of the payments team's charge-card function, with `input` over the defaults. */
export function chargeCardSpec(input: object = {}): FunctionSpec {
  const result = parseFunctionSpec({
    name: 'charge-card',
    team: 'payments',
    image: 'ghcr.io/atonixcorp/charge-card:1.4.2',
    ...input,
  });
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}
