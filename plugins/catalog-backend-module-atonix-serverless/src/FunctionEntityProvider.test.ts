import { mockServices } from '@backstage/backend-test-utils';
import { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import {
  FunctionPlacement,
  FunctionPlacementsEvent,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as entities from './entities';
import { FunctionDirectory } from './FunctionDirectory';
import { FunctionEntityProvider } from './FunctionEntityProvider';
import { DirectoryGitOpsSource } from '@internal/backstage-plugin-atonix-serverless-node';
import { GitOpsTreeFixture } from './testing/gitopsTree';
import { running } from './testing/placements';
import { standaloneProvider } from './testing/standaloneProvider';

// Counts the function entities the provider builds, to tell a whole-fleet rebuild from one that
// covers only the functions an event names.
jest.mock('./entities', () => {
  const actual = jest.requireActual('./entities');
  return {
    ...actual,
    functionEntity: jest.fn(actual.functionEntity),
    unmanagedFunctionEntity: jest.fn(actual.unmanagedFunctionEntity),
  };
});
const built = {
  functions: entities.functionEntity as jest.Mock,
  unmanaged: entities.unmanagedFunctionEntity as jest.Mock,
};

const synced = [{ name: 'production', synced: true, stale: false }];

describe('FunctionEntityProvider', () => {
  let root: string;
  let tree: GitOpsTreeFixture;
  let mutations: EntityProviderMutation[];
  let deliverPlacements: (event: FunctionPlacementsEvent) => Promise<void>;
  let snapshotReads = 0;
  let provider: FunctionEntityProvider;
  let nextMutation: () => Promise<EntityProviderMutation>;
  let snapshot: FunctionPlacement[];
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'atonix-provider-'));
    tree = new GitOpsTreeFixture(root);
    snapshotReads = 0;
    snapshot = [];
    logger = mockServices.logger.mock();
    ({ provider, mutations, deliverPlacements, nextMutation } =
      await standaloneProvider({
        id: 'local',
        source: new DirectoryGitOpsSource({ directory: root }),
        logger,
        inventory: {
          list: async () => {
            snapshotReads++;
            return { items: snapshot, clusters: synced };
          },
        },
      }));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  /** Delivers a placement event and waits for the mutation it causes. */
  async function deliver(event: Partial<FunctionPlacementsEvent>) {
    const applied = nextMutation();
    await deliverPlacements({
      upserted: [],
      removed: [],
      clusters: synced,
      ...event,
    });
    return applied;
  }

  function drift(mutation: EntityProviderMutation): Record<string, string> {
    const deferred =
      mutation.type === 'full' ? mutation.entities : mutation.added;
    return Object.fromEntries(
      deferred.map(d => [
        d.entity.metadata.name,
        d.entity.metadata.annotations?.['atonix.io/drift'] ?? '',
      ]),
    );
  }

  /** A fleet of `count` functions fn-00, fn-01, …, all running in production but fn-07. */
  async function fleet(count: number) {
    const names = Array.from(
      { length: count },
      (_, i) => `fn-${String(i).padStart(2, '0')}`,
    );
    for (const name of names) await tree.writeFunction('payments', name);
    snapshot = names.filter(n => n !== 'fn-07').map(n => running(n));
    await provider.refresh();
    expect(drift(mutations[0])['fn-07']).toBe('not-running');
    built.functions.mockClear();
    built.unmanaged.mockClear();
    return names;
  }

  function refs(mutation: EntityProviderMutation): string[] {
    const deferred =
      mutation.type === 'full' ? mutation.entities : mutation.added;
    return deferred.map(d => d.entity.metadata.name).sort();
  }

  it('emits every entity under its own location key, never undefined', async () => {
    await tree.writeFunction('payments', 'charge');
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();

    const [first] = mutations;
    expect(first.type).toBe('full');
    const deferred = first.type === 'full' ? first.entities : [];
    expect(deferred).toHaveLength(2);
    for (const { locationKey } of deferred) {
      expect(locationKey).toBe('atonix-serverless:local');
    }
  });

  it('applies only what changed, and nothing while nothing changes', async () => {
    await tree.writeFunction('payments', 'charge');
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();
    await provider.refresh();
    expect(mutations).toHaveLength(1);

    await tree.writeFunction('payments', 'refund', { critical: true });
    await tree.removeFunction('payments', 'charge');
    await provider.refresh();

    expect(mutations).toHaveLength(2);
    expect(mutations[1]).toMatchObject({
      type: 'delta',
      removed: [
        {
          entityRef: 'component:default/charge',
          locationKey: 'atonix-serverless:local',
        },
      ],
    });
    expect(refs(mutations[1])).toEqual(['refund']);
  });

  it('follows the backend’s placement events: drift changes on the functions they touch, without reading the inventory again', async () => {
    await tree.writeFunction('payments', 'charge');
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();
    expect(snapshotReads).toBe(1);

    const event: FunctionPlacementsEvent = {
      upserted: [
        {
          cluster: 'production',
          namespace: 'payments',
          name: 'charge',
          team: 'payments',
          runtime: 'knative',
          critical: false,
        },
      ],
      removed: [],
      clusters: synced,
    };
    await deliverPlacements(event);
    await provider.refresh();

    expect(mutations).toHaveLength(2);
    expect(refs(mutations[1])).toEqual(['charge']);
    const [charge] = mutations[1].type === 'delta' ? mutations[1].added : [];
    expect(charge.entity.metadata.annotations?.['atonix.io/drift']).toBe(
      'in-sync',
    );
    expect(snapshotReads).toBe(1);
  });

  it('builds only the functions a placement event names, not the fleet', async () => {
    await fleet(30);
    const wholeUpdate = jest.spyOn(FunctionDirectory.prototype, 'update');

    const started = await deliver({ upserted: [running('fn-07')] });
    expect(built.functions).toHaveBeenCalledTimes(1);
    expect(wholeUpdate).not.toHaveBeenCalled();
    expect(drift(started)).toEqual({ 'fn-07': 'in-sync' });

    const stray = await deliver({ upserted: [running('stray')] });
    expect(built.functions).toHaveBeenCalledTimes(1);
    expect(built.unmanaged).toHaveBeenCalledTimes(1);
    expect(drift(stray)).toEqual({ stray: 'not-in-gitops' });

    const gone = await deliver({
      removed: [running('stray'), running('fn-03')],
    });
    expect(built.functions).toHaveBeenCalledTimes(2);
    expect(drift(gone)).toEqual({ 'fn-03': 'not-running' });
    expect(gone).toMatchObject({
      type: 'delta',
      removed: [{ entityRef: 'component:default/stray' }],
    });
    expect(wholeUpdate).not.toHaveBeenCalled();
  });

  it('rebuilds every function when the set of checked clusters changes', async () => {
    const names = await fleet(30);

    const staging = { name: 'staging', synced: true, stale: false };
    const widened = await deliver({
      upserted: [running('fn-00', 'staging')],
      clusters: [...synced, staging],
    });

    expect(built.functions).toHaveBeenCalledTimes(names.length);
    // Every reason names the checked clusters: each entity changes, fn-07 keeping its drift.
    expect(drift(widened)).toEqual(
      Object.fromEntries(
        names.map(n => [n, n === 'fn-00' ? 'in-sync' : 'not-running']),
      ),
    );
  });

  it('re-derives every entity when the repository changes, from the placements events brought', async () => {
    await fleet(30);
    await deliver({ upserted: [running('newcomer')] });
    expect(built.unmanaged).toHaveBeenCalledTimes(1);

    await tree.writeFunction('payments', 'newcomer');
    await tree.writeFunction('payments', 'fn-01', { critical: true });
    const applied = nextMutation();
    await provider.refresh();
    const mutation = await applied;

    expect(built.functions).toHaveBeenCalledTimes(31);
    expect(refs(mutation)).toEqual(['fn-01', 'newcomer']);
    expect(drift(mutation)).toEqual({
      'fn-01': 'in-sync',
      newcomer: 'in-sync',
    });
    expect(snapshotReads).toBe(1);
  });

  it('leaves a running function that shares a GitOps function’s name to it, as a whole build does', async () => {
    await fleet(10);

    await deliverPlacements({
      upserted: [running('fn-02', 'production', 'billing')],
      removed: [],
      clusters: synced,
    });
    await provider.refresh();

    // The name is another source's: the whole build decides, keeps the folder's and says so.
    expect(built.functions).toHaveBeenCalledTimes(10);
    expect(mutations).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'atonix-cluster:production/billing/fn-02 describes component:default/fn-02, which file:',
      ),
    );
  });
});
