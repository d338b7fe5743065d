export interface Config {
  permission?: {
    /**
     * The Atonix permission policy (plugins/permission-backend-module-atonix-policy). Every key is
     * optional; the defaults are the table in the README's "Who can do what".
     *
     * Who may do something is one of:
     * - `everyone`: every signed-in user;
     * - `owners`: members of the owning Group (a function's catalog entity `spec.owner`, an
     *   entity's `spec.owner`) and the platform team;
     * - `platform`: the platform team only.
     */
    atonix?: {
      /**
       * Entity ref of the Group that runs the platform. Its members may do everything. Membership is
       * the user's ownership claims at sign-in (the Group itself, not its parent or children).
       * Default `group:default/platform`.
       * @visibility backend
       */
      platformTeam?: string;
      /**
       * Who may do what with a function (the `atonix.function.*` permissions). An owner-only
       * permission is denied to everyone but the platform team while the function is not linked
       * to its catalog entity yet: its owner is then unknown, and never guessed from its team label.
       */
      functions?: {
        /**
         * `atonix.function.read`: its status (health, replicas, URL, triggers) in the Functions page,
         * the entity card and the entity tab's header. Default `everyone`.
         * @visibility backend
         */
        read?: 'everyone' | 'owners' | 'platform';
        /**
         * `atonix.function.logs.read`: its logs. Default `owners`.
         * @visibility backend
         */
        logs?: 'everyone' | 'owners' | 'platform';
        /**
         * `atonix.function.metrics.read`: its metrics charts. Default `owners`.
         * @visibility backend
         */
        metrics?: 'everyone' | 'owners' | 'platform';
        /**
         * `atonix.function.environment.read`: its image, environment variables and revisions.
         * Default `owners`.
         * @visibility backend
         */
        environment?: 'everyone' | 'owners' | 'platform';
        /**
         * `atonix.function.invoke`: sending it a test request. Default `owners`.
         * @visibility backend
         */
        invoke?: 'everyone' | 'owners' | 'platform';
        /**
         * `atonix.function.secret.write`: adding or replacing its secrets. Default `owners`.
         * @visibility backend
         */
        secretWrite?: 'everyone' | 'owners' | 'platform';
        /**
         * `atonix.function.traffic.update`: splitting traffic between its revisions. Default `owners`.
         * @visibility backend
         */
        traffic?: 'everyone' | 'owners' | 'platform';
        /**
         * `atonix.function.sync`: asking Flux to reconcile it now. Default `owners`.
         * @visibility backend
         */
        sync?: 'everyone' | 'owners' | 'platform';
      };
      /** Who may change catalog entities (the catalog's own permissions). */
      catalog?: {
        /**
         * `catalog.entity.delete`: unregistering an entity. Default `owners` (the entity's
         * `spec.owner`).
         * @visibility backend
         */
        entityDelete?: 'everyone' | 'owners' | 'platform';
        /**
         * `catalog.entity.refresh`: refreshing an entity now. Default `owners`.
         * @visibility backend
         */
        entityRefresh?: 'everyone' | 'owners' | 'platform';
      };
      /** Who may use which Software Template (catalog and scaffolder permissions). */
      templates?: {
        /**
         * Templates whose `spec.type` is in this list are for the platform team only: hidden from
         * everyone else (`catalog.entity.read`), and their action `atonix:team:onboard` refused
         * (`scaffolder.action.execute`). Default `[team]` (the team-onboarding template).
         * @visibility backend
         */
        platformOnlyTypes?: string[];
        /**
         * When true, `atonix:function:manifests` (every function template) runs only for a
         * `spec.team` that is one of the user's own Groups, so the Create page refuses other teams
         * before anything is written, as the action does with `atonix.scaffolder.restrictToOwnTeams`.
         * Default true.
         * @visibility backend
         */
        ownTeamsOnly?: boolean;
      };
    };
  };
}
