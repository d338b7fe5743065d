import { SeedSeries } from '@internal/atonix-test-servers';

/** How often the demo writes the next sample of each live series; Prometheus' usual scrape interval. */
export const LIVE_TRAFFIC_STEP_MS = 15_000;

// Counters grow by their seeded rate; gauges (pods, replicas) keep their last value. Knative's pod
// count is a gauge despite its `_count` suffix (an OpenTelemetry name, kn.revision.pods.count).
const COUNTER = /(_count|_total|_bucket|_sum)$/;
const GAUGES = new Set(['kn_revision_pods_count']);

/**
 * The next sample, at `now`, of every seeded series that was live when seeded (its last sample
 * within a step of `seededAt`), continuing it: so the demo keeps having traffic however long it
 * runs, while functions seeded as idle stay idle.
 */
export function nextSamples(
  seeded: SeedSeries[],
  seededAt: number,
  now: number,
): SeedSeries[] {
  const next: SeedSeries[] = [];
  for (const { labels, samples } of seeded) {
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (!last || seededAt - last[0] > LIVE_TRAFFIC_STEP_MS) {
      continue;
    }
    let value = last[1];
    if (
      COUNTER.test(labels.__name__) &&
      !GAUGES.has(labels.__name__) &&
      last[0] > first[0]
    ) {
      const perMs = (last[1] - first[1]) / (last[0] - first[0]);
      value = last[1] + perMs * (now - last[0]);
    }
    next.push({ labels, samples: [[now, value]] });
  }
  return next;
}
