import { z } from 'zod';
import {
  FunctionSpec,
  FunctionTrafficTarget,
  trafficTargetSchema,
} from './functionSpec';

/**
 * What a person asks of a function's traffic in the portal. Each becomes a new `traffic` list in the
 * function's `function.yaml`, committed to the GitOps repository; nothing is applied to a cluster.
 *
 * - `split`: exactly these targets.
 * - `rollback`: all traffic to a revision named earlier in git.
 * - `promote`: all traffic to the candidate, the revision the spec creates now (`latestRevision`).
 * - `tag`: give a revision a tag (its own URL), taking the tag off any other target.
 */
export const trafficChangeSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('split'),
    traffic: z.array(trafficTargetSchema).min(1),
  }),
  z.strictObject({
    action: z.literal('rollback'),
    revisionName: z.string().min(1),
  }),
  z.strictObject({ action: z.literal('promote') }),
  z.strictObject({
    action: z.literal('tag'),
    revisionName: z.string().min(1),
    tag: z.string().min(1),
  }),
]);

export type TrafficChange = z.output<typeof trafficChangeSchema>;

/** The traffic a spec routes: its `traffic`, or Knative's default of all to the latest revision. */
export function specTraffic(
  spec: Pick<FunctionSpec, 'traffic'>,
): FunctionTrafficTarget[] {
  return spec.traffic ?? [{ latestRevision: true, percent: 100 }];
}

/** Tagged targets other than the new route, kept at 0 % so their URLs keep answering. */
function keepTags(
  traffic: FunctionTrafficTarget[],
  isNewRoute: (target: FunctionTrafficTarget) => boolean,
): FunctionTrafficTarget[] {
  return traffic
    .filter(target => target.tag !== undefined && !isNewRoute(target))
    .map(target => ({ ...target, percent: 0 }));
}

/**
 * The `traffic` list a change leads to, from the spec as it is. The result is checked like any
 * spec (sum, tags, names) by whoever writes it; this only says what the change means.
 */
export function applyTrafficChange(
  spec: Pick<FunctionSpec, 'traffic' | 'revisionName'>,
  change: TrafficChange,
): FunctionTrafficTarget[] {
  const current = specTraffic(spec);
  switch (change.action) {
    case 'split':
      return change.traffic;
    case 'rollback': {
      const isTarget = (t: FunctionTrafficTarget) =>
        t.revisionName === change.revisionName;
      const tag = current.find(isTarget)?.tag;
      return [
        {
          revisionName: change.revisionName,
          percent: 100,
          ...(tag ? { tag } : {}),
        },
        ...keepTags(current, isTarget),
      ];
    }
    case 'promote': {
      const isCandidate = (t: FunctionTrafficTarget) =>
        t.latestRevision === true ||
        (spec.revisionName !== undefined &&
          t.revisionName === spec.revisionName);
      const tag = current.find(isCandidate)?.tag;
      return [
        { latestRevision: true, percent: 100, ...(tag ? { tag } : {}) },
        ...keepTags(current, isCandidate),
      ];
    }
    case 'tag': {
      const untagged = current.map(target =>
        target.tag === change.tag ? { ...target, tag: undefined } : target,
      );
      const index = untagged.findIndex(
        t => t.revisionName === change.revisionName,
      );
      const next =
        index === -1
          ? [
              ...untagged,
              {
                revisionName: change.revisionName,
                percent: 0,
                tag: change.tag,
              },
            ]
          : untagged.map((target, i) =>
              i === index ? { ...target, tag: change.tag } : target,
            );
      // A target left with neither tag nor share routes nothing: drop it.
      return next
        .filter(t => t.tag !== undefined || t.percent > 0)
        .map(({ tag, ...target }) => (tag ? { ...target, tag } : target));
    }
    default:
      throw new Error(`unknown traffic change ${JSON.stringify(change)}`);
  }
}

/** One line for a commit message or a confirmation: `charge-card-v1 90 %, latest 10 % (canary)`. */
export function describeTraffic(traffic: FunctionTrafficTarget[]): string {
  return traffic
    .map(
      t =>
        `${t.revisionName ?? 'latest'} ${t.percent} %${
          t.tag ? ` (${t.tag})` : ''
        }`,
    )
    .join(', ');
}
