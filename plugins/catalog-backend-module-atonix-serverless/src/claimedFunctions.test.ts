import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { FunctionPlacementsEvent } from '@internal/backstage-plugin-atonix-serverless-common';
import { DirectoryGitOpsSource } from '@internal/backstage-plugin-atonix-serverless-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionDirectory } from './FunctionDirectory';
import {
  FIRST_EMISSION_LOOKS,
  FunctionEntityProvider,
} from './FunctionEntityProvider';
import { GitOpsFunctionProcessor } from './GitOpsFunctionProcessor';
import { MAX_MERGE_REQUESTS, MERGE_REQUEST_INTERVAL_MS } from './MergeRequests';
import { GitOpsTreeFixture } from './testing/gitopsTree';
import { running } from './testing/placements';
import { standaloneProvider } from './testing/standaloneProvider';

const CATALOG_INFO = '/repos/charge/catalog-info.yaml';

/** `charge` as its own repository's catalog-info.yaml describes it (what the templates write). */
const registeredCharge: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'charge',
    annotations: {
      'backstage.io/managed-by-location': `file:${CATALOG_INFO}`,
      'backstage.io/managed-by-origin-location': `file:${CATALOG_INFO}`,
      'atonix.io/team': 'payments',
    },
  },
  spec: {
    type: 'function',
    lifecycle: 'experimental',
    owner: 'group:payments',
  },
};

/** What the stand-in does with the provider's next request to process entities. */
type Answer = 'process' | 'fail' | 'ignore' | { storeInstead: Entity };

/**
 * The catalog as the provider meets it, holding `charge` registered from its own repository. The
 * module's processor processes it when the provider asks by refresh key, and reads show a result
 * only once it is stitched, as the catalog's deferred stitching does.
 */
class CatalogStandIn {
  readonly requests: string[][] = [];
  /** The last processing result, and what reads show. */
  processed?: Entity;
  shown?: Entity;
  /** Answers to the next requests, then `otherwise`. */
  readonly answers: Answer[] = [];
  otherwise: Answer = 'process';
  readonly #processor: GitOpsFunctionProcessor;

  constructor(directory: FunctionDirectory) {
    this.#processor = new GitOpsFunctionProcessor([directory]);
  }

  /** One processing pass of `charge`, with the provider's view as it is now. */
  async process(): Promise<Entity> {
    this.processed = await this.#processor.preProcessEntity(
      structuredClone(registeredCharge),
      { type: 'file', target: CATALOG_INFO },
      () => {},
    );
    return this.processed;
  }

  stitch() {
    this.shown = this.processed;
  }

  readonly refresh = async ({ keys }: { keys: string[] }) => {
    this.requests.push(keys);
    const answer = this.answers.shift() ?? this.otherwise;
    if (answer === 'fail') {
      throw new Error('SQLITE_BUSY: database is locked');
    }
    if (answer === 'ignore' || !keys.includes('atonix-function:charge')) {
      return;
    }
    if (answer === 'process') await this.process();
    else this.processed = answer.storeInstead;
    this.stitch();
    this.#waiting.splice(0).forEach(resolve => resolve());
  };

  /** How many of the next reads fail. */
  failingReads = 0;
  /** The refs of every read, oldest first. */
  readonly reads: string[][] = [];
  readonly #waiting: Array<() => void> = [];

  /** Resolves once the provider's next request to process entities is answered. */
  nextRequest(): Promise<void> {
    return new Promise(resolve => this.#waiting.push(resolve));
  }

  readonly catalog = {
    getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => {
      this.reads.push(entityRefs);
      if (this.failingReads > 0) {
        this.failingReads--;
        throw new Error('catalog answered 503');
      }
      return {
        items: entityRefs.map(ref =>
          ref === 'component:default/charge' ? this.shown : undefined,
        ),
      };
    },
  };
}

describe('FunctionEntityProvider, for a function registered from its own repository', () => {
  let root: string;
  let tree: GitOpsTreeFixture;
  let directory: FunctionDirectory;
  let catalog: CatalogStandIn;
  let provider: FunctionEntityProvider;
  let mutations: EntityProviderMutation[];
  let deliverPlacements: (event: FunctionPlacementsEvent) => Promise<void>;
  let nextMutation: () => Promise<EntityProviderMutation>;
  /** The clusters the backend reports; none synced unless a test says so. */
  let clusters: FunctionPlacementsEvent['clusters'];
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let now: number;

  /** Time enough for the catalog to have answered a request. */
  const later = () => {
    now += MERGE_REQUEST_INTERVAL_MS;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'atonix-claims-'));
    tree = new GitOpsTreeFixture(root);
    now = Date.parse('2026-11-30T04:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    logger = mockServices.logger.mock();
    directory = new FunctionDirectory();
    catalog = new CatalogStandIn(directory);
    clusters = [];
    ({ provider, mutations, deliverPlacements, nextMutation } =
      await standaloneProvider({
        id: 'local',
        source: new DirectoryGitOpsSource({ directory: root }),
        logger,
        inventory: { list: async () => ({ items: [], clusters }) },
        directory,
        catalog: catalog.catalog,
        refresh: catalog.refresh,
      }));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(root, { recursive: true, force: true });
  });

  const shownAnnotations = () => catalog.shown?.metadata.annotations;

  /** The catalog was asked once to process charge, and its entity now carries the folder's view. */
  const expectTakenOver = () => {
    expect(catalog.requests).toEqual([['atonix-function:charge']]);
    expect(shownAnnotations()).toMatchObject({
      'atonix.io/runtime': 'knative',
      'atonix.io/gitops-view': directory.viewOf('charge'),
    });
    expect(shownAnnotations()).not.toHaveProperty('atonix.io/drift');
  };

  it('asks the catalog again until the entity carries what GitOps says, when the first request fails', async () => {
    await tree.writeFunction('payments', 'charge', { critical: true });
    catalog.shown = registeredCharge;
    catalog.answers.push('fail');

    await provider.refresh();
    expect(catalog.requests).toEqual([['atonix-function:charge']]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Could not ask the catalog to process charge'),
    );
    expect(shownAnnotations()).not.toHaveProperty('atonix.io/runtime');

    await provider.refresh();
    expect(catalog.requests).toHaveLength(1);

    later();
    await provider.refresh();
    expect(catalog.requests).toHaveLength(2);
    expect(shownAnnotations()).toMatchObject({
      'atonix.io/runtime': 'knative',
      'atonix.io/critical': 'true',
      'atonix.io/gitops-view': directory.viewOf('charge'),
    });

    later();
    await provider.refresh();
    expect(catalog.requests).toHaveLength(2);
    const emitted = mutations.flatMap(m =>
      m.type === 'full' ? m.entities : m.added,
    );
    expect(emitted.map(d => d.entity.metadata.name)).not.toContain('charge');
  });

  it('takes over a function registered before its folder appeared, and asks the catalog to merge the folder at once', async () => {
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();
    // The template registered charge's catalog-info.yaml; its pull request is not merged yet.
    await catalog.process();
    catalog.stitch();
    expect(shownAnnotations()?.['atonix.io/drift']).toBe('not-in-gitops');
    await provider.refresh();
    expect(catalog.requests).toEqual([]);

    await tree.writeFunction('payments', 'charge');
    await provider.refresh();

    expectTakenOver();
    const emitted = mutations.flatMap(m =>
      m.type === 'full' ? m.entities : m.added,
    );
    expect(emitted.map(d => d.entity.metadata.name)).toEqual(['refund']);
  });

  it('takes over a registered function a cluster starts running without a folder, looking up only that function', async () => {
    clusters = [{ name: 'production', synced: true, stale: false }];
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();
    await catalog.process();
    catalog.stitch();
    const readsBefore = catalog.reads.length;

    // The provider either asks the catalog to process charge or emits an entity of its own.
    const answered = Promise.race([catalog.nextRequest(), nextMutation()]);
    await deliverPlacements({
      upserted: [running('charge')],
      removed: [],
      clusters,
    });
    await answered;

    expect(catalog.reads.slice(readsBefore)).toEqual([
      ['component:default/charge'],
    ]);
    expect(catalog.requests).toEqual([['atonix-function:charge']]);
    expect(directory.viewOf('charge')).not.toBe('none');
    expect(shownAnnotations()).toMatchObject({
      'atonix.io/runtime': 'knative',
      'atonix.io/drift': 'not-in-gitops',
      'atonix.io/gitops-view': directory.viewOf('charge'),
    });
    expect(shownAnnotations()?.['atonix.io/drift-reason']).toContain(
      'production',
    );
    const emitted = mutations.flatMap(m =>
      m.type === 'full' ? m.entities : m.added,
    );
    expect(emitted.map(d => d.entity.metadata.name)).toEqual(['refund']);
  });

  it('takes over a registration the catalog shows only after the folder appeared, at the next refresh', async () => {
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();
    // The template registered charge's catalog-info.yaml and the catalog processed it, before the
    // folder (so not-in-gitops), but has not stitched it yet when the pull request merges.
    await catalog.process();
    await tree.writeFunction('payments', 'charge');
    await provider.refresh();
    const emitted = mutations.flatMap(m =>
      m.type === 'full' ? m.entities : m.added,
    );
    expect(emitted.map(d => d.entity.metadata.name)).toContain('charge');
    // Stitched: the registration holds charge; the catalog rejected the provider's entity.
    catalog.stitch();
    expect(shownAnnotations()?.['atonix.io/drift']).toBe('not-in-gitops');

    await provider.refresh();

    expectTakenOver();
    const last = mutations[mutations.length - 1];
    expect(last.type === 'delta' && last.removed).toEqual([
      expect.objectContaining({ entityRef: 'component:default/charge' }),
    ]);
  });

  it('takes over a registered function at the next refresh when the catalog could not be read as its folder appeared', async () => {
    await tree.writeFunction('payments', 'charge');
    catalog.shown = registeredCharge;
    catalog.failingReads = 1;
    await provider.refresh();
    expect(catalog.requests).toEqual([]);

    await provider.refresh();

    expectTakenOver();
  });

  it(`looks again at a new function nobody else holds at most ${FIRST_EMISSION_LOOKS} times, and at none of the first emission since a start`, async () => {
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();
    await tree.writeFunction('payments', 'charge');
    for (let i = 0; i < FIRST_EMISSION_LOOKS + 3; i++) {
      await provider.refresh();
    }
    const looks = catalog.reads.filter(refs =>
      refs.includes('component:default/charge'),
    );
    // The first emission's lookup, then the looks again.
    expect(looks).toHaveLength(1 + FIRST_EMISSION_LOOKS);
    expect(
      catalog.reads.filter(refs => refs.includes('component:default/refund')),
    ).toHaveLength(1);
    expect(catalog.requests).toEqual([]);
  });

  it('stops looking at a new function once its folder goes', async () => {
    await tree.writeFunction('payments', 'refund');
    await provider.refresh();
    await tree.writeFunction('payments', 'charge');
    await provider.refresh();
    await tree.removeFunction('payments', 'charge');
    for (let i = 0; i < 3; i++) await provider.refresh();
    // The first emission's lookup, and the look of the refresh that read the folder gone.
    expect(
      catalog.reads.filter(refs => refs.includes('component:default/charge')),
    ).toHaveLength(2);
  });

  it('registers a function from its folder again when its registration goes, after the catalog rejected the entity it emitted while the registration held it', async () => {
    await tree.writeFunction('payments', 'charge');
    catalog.shown = registeredCharge;
    // The provider cannot tell that charge is registered, emits it, and the catalog rejects it.
    catalog.failingReads = 1;
    await provider.refresh();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Cannot ask the catalog which functions'),
    );
    // The registration's next scheduled processing merges the folder.
    await catalog.process();
    catalog.stitch();
    await provider.refresh();

    catalog.shown = undefined;
    await provider.refresh();

    const last = mutations[mutations.length - 1];
    expect(last.type === 'delta' && last.added).toEqual([
      expect.objectContaining({
        entity: expect.objectContaining({
          metadata: expect.objectContaining({ name: 'charge' }),
        }),
      }),
    ]);
  });

  it('asks again when the catalog answered with a processing that read the view from before the folder went away', async () => {
    await tree.writeFunction('payments', 'charge');
    catalog.shown = registeredCharge;
    await provider.refresh();
    expect(shownAnnotations()?.['atonix.io/runtime']).toBe('knative');
    const underWay = await catalog.process();

    await tree.removeFunction('payments', 'charge');
    catalog.answers.push({ storeInstead: underWay });
    await provider.refresh();
    expect(catalog.requests).toHaveLength(2);
    expect(shownAnnotations()).not.toHaveProperty('atonix.io/drift');

    later();
    await provider.refresh();
    expect(catalog.requests).toHaveLength(3);
    expect(shownAnnotations()).toMatchObject({
      'atonix.io/drift': 'not-in-gitops',
      'atonix.io/gitops-view': 'none',
    });
    expect(shownAnnotations()).not.toHaveProperty('atonix.io/runtime');
  });

  it('keeps a function the processor claimed while the catalog does not show that entity yet, and reprocesses it when the folder goes', async () => {
    await tree.writeFunction('payments', 'charge');
    // The catalog shows nothing yet: the provider registers charge from its folder.
    await provider.refresh();
    expect(mutations[0].type === 'full' && mutations[0].entities).toEqual([
      expect.objectContaining({
        entity: expect.objectContaining({
          metadata: expect.objectContaining({ name: 'charge' }),
        }),
      }),
    ]);

    // The other registration is processed (merged, so claimed) but not stitched when the
    // provider next reads it back.
    await catalog.process();
    await provider.refresh();
    catalog.stitch();

    await tree.removeFunction('payments', 'charge');
    await provider.refresh();
    expect(catalog.requests.flat()).toContain('atonix-function:charge');
    expect(shownAnnotations()?.['atonix.io/drift']).toBe('not-in-gitops');
  });

  it(`stops asking after ${MAX_MERGE_REQUESTS} requests for one view, and says which function and what to check`, async () => {
    await tree.writeFunction('payments', 'charge');
    catalog.shown = registeredCharge;
    catalog.otherwise = 'ignore';

    await provider.refresh();
    for (let i = 0; i < MAX_MERGE_REQUESTS + 2; i++) {
      later();
      await provider.refresh();
    }

    expect(catalog.requests).toHaveLength(MAX_MERGE_REQUESTS);
    const gaveUp = logger.warn.mock.calls.filter(([message]) =>
      message.includes('has not merged'),
    );
    expect(gaveUp).toEqual([
      [
        `The catalog has not merged what the GitOps repository says about function charge into its entity after ${MAX_MERGE_REQUESTS} requests to process it again; it will at that entity's next scheduled processing (catalog.processingInterval). Check the entity's processing errors.`,
      ],
    ]);
  });

  it('registers a claimed function from its folder again when the catalog never shows the other registration', async () => {
    await tree.writeFunction('payments', 'charge');
    await provider.refresh();
    await catalog.process();
    expect(directory.claimed.has('charge')).toBe(true);
    // Its location is removed before its entity ever shows.
    catalog.otherwise = 'ignore';

    for (let i = 0; i < MAX_MERGE_REQUESTS + 2; i++) {
      later();
      await provider.refresh();
    }

    expect(directory.claimed.has('charge')).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith(
      `The catalog has not shown component:default/charge registered from another location after ${MAX_MERGE_REQUESTS} requests to process it; the provider registers it from its GitOps folder again.`,
    );
  });
});
