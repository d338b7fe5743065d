export interface Config {
  /** Atonix Serverless: per-cluster settings beside the clusters that `kubernetes` configures. */
  atonix?: {
    /**
     * Extra settings per cluster, keyed by the cluster's `name` in
     * `kubernetes.clusterLocatorMethods`, so a cluster is configured once for both the stock
     * Kubernetes plugin and this one.
     */
    clusters?: {
      [clusterName: string]: {
        /**
         * Base URL of the Prometheus HTTP API that scrapes this cluster's Knative queue-proxies and
         * OpenFaaS gateway, e.g. `http://prometheus.monitoring:9090`.
         */
        prometheus?: string;
        /** Base URL of the Loki HTTP API that receives this cluster's logs, e.g. `http://loki.logging:3100`. */
        loki?: string;
      };
    };
  };
}
