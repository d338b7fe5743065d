import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  Permission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { eventually } from '@internal/atonix-test-servers';
import {
  atonixFunctionConditions,
  createAtonixFunctionConditionalDecision,
} from '@internal/backstage-plugin-atonix-serverless-node';
import request from 'supertest';

type Server = Parameters<typeof request>[0];

/**
 * The plugin's routes on a test backend, called as the frontend calls them: `path` is below
 * `/api/atonix-serverless`, and every request carries a signed-in user's token unless
 * `authorization` names other credentials.
 */
export function pluginRoutes(
  server: Server,
  authorization: string = mockCredentials.user.header(),
) {
  const url = (path: string) => `/api/atonix-serverless${path}`;
  return {
    get: (path: string) =>
      request(server).get(url(path)).set('Authorization', authorization),
    /** POSTs `body` as JSON, or nothing when there is none. */
    post: (path: string, body?: object) => {
      const req = request(server)
        .post(url(path))
        .set('Authorization', authorization);
      return body ? req.send(body) : req;
    },
  };
}

/** Waits until the plugin's health says its (first) cluster is listed and watched. */
export async function waitUntilSynced(server: Server, timeoutMs?: number) {
  await eventually(async () => {
    const res = await pluginRoutes(server).get('/health');
    expect(res.body.clusters[0].synced).toBe(true);
  }, timeoutMs);
}

/** A permission policy that denies the given permissions and allows everything else. */
export function permissionsDenying(...denied: Permission[]) {
  const names = denied.map(permission => permission.name);
  return mockServices.permissions.mock({
    authorizeConditional: async requests =>
      requests.map(({ permission }) => ({
        result: names.includes(permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
  });
}

/**
 * A permission policy, as a real one decides for a user of the groups `claims`: each function
 * permission is allowed on the functions those groups own (IS_FUNCTION_OWNER), applied by the plugin.
 */
export function functionOwnersPolicy(claims: string[]) {
  return mockServices.permissions.mock({
    authorizeConditional: async requests =>
      requests.map(({ permission }) =>
        createAtonixFunctionConditionalDecision(
          permission as ResourcePermission<'atonix-function'>,
          atonixFunctionConditions.isFunctionOwner({ claims }),
        ),
      ),
  });
}
