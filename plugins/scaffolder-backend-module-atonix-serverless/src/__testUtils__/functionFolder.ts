import { parseFunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { writeFunctionFolder } from '@internal/backstage-plugin-atonix-serverless-node';
import { join } from 'node:path';

/** The charge-card fixture's folder in the workspace: the GitOps checkout plus its gitopsPath. */
export const CHARGE_CARD_PATH =
  'gitops-repo/gitops/functions/payments/charge-card';

/**
 * The payments team's charge-card HTTP function, rendered into the workspace's GitOps checkout at
 * {@link CHARGE_CARD_PATH}. As it is, its image is not yet pinned to a commit, as
 * `atonix:function:manifests` leaves it before `atonix:function:image` runs; `spec` changes that
 * (a pinned image, a named revision).
 */
export async function writeChargeCard(
  workspacePath: string,
  spec: Record<string, unknown> = {},
) {
  const parsed = parseFunctionSpec({
    name: 'charge-card',
    team: 'payments',
    image: 'ghcr.io/atonixcorp/charge-card',
    trigger: { type: 'http' },
    ...spec,
  });
  if (!parsed.success) throw new Error('fixture spec is invalid');
  await writeFunctionFolder(
    join(workspacePath, 'gitops-repo/gitops'),
    parsed.spec,
  );
}
