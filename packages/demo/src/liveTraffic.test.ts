import { SeedSeries } from '@internal/atonix-test-servers';
import { nextSamples } from './liveTraffic';

const t0 = 1_764_100_800_000;
const seeded: SeedSeries[] = [
  {
    labels: {
      __name__: 'kn_serving_invocation_duration_seconds_count',
      kn_revision_name: 'a-00001',
    },
    samples: [
      [t0 - 60_000, 0],
      [t0, 600],
    ],
  },
  {
    labels: { __name__: 'kn_revision_pods_count', kn_revision_name: 'a-00001' },
    samples: [
      [t0 - 60_000, 1],
      [t0, 2],
    ],
  },
  {
    // Seeded as idle: its traffic ended twelve minutes before the seed.
    labels: {
      __name__: 'kn_serving_invocation_duration_seconds_count',
      kn_revision_name: 'b-00001',
    },
    samples: [
      [t0 - 20 * 60_000, 0],
      [t0 - 12 * 60_000, 480],
    ],
  },
];

describe('nextSamples', () => {
  it('continues counters at their seeded rate and gauges at their last value', () => {
    expect(nextSamples(seeded, t0, t0 + 30_000)).toEqual([
      {
        labels: seeded[0].labels,
        samples: [[t0 + 30_000, 900]],
      },
      { labels: seeded[1].labels, samples: [[t0 + 30_000, 2]] },
    ]);
  });

  it('keeps functions that were idle when seeded idle', () => {
    expect(
      nextSamples(seeded, t0, t0 + 15_000).map(s => s.labels.kn_revision_name),
    ).not.toContain('b-00001');
  });
});
