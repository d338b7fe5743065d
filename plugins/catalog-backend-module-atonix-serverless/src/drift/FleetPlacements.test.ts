import { FunctionPlacement } from '@internal/backstage-plugin-atonix-serverless-common';
import { FleetPlacements } from './FleetPlacements';

const clusters = [
  { name: 'production', synced: true, stale: false },
  { name: 'staging', synced: true, stale: false },
];
const all = new Set(['production', 'staging']);

const placement = (
  cluster: string,
  team: string,
  name: string,
): FunctionPlacement => ({
  cluster,
  namespace: 'openfaas-fn',
  name,
  team,
  runtime: 'openfaas',
  critical: false,
});

describe('FleetPlacements', () => {
  let fleet: FleetPlacements;

  // One OpenFaaS namespace per cluster: a name is one function per cluster, whichever team.
  beforeEach(() => {
    fleet = new FleetPlacements();
    fleet.load({
      items: [
        placement('production', 'payments', 'export'),
        placement('staging', 'analytics', 'export'),
      ],
      clusters,
    });
  });

  it('tells which function a removal touched, though a removal names no team', () => {
    const { team, ...removed } = placement('staging', 'analytics', 'export');
    const touched = fleet.apply({ upserted: [], removed: [removed], clusters });

    expect([...touched]).toEqual(['analytics/export']);
    expect(fleet.placementsOf('analytics/export', all)).toEqual([]);
    expect(fleet.placementsOf('payments/export', all)).toEqual([
      placement('production', 'payments', 'export'),
    ]);
  });

  it('moves a placement whose team changed, touching both functions', () => {
    const moved = fleet.apply({
      upserted: [placement('production', 'analytics', 'export')],
      removed: [],
      clusters,
    });

    expect([...moved].sort()).toEqual(['analytics/export', 'payments/export']);
    expect(fleet.placementsOf('analytics/export', all)).toHaveLength(2);
    expect([...fleet.functionKeys()]).toEqual(['analytics/export']);
  });

  it('counts only the clusters asked for', () => {
    expect(fleet.placementsOf('payments/export', new Set(['staging']))).toEqual(
      [],
    );
  });
});
