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
        /**
         * Base URL of the Alertmanager that receives this cluster's alerts, e.g.
         * `http://alertmanager-operated.monitoring:9093`. Its API v2 is read for the functions'
         * alerts (those labelled `team` and `function`); without it they answer "unavailable".
         */
        alertmanager?: string;
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
        /**
         * Base URL the backend sends test requests to ("Test" on the Serverless tab): the cluster's
         * ingress (Kourier, Contour, Istio gateway), e.g. `http://kourier.kourier-system`. Each
         * request carries the function's (or revision tag's) URL host as its Host header, so the
         * ingress routes it as it would a request from outside. Without it, testing answers 503.
         */
        ingress?: string;
        /**
         * Base URL of Flux's notification-controller webhook receiver, e.g.
         * `http://webhook-receiver.flux-system`. "Sync now" posts to `<this><status.webhookPath>` of
         * the function team's Receiver (gitops/tenants/base/receiver.yaml). Without it, syncing
         * answers 503.
         */
        fluxReceiver?: string;
      };
    };
    /** Testing functions from the portal. */
    invoke?: {
      /** Timeout of one test request, in seconds. Default 10. */
      timeoutSeconds?: number;
      /** The response body shown is cut after this many bytes. Default 65536. */
      maxBodyBytes?: number;
      /** Test requests (and syncs) one user may send per minute. Default 30. */
      perUserPerMinute?: number;
    };
    /**
     * The GitOps repository, where the backend reads a function's saved test events
     * (`gitops/functions/<team>/<name>/events/*.json`). The same block as the catalog provider's
     * `gitops`: `type` `url` (default; a tree URL read through the integrations), `git` (a clone URL,
     * with `branch`, default `main`) or `dir` (a folder). Without it, saved events answer 503.
     */
    gitops?: {
      type?: 'url' | 'git' | 'dir';
      target: string;
      branch?: string;
    };
    /** How the backend talks to clusters, Prometheus and Loki. */
    inventory?: {
      /**
       * A watch that delivers no event and no bookmark for this long is considered hung and is
       * restarted (API servers send a bookmark about once a minute). Default 90.
       */
      watchIdleTimeoutSeconds?: number;
      /**
       * Timeout of each list call to an API server, and of the watch connection's TLS handshake,
       * a watch's first answer and an HTTP/2 PING. Default 30.
       */
      listTimeoutSeconds?: number;
      /** First retry delay after a failed list or watch; doubles up to 30 s. Default 1. */
      retryBaseSeconds?: number;
      /** How often catalog entities are read to fill `entityRef` and owners. Default 60. */
      catalogRefreshSeconds?: number;
    };
    /**
     * How long a caller's decision on a function permission (owner-only routes, which functions
     * the list shows) is reused before the permission backend is asked again, in seconds, per user
     * and ownership claims. Default 10; 0 asks on every request.
     */
    permissionDecisionSeconds?: number;
    /** Timeout of each Prometheus and Loki HTTP call, in seconds. Default 5. */
    queryTimeoutSeconds?: number;
    /**
     * How often the request rate, error rate and p95 of every function (the Functions page's
     * columns and sorts) are read from each cluster's Prometheus, in seconds. Default 30.
     */
    fleetMetricsRefreshSeconds?: number;
    /** The functions' alerts, read from each cluster's Alertmanager. */
    alerts?: {
      /** How often every Alertmanager is read, in seconds; owners hear of a change this late. Default 30. */
      refreshSeconds?: number;
      /** How long a resolved alert stays in the list, in hours. Default 24. */
      resolvedRetentionHours?: number;
    };
  };
}
