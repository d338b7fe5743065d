import { createApiRef } from '@backstage/frontend-plugin-api';

/** What the backend says about itself. */
export interface BackendHealth {
  status: 'ok';
}

/** The frontend's only way to the Atonix Serverless backend. */
export interface AtonixServerlessApi {
  getHealth(): Promise<BackendHealth>;
}

export const atonixServerlessApiRef = createApiRef<AtonixServerlessApi>().with({
  id: 'plugin.atonix-serverless.service',
  pluginId: 'atonix-serverless',
});
