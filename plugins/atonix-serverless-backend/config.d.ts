export interface Config {
  /**
   * Atonix Serverless. The clusters themselves come from `kubernetes.clusterLocatorMethods` (the
   * stock Kubernetes plugin's configuration): every cluster of a `type: config` locator with
   * `authProvider: serviceAccount` is watched, using its `name`, `url`, `serviceAccountToken`,
   * `skipTLSVerify`, `caData` and `caFile`. Clusters with other auth providers are skipped with a
   * warning. The service account needs `get`, `list`, `watch` on Knative Serving/Eventing and
   * sources, OpenFaaS Functions, Deployments and Flux Kustomizations; nothing else.
   */
  atonix?: {
    /**
     * Extra settings per cluster, keyed by the cluster's `name` in
     * `kubernetes.clusterLocatorMethods`, so a cluster is configured once for both the stock
     * Kubernetes plugin and this one. A cluster without an entry here is still watched; its
     * metrics and logs answer "unavailable".
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
        /**
         * Loki label names the log shipper gives to a pod's namespace, function and Knative
         * revision. Defaults: `namespace`, `backstage_io_kubernetes_id` (the pod label
         * `backstage.io/kubernetes-id`), `serving_knative_dev_revision`.
         */
        lokiLabels?: {
          namespace?: string;
          function?: string;
          revision?: string;
        };
        /**
         * Public base URL of the OpenFaaS gateway; OpenFaaS functions get the URL
         * `<gateway>/function/<name>`. Without it they have no URL.
         */
        openfaasGateway?: string;
      };
    };
    /** How the backend talks to clusters, Prometheus and Loki. */
    inventory?: {
      /**
       * A watch that delivers no event and no bookmark for this long is considered hung and is
       * restarted (API servers send a bookmark about once a minute). Default 90.
       */
      watchIdleTimeoutSeconds?: number;
      /** Timeout of each list call to an API server. Default 30. */
      listTimeoutSeconds?: number;
      /** First retry delay after a failed list or watch; doubles up to 30 s. Default 1. */
      retryBaseSeconds?: number;
      /** How often catalog entities are read to fill `entityRef` and owners. Default 60. */
      catalogRefreshSeconds?: number;
    };
    /** Timeout of each Prometheus and Loki HTTP call, in seconds. Default 5. */
    queryTimeoutSeconds?: number;
    /**
     * How often the request rate, error rate and p95 of every function (the Functions page's
     * columns and sorts) are read from each cluster's Prometheus, in seconds. Default 30.
     */
    fleetMetricsRefreshSeconds?: number;
  };
}
