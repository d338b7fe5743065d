import {
  FunctionSpec,
  FunctionStatus,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { compareWithClusters } from './compareWithClusters';
import { FleetPlacements } from './FleetPlacements';
import { ClusterInventory } from './FunctionInventoryClient';

function fleet(inventory: ClusterInventory): FleetPlacements {
  const placements = new FleetPlacements();
  placements.load(inventory);
  return placements;
}

function gitopsFunction(team: string, name: string) {
  const result = parseFunctionSpec({
    team,
    name,
    image: `ghcr.io/a/${name}:1`,
  });
  if (!result.success) throw new Error('fixture spec is invalid');
  return {
    folder: `gitops/functions/${team}/${name}`,
    spec: result.spec as FunctionSpec,
  };
}

function running(
  cluster: string,
  team: string,
  name: string,
  namespace = team,
) {
  return {
    cluster,
    team,
    name,
    namespace,
    runtime: 'knative',
  } as FunctionStatus;
}

describe('compareWithClusters', () => {
  const functions = [gitopsFunction('payments', 'charge')];

  it('knows nothing while no cluster has synced', () => {
    const result = compareWithClusters(
      functions,
      fleet({
        items: [running('production', 'payments', 'stray')],
        clusters: [{ name: 'production', synced: false, stale: false }],
      }),
    );
    expect(result.functions.size).toBe(0);
    expect(result.unmanaged).toEqual([]);
  });

  it('does not count a stale cluster as missing a function', () => {
    const result = compareWithClusters(
      functions,
      fleet({
        items: [running('production', 'payments', 'charge')],
        clusters: [
          { name: 'production', synced: true, stale: false },
          { name: 'staging', synced: true, stale: true },
        ],
      }),
    );
    expect(result.functions.get('payments/charge')?.drift).toBe('in-sync');
  });

  it('checks only the configured clusters', () => {
    const inventory = {
      items: [running('production', 'payments', 'charge')],
      clusters: [
        { name: 'production', synced: true, stale: false },
        { name: 'sandbox', synced: true, stale: false },
      ],
    };
    expect(
      compareWithClusters(functions, fleet(inventory)).functions.get(
        'payments/charge',
      ),
    ).toMatchObject({
      drift: 'not-running',
      reason: expect.stringContaining('does not run in sandbox;'),
    });
    expect(
      compareWithClusters(functions, fleet(inventory), [
        'production',
      ]).functions.get('payments/charge')?.drift,
    ).toBe('in-sync');
  });

  it('matches OpenFaaS functions by team, wherever their namespace is', () => {
    const result = compareWithClusters(
      functions,
      fleet({
        items: [
          running('production', 'payments', 'charge', 'openfaas-fn'),
          running('production', 'analytics', 'export', 'openfaas-fn'),
        ],
        clusters: [{ name: 'production', synced: true, stale: false }],
      }),
    );
    expect(result.functions.get('payments/charge')?.drift).toBe('in-sync');
    expect(result.unmanaged).toMatchObject([
      {
        team: 'analytics',
        name: 'export',
        placements: ['production/openfaas-fn'],
      },
    ]);
  });
});
