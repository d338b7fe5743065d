import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  FunctionStatus,
  SyncResponse,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { AtonixCluster } from '../clusters';
import type { ClusterObjects, RecordOf } from '../extensions';
import type { FluxResources } from '../inventory/resources';
import { UpstreamClient } from '../upstream';

/**
 * "Sync now": asks Flux to reconcile a function's Kustomization through the notification-controller
 * Receiver of its namespace (one per team, gitops/tenants/base/receiver.yaml), so the portal needs
 * no write access to any cluster. The webhook's path comes from the Receiver's `status.webhookPath`
 * (`/hook/sha256(token+name+namespace)`, notification-controller api v1.9.4,
 * v1/receiver_types.go:215-218); the token itself never leaves the cluster.
 */
export class FluxSync extends UpstreamClient {
  async sync(
    cluster: AtonixCluster,
    fn: FunctionStatus,
    objects: ClusterObjects<FluxResources> | undefined,
  ): Promise<SyncResponse> {
    if (!fn.flux) {
      throw new InputError(
        `Function ${fn.namespace}/${fn.name} was not applied by a Flux Kustomization, so there is nothing to sync; add its folder to the GitOps repository`,
      );
    }
    if (!cluster.fluxReceiverUrl) {
      throw new ServiceUnavailableError(
        `Cluster "${cluster.name}" has no Flux webhook receiver configured; set atonix.clusters.${cluster.name}.fluxReceiver to the base URL of its notification-controller receiver (e.g. http://webhook-receiver.flux-system)`,
      );
    }
    const { namespace, kustomization } = fn.flux;
    const receiver = objects
      ?.list('receiver', namespace)
      .find(r => reconciles(r, namespace, kustomization));
    if (!receiver) {
      throw new NotFoundError(
        `No Flux Receiver in namespace ${namespace} reconciles Kustomization ${kustomization}; every team gets one from gitops/tenants/base/receiver.yaml`,
      );
    }
    const receiverName = `${namespace}/${receiver.name}`;
    const path = receiver.webhookPath;
    if (!path) {
      const { ready } = receiver;
      throw new ServiceUnavailableError(
        `Flux Receiver ${receiverName} has no webhook path yet (${
          ready?.message ?? 'not reconciled'
        }); check that its token Secret exists`,
      );
    }
    const previous = objects?.get(
      'kustomization',
      namespace,
      kustomization,
    )?.lastHandledReconcileAt;
    const requestedAt = new Date().toISOString();
    const response = await this.fetchUpstream(
      `${cluster.fluxReceiverUrl}${path}`,
      `The Flux webhook receiver of cluster "${cluster.name}"`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    ).catch(error => {
      throw new ServiceUnavailableError(error.message);
    });
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `Flux Receiver ${receiverName} answered ${response.status}: ${(
          await response.text()
        ).slice(0, 300)}`,
      );
    }
    return {
      receiver: receiverName,
      kustomization: `${namespace}/${kustomization}`,
      ...(previous ? { previousReconcileAt: previous } : {}),
      requestedAt,
    };
  }
}

function reconciles(
  receiver: RecordOf<FluxResources['receiver']>,
  namespace: string,
  kustomization: string,
): boolean {
  return receiver.resources.some(
    r =>
      r.kind === 'Kustomization' &&
      (r.name === kustomization || r.name === '*') &&
      (r.namespace ?? namespace) === namespace,
  );
}
