import { FunctionPlacement } from '@internal/backstage-plugin-atonix-serverless-common';

/** Function `name` of `team` running in `cluster`, as a placement event of the backend says. */
export const running = (
  name: string,
  cluster = 'production',
  team = 'payments',
): FunctionPlacement => ({
  cluster,
  namespace: team,
  name,
  team,
  runtime: 'knative',
  critical: false,
});
