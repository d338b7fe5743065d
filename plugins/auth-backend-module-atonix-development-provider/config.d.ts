export interface Config {
  auth?: {
    providers?: {
      /**
       * Development-only sign-in as any User of the catalog (the portal's "Sign in as" picker), so
       * the team boundaries of the permission policy can be tried in a browser. It works only when
       * `enabled` is true, `auth.environment` is `development` (its default) and the backend runs
       * with NODE_ENV=development (`yarn start`); otherwise the provider is not registered at all.
       */
      development?: {
        /**
         * Turns the provider on. app-config.yaml sets it; app-config.production.yaml sets it to
         * false. Default false.
         * @visibility frontend
         */
        enabled?: boolean;
      };
    };
  };
}
