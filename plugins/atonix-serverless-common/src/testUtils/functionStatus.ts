import type { FunctionStatus } from '../api';

/**
 * A `FunctionStatus` as the backend answers it for a healthy, idle-capable Knative function, with
 * `overrides` applied. `team` defaults to the namespace, and `owner` to the team's Group (the owner
 * the inventory reports once the function is linked to an entity its team owns).
 *
 * @public
 */
export function functionStatus(
  overrides: Partial<FunctionStatus> = {},
): FunctionStatus {
  const namespace = overrides.namespace ?? 'payments';
  const team = overrides.team ?? namespace;
  return {
    cluster: 'staging',
    namespace,
    team,
    name: 'hello',
    runtime: 'knative',
    ready: 'True',
    traffic: [],
    replicas: { desired: 1, actual: 1 },
    scaledToZero: false,
    autoscaling: {
      class: 'kpa.autoscaling.knative.dev',
      metric: 'rps',
      minScale: 0,
    },
    critical: false,
    triggers: [],
    owner: `group:default/${team}`,
    observedAt: '2026-11-25T20:00:00.000Z',
    stale: false,
    ...overrides,
  };
}
