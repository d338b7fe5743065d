import { parseFunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { writeFunctionFolder } from '@internal/backstage-plugin-atonix-serverless-node';
import { join } from 'node:path';

/**
 * The payments team's charge-card HTTP function, rendered into the workspace's GitOps checkout
 * (`gitops-repo/gitops/functions/payments/charge-card`) with its image not yet pinned to a
 * commit, as `atonix:function:manifests` leaves it before `atonix:function:image` runs.
 */
export async function writeUnpinnedChargeCard(workspacePath: string) {
  const parsed = parseFunctionSpec({
    name: 'charge-card',
    team: 'payments',
    image: 'ghcr.io/atonixcorp/charge-card',
    trigger: { type: 'http' },
  });
  if (!parsed.success) throw new Error('fixture spec is invalid');
  await writeFunctionFolder(
    join(workspacePath, 'gitops-repo/gitops'),
    parsed.spec,
  );
}
