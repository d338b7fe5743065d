import { authServiceFactory } from '@backstage/backend-defaults/auth';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AlertmanagerProcess,
  KubeApiTestServer,
  LokiTestServer,
  demoLogStreams,
  demoObjects,
  eventually,
} from '@internal/atonix-test-servers';
import { functionReadPermission } from '@internal/backstage-plugin-atonix-serverless-common';
import { scaffolderServiceMock } from '@backstage/plugin-scaffolder-node/testUtils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { atonixServerlessRuntimesExtensionPoint } from './extensions';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import {
  functionOwnersPolicy,
  pluginRoutes,
  waitUntilSynced,
} from './__testUtils__/pluginRoutes';
import { atonixServerlessPlugin } from './plugin';
import request from 'supertest';
import { knativeRuntime } from './runtimes';

jest.setTimeout(30_000);

/** A policy that lets users read only the functions of team `search`, as a real policy would. */
const onlySearchTeam = functionOwnersPolicy(['group:default/search']);

const catalog = catalogServiceMock.factory({
  entities: [
    functionEntity('charge', 'payments', {
      'backstage.io/kubernetes-namespace': 'payments',
    }),
    functionEntity('indexer', 'search', {
      'backstage.io/kubernetes-namespace': 'search',
    }),
  ],
});

describe('atonixServerlessPlugin with no cluster configured (the local portal)', () => {
  it('starts and answers an empty fleet to signed-in users', async () => {
    const { server } = await startTestBackend({
      features: [atonixServerlessPlugin, catalog],
    });
    const api = pluginRoutes(server);
    const res = await api.get('/functions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [],
      totalCount: 0,
      offset: 0,
      limit: 50,
      clusters: [],
    });
    const health = await api.get('/health');
    expect(health.body).toEqual({ status: 'ok', clusters: [] });
  });

  it('tells the template form that OpenFaaS functions would not run, and why, until a cluster lists openfaas', async () => {
    const runtimes = async (data: object) => {
      const { server } = await startTestBackend({
        features: [
          atonixServerlessPlugin,
          catalog,
          mockServices.rootConfig.factory({ data }),
        ],
      });
      const api = pluginRoutes(server);
      const res = await api.get('/runtimes');
      expect(res.status).toBe(200);
      return res.body.items;
    };
    const [knative, openfaas] = await runtimes({});
    expect(knative).toEqual({ runtime: 'knative', provided: true });
    expect(openfaas).toEqual({
      runtime: 'openfaas',
      provided: false,
      reason: expect.stringContaining(
        'runtime: openfaas needs the OpenFaaS Pro operator, which every cluster does not run',
      ),
    });
    expect(openfaas.reason).toContain('knative-http-function template');
    expect(
      await runtimes({
        atonix: { clusters: { lab: { runtimes: ['knative', 'openfaas'] } } },
      }),
    ).toEqual([
      { runtime: 'knative', provided: true },
      { runtime: 'openfaas', provided: true },
    ]);
  });

  it('refuses requests without Backstage credentials', async () => {
    const { server } = await startTestBackend({
      features: [atonixServerlessPlugin, catalog],
    });
    const anonymous = pluginRoutes(server, mockCredentials.none.header());
    for (const path of [
      '/health',
      '/runtimes',
      '/functions',
      '/functions/a/b/c/logs',
      '/entity/component/default/charge',
    ]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    }
  });
});

describe("atonixServerlessPlugin with Backstage's own auth", () => {
  /** A backend with the real auth services and auth backend, and a guest's real user token. */
  async function signedIn() {
    const { server } = await startTestBackend({
      features: [
        atonixServerlessPlugin,
        catalog,
        authPlugin,
        guestProvider,
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: {
              environment: 'development',
              providers: {
                guest: { dangerouslyAllowOutsideDevelopment: true },
              },
            },
          },
        }),
      ],
    });
    const res = await request(server).get('/api/auth/guest/refresh');
    expect(res.status).toBe(200);
    return { server, token: res.body.backstageIdentity.token as string };
  }

  it("verifies a user token's signature once, not on every request", async () => {
    const { server, token } = await signedIn();
    const api = pluginRoutes(server, `Bearer ${token}`);
    // Every ES256 signature check in the process (jose on WebCrypto): the user info service,
    // which calls the auth backend, is the test double here, so all of them are the plugin's.
    const verify = jest.spyOn(globalThis.crypto.subtle, 'verify');
    try {
      expect((await api.get('/functions')).status).toBe(200);
      expect(verify).toHaveBeenCalledTimes(1);
      for (const path of ['/functions', '/health', '/runtimes', '/functions']) {
        expect((await api.get(path)).status).toBe(200);
      }
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it("refuses a token whose signature is not the auth backend's, and keeps the backend's own check on the routes it does not serve", async () => {
    const { server, token } = await signedIn();
    const [header, payload, signature] = token.split('.');
    const forged = [
      header,
      payload,
      // The same length, another signature.
      signature.startsWith('A')
        ? `B${signature.slice(1)}`
        : `A${signature.slice(1)}`,
    ].join('.');
    await pluginRoutes(server, `Bearer ${token}`).get('/functions');
    for (const path of [
      '/functions',
      '/health',
      '/entity/component/default/charge',
    ]) {
      const res = await pluginRoutes(server, `Bearer ${forged}`).get(path);
      expect(res.status).toBe(401);
    }
    // The permission integration routes the permission registry mounts on the plugin's router.
    const metadata = '/.well-known/backstage/permissions/metadata';
    expect((await pluginRoutes(server, '').get(metadata)).status).toBe(401);
    expect(
      (await pluginRoutes(server, `Bearer ${token}`).get(metadata)).status,
    ).toBe(200);
  });
});

describe('atonixServerlessPlugin watching a cluster', () => {
  let kube: KubeApiTestServer;
  let loki: LokiTestServer;

  beforeAll(async () => {
    kube = await KubeApiTestServer.start();
    kube.apply(...demoObjects());
    loki = await LokiTestServer.start();
    loki.push(demoLogStreams());
  });

  afterAll(async () => {
    await kube.stop();
    await loki.stop();
  });

  const kubernetes = () => ({
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'staging',
            url: kube.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: 'token',
            skipTLSVerify: true,
          },
        ],
      },
    ],
  });

  const config = () =>
    mockServices.rootConfig.factory({
      data: {
        kubernetes: kubernetes(),
        // No Prometheus: metrics must answer "unavailable" without affecting anything else.
        atonix: { clusters: { staging: { loki: loki.url } } },
      },
    });

  async function startBackend(extra: any[] = []) {
    const { server } = await startTestBackend({
      features: [atonixServerlessPlugin, catalog, config(), ...extra],
    });
    await waitUntilSynced(server);
    return server;
  }

  it('derives functions with the runtime a backend module adds through the extension point', async () => {
    const message = 'derived by the runtime of the tagged-knative module';
    const taggedKnative = createBackendModule({
      pluginId: 'atonix-serverless',
      moduleId: 'tagged-knative',
      register(env) {
        env.registerInit({
          deps: { runtimes: atonixServerlessRuntimesExtensionPoint },
          async init({ runtimes }) {
            runtimes.addRuntime({
              ...knativeRuntime,
              deriveFunction: (objects, object, cluster) => ({
                ...knativeRuntime.deriveFunction(objects, object, cluster),
                message,
              }),
            });
          },
        });
      },
    });
    const api = pluginRoutes(await startBackend([taggedKnative]));
    const res = await api.get('/functions?limit=500');
    const byRuntime = (runtime: string) =>
      res.body.items.filter((fn: any) => fn.runtime === runtime);
    expect(byRuntime('knative').length).toBeGreaterThan(0);
    expect(byRuntime('openfaas').length).toBeGreaterThan(0);
    for (const fn of byRuntime('knative')) {
      expect(fn.message).toBe(message);
    }
    for (const fn of byRuntime('openfaas')) {
      expect(fn.message).not.toBe(message);
    }
  });

  it('lists, filters and pages the fleet', async () => {
    const api = pluginRoutes(await startBackend());
    const res = await api.get(
      '/functions?team=payments,search&runtime=knative&sort=name&limit=2',
    );
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(5);
    expect(res.body.items.map((f: any) => f.name)).toEqual([
      'charge',
      'indexer',
    ]);
    expect(res.body.clusters).toEqual([
      expect.objectContaining({ name: 'staging', synced: true, stale: false }),
    ]);

    const byP95 = await api.get('/functions?sort=p95&order=desc&limit=1');
    expect(byP95.status).toBe(200);
    expect(byP95.body.items[0].metrics).toEqual({
      unavailable: expect.stringContaining(
        'atonix.clusters.staging.prometheus',
      ),
    });

    const bad = await api.get('/functions?runtime=lambda&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    expect(bad.body.error.message).toContain('runtime');
  });

  it('returns one function with its revisions and env, secrets as references only', async () => {
    const api = pluginRoutes(await startBackend());
    const res = await api.get('/functions/staging/payments/charge');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'charge',
      entityRef: 'component:default/charge',
      owner: 'group:default/payments',
    });
    expect(res.body.env).toContainEqual({
      name: 'STRIPE_API_KEY',
      secretKeyRef: { name: 'charge-secrets', key: 'stripe-api-key' },
    });
    const missing = await api.get('/functions/staging/payments/nope');
    expect(missing.status).toBe(404);
  });

  it('serves logs from Loki and answers metrics "unavailable" when Prometheus is not configured', async () => {
    const api = pluginRoutes(await startBackend());
    const logs = await api.get(
      '/functions/staging/payments/charge/logs?since=1h&filter=declined',
    );
    expect(logs.status).toBe(200);
    expect(logs.body.lines.map((l: any) => l.line)).toEqual([
      '{"level":"error","msg":"card declined","code":"insufficient_funds"}',
    ]);
    const metrics = await api.get(
      '/functions/staging/payments/charge/metrics?window=1h',
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body.unavailable).toContain(
      'atonix.clusters.staging.prometheus',
    );
  });

  it('resolves a catalog entity to its functions', async () => {
    const api = pluginRoutes(await startBackend());
    const res = await api.get('/entity/component/default/charge');
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('component:default/charge');
    expect(
      res.body.items.map((f: any) => `${f.cluster}/${f.namespace}/${f.name}`),
    ).toEqual(['staging/payments/charge']);
  });

  it('denies metrics and logs to users outside the owning team when the policy says so', async () => {
    const api = pluginRoutes(await startBackend([onlySearchTeam.factory]));
    const list = await api.get('/functions');
    // The conditional decision is applied: payments' functions are not listed, nor thumbnail,
    // whose owner is unknown (no catalog entity).
    expect(list.body.items.map((f: any) => f.name).sort()).toEqual(['indexer']);

    for (const part of ['', '/metrics', '/logs']) {
      const denied = await api.get(`/functions/staging/payments/charge${part}`);
      expect(denied.status).toBe(403);
      expect(denied.body.error.name).toBe('NotAllowedError');
      expect(denied.body.error.message).toContain(
        'it is for members of its owner group:default/payments',
      );
    }
    const allowed = await api.get('/functions/staging/search/indexer/logs');
    expect(allowed.status).toBe(200);
    expect(allowed.body.lines).toHaveLength(1);
    expect(onlySearchTeam.authorizeConditional).toHaveBeenCalledWith(
      [{ permission: functionReadPermission }],
      expect.anything(),
    );
  });

  it("writes a function's secret only for its owners, through the function-secret template, and echoes the value nowhere", async () => {
    const plaintext = 'sk_live_route_4eC39HqLyjWDarjtT1zdp7dc';
    const ownersOfSearch = functionOwnersPolicy(['group:default/search']);
    const scaffolder = scaffolderServiceMock.mock({
      scaffold: async () => ({ taskId: 'task-1' }),
    });
    const logger = mockServices.logger.mock();
    const api = pluginRoutes(
      await startBackend([
        ownersOfSearch.factory,
        scaffolder.factory,
        logger.factory,
      ]),
    );
    const post = (fn: string, body: object) =>
      api.post(`/functions/staging/${fn}/secrets`, body);
    const secret = {
      name: 'indexer-token',
      key: 'token',
      value: plaintext,
      envName: 'INDEX_TOKEN',
    };

    const denied = await post('payments/charge', secret);
    expect(denied.status).toBe(403);
    expect(denied.body.error.name).toBe('NotAllowedError');
    expect(denied.body.error.message).toContain('atonix.function.secret.write');
    const invalid = await post('search/indexer', { ...secret, key: 'a key' });
    expect(invalid.status).toBe(400);
    expect(scaffolder.scaffold).not.toHaveBeenCalled();

    const accepted = await post('search/indexer', secret);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ taskId: 'task-1' });
    expect(scaffolder.scaffold).toHaveBeenCalledTimes(1);
    const [task] = scaffolder.scaffold.mock.calls[0];
    expect(task).toEqual({
      templateRef: 'template:default/function-secret',
      values: {
        team: 'group:default/search',
        function: 'component:default/indexer',
        name: 'indexer-token',
        key: 'token',
        value: '*'.repeat(plaintext.length),
        envName: 'INDEX_TOKEN',
      },
      secrets: { value: plaintext },
    });
    for (const answer of [denied, invalid, accepted]) {
      expect(JSON.stringify(answer.body)).not.toContain(plaintext);
    }
    const logged = Object.values(logger).flatMap(fn =>
      jest.isMockFunction(fn) ? fn.mock.calls : [],
    );
    expect(JSON.stringify(logged)).not.toContain(plaintext);
  });

  it('never lets a guessed owner in: a function not linked to a catalog entity is denied as "not linked yet"', async () => {
    const teamLabelIsSearch = functionOwnersPolicy(['group:default/search']);
    const api = pluginRoutes(await startBackend([teamLabelIsSearch.factory]));
    // thumbnail's team label says search, the user's team, but no catalog entity names it: its
    // owner group:default/search is only a guess.
    const denied = await api.get(
      '/functions/staging/openfaas-fn/thumbnail/logs',
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      'atonix.function.logs.read on function openfaas-fn/thumbnail: it is for its owners and the function is not linked yet to a catalog entity',
    );
  });

  it('lets the permission backend apply IS_FUNCTION_OWNER to functions by resource ref', async () => {
    const server = await startBackend();
    const condition = (claims: string[]) => ({
      rule: 'IS_FUNCTION_OWNER',
      resourceType: 'atonix-function',
      params: { claims },
    });
    const asService = pluginRoutes(server, mockCredentials.service.header());
    const res = await asService.post(
      '/.well-known/backstage/permissions/apply-conditions',
      {
        items: [
          {
            id: 'own',
            resourceRef: 'staging/payments/charge',
            resourceType: 'atonix-function',
            conditions: condition(['group:default/payments']),
          },
          {
            id: 'other',
            resourceRef: 'staging/search/indexer',
            resourceType: 'atonix-function',
            conditions: condition(['group:default/payments']),
          },
        ],
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: 'own', result: 'ALLOW' },
      { id: 'other', result: 'DENY' },
    ]);
  });

  it('lists nothing to a user the policy denies outright', async () => {
    const denyAll = mockServices.permissions.mock({
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.DENY })),
    });
    const { server } = await startTestBackend({
      features: [atonixServerlessPlugin, catalog, config(), denyAll.factory],
    });
    const api = pluginRoutes(server);
    const res = await api.get('/functions');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  describe('with an Alertmanager', () => {
    let alertmanager: AlertmanagerProcess;

    beforeAll(async () => {
      alertmanager = await AlertmanagerProcess.start();
      await alertmanager.post([
        {
          labels: {
            alertname: 'FunctionErrorBudgetFastBurn',
            team: 'payments',
            function: 'charge',
            severity: 'critical',
            namespace: 'payments',
          },
          annotations: { summary: 'payments/charge burns its error budget' },
        },
      ]);
    });

    afterAll(() => alertmanager?.stop());

    async function startWithAlerts(extra: any[] = []) {
      const { server } = await startTestBackend({
        features: [
          atonixServerlessPlugin,
          catalog,
          mockServices.rootConfig.factory({
            data: {
              kubernetes: kubernetes(),
              atonix: {
                clusters: { staging: { alertmanager: alertmanager.url } },
                alerts: { refreshSeconds: 1 },
              },
            },
          }),
          ...extra,
        ],
      });
      await waitUntilSynced(server);
      return server;
    }

    it("shows a function's firing alerts and lists only alerting functions on request", async () => {
      const api = pluginRoutes(await startWithAlerts());
      const alerting = await eventually(async () => {
        const res = await api.get('/functions?alerting=true');
        expect(res.body.items.map((f: any) => f.name)).toEqual(['charge']);
        return res.body.items[0];
      });
      expect(alerting.alerts).toEqual({ firing: 1, severity: 'critical' });
      const res = await api.get('/functions/staging/payments/charge/alerts');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        firing: [
          expect.objectContaining({
            name: 'FunctionErrorBudgetFastBurn',
            severity: 'critical',
            state: 'firing',
            summary: 'payments/charge burns its error budget',
          }),
        ],
        resolved: [],
      });
    });

    it('keeps alerts to those who may read the metrics', async () => {
      const api = pluginRoutes(await startWithAlerts([onlySearchTeam.factory]));
      const denied = await api.get('/functions/staging/payments/charge/alerts');
      expect(denied.status).toBe(403);
      const alerting = await api.get('/functions?alerting=true');
      expect(alerting.body.items).toEqual([]);
    });
  });
});
