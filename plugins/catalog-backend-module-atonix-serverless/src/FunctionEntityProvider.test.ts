import { mockServices } from '@backstage/backend-test-utils';
import { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { FunctionPlacementsEvent } from '@internal/backstage-plugin-atonix-serverless-common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionEntityProvider } from './FunctionEntityProvider';
import { DirectoryGitOpsSource } from '@internal/backstage-plugin-atonix-serverless-node';
import { GitOpsTreeFixture } from './testing/gitopsTree';
import { standaloneProvider } from './testing/standaloneProvider';

const synced = [{ name: 'production', synced: true, stale: false }];

describe('FunctionEntityProvider', () => {
  let root: string;
  let tree: GitOpsTreeFixture;
  let mutations: EntityProviderMutation[];
  let deliverPlacements: (event: FunctionPlacementsEvent) => Promise<void>;
  let snapshotReads = 0;
  let provider: FunctionEntityProvider;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'atonix-provider-'));
    tree = new GitOpsTreeFixture(root);
    snapshotReads = 0;
    ({ provider, mutations, deliverPlacements } = await standaloneProvider({
      id: 'local',
      source: new DirectoryGitOpsSource({ directory: root }),
      logger: mockServices.logger.mock(),
      inventory: {
        list: async () => {
          snapshotReads++;
          return { items: [], clusters: synced };
        },
      },
    }));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

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
});
