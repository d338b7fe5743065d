import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';

/** One cluster to watch, with the Prometheus, Alertmanager and Loki that serve it. */
export interface AtonixCluster {
  name: string;
  url: string;
  serviceAccountToken?: string;
  skipTLSVerify: boolean;
  caData?: string;
  caFile?: string;
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  lokiUrl?: string;
  lokiLabels: { namespace: string; function: string; revision: string };
  openfaasGateway?: string;
  /** Where test requests enter the cluster: its ingress, with the function's host as Host header. */
  ingressUrl?: string;
  /** Base URL of Flux's notification-controller webhook receiver, for "Sync now". */
  fluxReceiverUrl?: string;
}

/**
 * Reads the clusters from the stock Kubernetes plugin's `kubernetes.clusterLocatorMethods` (the
 * `type: config` locators) and joins each with its `atonix.clusters.<name>` entry. Clusters this
 * plugin cannot authenticate to are skipped with a warning that says what to change.
 */
export function readAtonixClusters(
  config: Config,
  logger: LoggerService,
): AtonixCluster[] {
  const clusters: AtonixCluster[] = [];
  const locators =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const locator of locators) {
    if (locator.getString('type') !== 'config') {
      logger.warn(
        `Atonix Serverless reads only clusters of "type: config" locators; a "${locator.getString(
          'type',
        )}" locator in kubernetes.clusterLocatorMethods is ignored`,
      );
      continue;
    }
    for (const cluster of locator.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      const authProvider =
        cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') {
        logger.warn(
          `Atonix Serverless skips cluster "${name}": authProvider "${authProvider}" is not supported; use authProvider: serviceAccount with serviceAccountToken`,
        );
        continue;
      }
      const extra = config.getOptionalConfig(`atonix.clusters.${name}`);
      clusters.push({
        name,
        url: cluster.getString('url').replace(/\/+$/, ''),
        serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        prometheusUrl: extra
          ?.getOptionalString('prometheus')
          ?.replace(/\/+$/, ''),
        alertmanagerUrl: extra
          ?.getOptionalString('alertmanager')
          ?.replace(/\/+$/, ''),
        lokiUrl: extra?.getOptionalString('loki')?.replace(/\/+$/, ''),
        lokiLabels: {
          namespace:
            extra?.getOptionalString('lokiLabels.namespace') ?? 'namespace',
          function:
            extra?.getOptionalString('lokiLabels.function') ??
            'backstage_io_kubernetes_id',
          revision:
            extra?.getOptionalString('lokiLabels.revision') ??
            'serving_knative_dev_revision',
        },
        openfaasGateway: extra
          ?.getOptionalString('openfaasGateway')
          ?.replace(/\/+$/, ''),
        ingressUrl: extra?.getOptionalString('ingress')?.replace(/\/+$/, ''),
        fluxReceiverUrl: extra
          ?.getOptionalString('fluxReceiver')
          ?.replace(/\/+$/, ''),
      });
    }
  }
  return clusters;
}
