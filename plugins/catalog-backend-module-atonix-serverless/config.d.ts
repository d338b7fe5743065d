import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The catalog module of Atonix Serverless: one Component per function folder of a GitOps
       * repository, one Group per tenant, and drift against what the clusters run. One provider
       * per key (the provider id); instances read different GitOps repositories, whose functions
       * and teams must not overlap.
       */
      atonixServerless?: {
        [providerId: string]: {
          /** Where the GitOps repository is read from. */
          gitops: {
            /**
             * How `target` is read. `url` (the default): through the backend's URL readers, e.g. a
             * GitHub tree URL `https://github.com/AtonixCorp/gitops/tree/main`, with the `integrations`
             * credentials. `git`: a shallow clone of an unauthenticated git-over-HTTP repository, e.g.
             * the local git server of `./run start`. `dir`: a folder on the backend's disk (a checkout).
             * @visibility backend
             */
            type?: 'url' | 'git' | 'dir';
            /**
             * The repository's root: a tree URL (`url`), a clone URL (`git`) or a folder path relative
             * to the backend's working directory (`dir`). Functions are read from
             * `gitops/functions/<team>/<function>/function.yaml`, teams from `gitops/tenants/<team>/`.
             * @visibility backend
             */
            target: string;
            /**
             * Branch to clone when `type` is `git`. Default `main`.
             * @visibility backend
             */
            branch?: string;
            /**
             * Browsable address of the repository's root, for the entities' "GitOps folder" links when
             * `target` is not one (a clone URL or a folder). Default: `target` when `type` is `url`;
             * no link otherwise.
             * @visibility backend
             */
            webUrl?: string;
            /**
             * How often the tree (and the clusters' inventory) is read again; every read replaces all
             * of the provider's entities, so deleted folders leave the catalog. Default every 5
             * minutes with a 3 minute timeout.
             * @visibility backend
             */
            schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
          };
          /** Team Groups. */
          groups?: {
            /**
             * `gitops` (the default): one Group per folder of `gitops/tenants`, so onboarding a team
             * in the GitOps repository creates it in the catalog. `external`: Groups come from
             * elsewhere (an identity provider's org module, a catalog file) and the provider emits none.
             * @visibility backend
             */
            source?: 'gitops' | 'external';
            /**
             * Name of a Group (from another source) set as `spec.parent` of every team Group emitted.
             * @visibility backend
             */
            parent?: string;
          };
          /**
           * Address of a function's own repository, with `{name}` and `{team}` replaced, e.g.
           * `https://github.com/AtonixCorp/{name}`. Sets the entity's `backstage.io/source-location`
           * and its "Source repository" link. No link when unset.
           * @visibility backend
           */
          functionRepositoryUrl?: string;
          /** Drift between the GitOps repository and the clusters. */
          drift?: {
            /**
             * Whether to compare with the functions the clusters run, as the Atonix Serverless backend
             * (`/api/atonix-serverless/functions`) reports them. Default true.
             * @visibility backend
             */
            enabled?: boolean;
            /**
             * The clusters every GitOps function must run in. Default: every cluster the backend has
             * synced. Clusters not synced yet are never counted as missing a function.
             * @visibility backend
             */
            clusters?: string[];
          };
        };
      };
    };
  };
}
