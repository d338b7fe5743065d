export interface Config {
  atonix?: {
    /**
     * Settings per cluster, keyed by the cluster's name (its folder in the GitOps repository's
     * `gitops/clusters/`, and its `name` in `kubernetes.clusterLocatorMethods`).
     */
    clusters?: {
      [clusterName: string]: {
        /**
         * The function runtimes this cluster runs, of `knative` and `openfaas`. Default
         * `[knative]`, what gitops/ installs: OpenFaaS there is Community Edition, which runs no
         * Function objects; list `openfaas` only for a cluster with the `openfaas-pro` component.
         * `atonix:function:manifests` refuses a runtime that any cluster of the GitOps checkout
         * lacks, since every cluster syncs every team's functions; the Atonix backend's
         * `GET /runtimes` answers the same for the template form (`AtonixRuntime` field).
         * @visibility backend
         */
        runtimes?: Array<'knative' | 'openfaas'>;
      };
    };
    /**
     * How the `atonix:*` scaffolder actions publish what the templates generate. The Atonix backend
     * reads it too: traffic changes are committed to the same GitOps repository.
     */
    scaffolder?: {
      /**
       * Whether a user may only create functions for, and onboard under, teams they belong to
       * (their ownership entity refs). Default true.
       * @visibility backend
       */
      restrictToOwnTeams?: boolean;
      /**
       * Where templates publish. `local`: the local git server of `./run start` (commits straight
       * to the GitOps repository's branch); `github`: `publish:github`, a pull request on the GitOps
       * repository, `catalog:register`. Default `github`.
       * @visibility frontend
       */
      publishTarget?: 'local' | 'github';
      /**
       * GitHub organisation (or local owner folder) of function repositories and the GitOps repository.
       * @visibility backend
       */
      owner: string;
      /**
       * Host of the GitHub integration used when `publishTarget` is `github`. Default `github.com`.
       * @visibility backend
       */
      githubHost?: string;
      /**
       * Base URL of the local git server (packages/local-git-server), e.g. `http://127.0.0.1:7011`.
       * Required when `publishTarget` is `local`.
       * @visibility backend
       */
      localGitBaseUrl?: string;
      /**
       * OCI registry path function images are pushed to; the image repository is `<imageRegistry>/<name>`.
       * @visibility backend
       */
      imageRegistry: string;
      /** The GitOps repository that Flux reconciles (holds `gitops/functions`, `gitops/tenants`). */
      gitops: {
        /**
         * Repository name under `owner`.
         * @visibility backend
         */
        repo: string;
        /**
         * Branch Flux reconciles. Default `main`.
         * @visibility backend
         */
        branch?: string;
      };
    };
  };
}
