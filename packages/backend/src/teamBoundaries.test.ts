import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { RELATION_MEMBER_OF } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogTemplateKindModule from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import {
  FIXTURE_CRDS,
  KubeApiServerProcess,
  LokiTestServer,
  demoLogStreams,
  demoObjects,
  eventually,
  runScaffolderTask,
} from '@internal/atonix-test-servers';
import { LocalGitServer } from '@internal/atonix-local-git-server';
import atonixServerlessPlugin from '@internal/backstage-plugin-atonix-serverless-backend';
import permissionModuleAtonixPolicy from '@internal/backstage-plugin-permission-backend-module-atonix-policy';
import scaffolderModuleAtonixServerless from '@internal/backstage-plugin-scaffolder-backend-module-atonix-serverless';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';

/**
 * Who can do what, end to end: the real catalog (SQLite) reading catalog/org.yaml and templates/
 * from this checkout, the permission backend with the Atonix policy as app-config.yaml configures
 * it, the Atonix Serverless backend watching a Kubernetes API server with the demo functions, and
 * the real scaffolder running the function template against a local git server. Users of two teams
 * and of the platform team call each route; the table printed at the end is the README's "Who can
 * do what", measured.
 */

jest.setTimeout(180_000);

const REPO_ROOT = resolve(__dirname, '../../..');
/** The shipped configuration's parts this table is about: the policy and the scaffolder's own check. */
const APP_CONFIG = parse(
  readFileSync(join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
);

const USERS = {
  ada: 'payments',
  sam: 'analytics',
  pat: 'platform',
} as const;
type UserName = keyof typeof USERS;
const userRef = (name: UserName) => `user:default/${name}`;

/**
 * What the auth backend's catalog sign-in puts into a user's token: the user and the Groups it is
 * a member of (memberOf relations), read here from the real catalog.
 */
const ownershipFromCatalog = createServiceFactory({
  service: coreServices.userInfo,
  deps: { catalog: catalogServiceRef, auth: coreServices.auth },
  factory: ({ catalog, auth }) => ({
    async getUserInfo(credentials) {
      if (!auth.isPrincipal(credentials, 'user')) {
        throw new Error('user info is only for users');
      }
      const ref = credentials.principal.userEntityRef;
      const user = await catalog.getEntityByRef(ref, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      const groups = (user?.relations ?? [])
        .filter(relation => relation.type === RELATION_MEMBER_OF)
        .map(relation => relation.targetRef);
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] };
    },
  }),
});

/**
 * The test backend's auth service, except that a plugin's request on behalf of a user keeps the
 * plugin as its actor, as the real auth service does (the mock drops it, and the permission backend
 * then takes the call for a user's own and refuses conditional decisions to it). The real httpAuth
 * service reads requests with it.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const mock = mockServices.auth({ pluginId: plugin.getId() });
    const prefix = 'mock-service-token:';
    return Object.assign(Object.create(mock), {
      async authenticate(token: string, options?: object) {
        const credentials = await mock.authenticate(token, options);
        if (token.startsWith(prefix)) {
          const { sub, obo } = JSON.parse(token.slice(prefix.length));
          if (obo) {
            return mockCredentials.user(obo, { actor: { subject: sub } });
          }
        }
        return credentials;
      },
    }) as AuthService;
  },
});

/** An HTTP answer, or how a scaffolder task ended and its log. */
interface Outcome {
  status: number | string;
  body?: { error?: { message?: string } };
}

interface Row {
  what: string;
  permission: string;
  send: (server: Server, user: UserName) => Promise<Outcome>;
  expected: Record<UserName, number | string>;
  /** Part of the error message every denial (403, failed task) of this row must carry. */
  deniedBecause?: string;
}

const as = (user: UserName) => mockCredentials.user.header(userRef(user));
const fns = '/api/atonix-serverless/functions/staging';

/** A row's request: GET `path` as the user. */
const get =
  (path: string): Row['send'] =>
  (s, u) =>
    request(s).get(path).set('Authorization', as(u));

/** A row's request: POST `path` as the user, with `body` if given. */
const post =
  (path: string, body?: object): Row['send'] =>
  (s, u) => {
    const req = request(s).post(path).set('Authorization', as(u));
    return body ? req.send(body) : req;
  };

/**
 * Runs a template as `user` through the scaffolder's task API, as the Create page does (with the
 * masked fields' `secrets`), and waits for the task to end; a failed task's log is the denial's
 * message.
 */
async function runTemplateAs(
  server: Server,
  user: UserName,
  template: string,
  values: Record<string, unknown>,
  secrets?: Record<string, string>,
): Promise<Outcome> {
  const run = await runScaffolderTask(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    as(user),
    { template, values, secrets },
  );
  return { status: run.status, body: { error: { message: run.log } } };
}

/** Why the Atonix policy denies a non-member a function of `team`. */
const ownedBy = (team: string) =>
  `it is for members of its owner group:default/${team}`;

/**
 * A row running a day-two template on payments/charge-card (the GitOps repository's function, owned
 * by payments) with `values` besides its team and function, and its masked fields' `secrets`.
 */
function onChargeCard(
  template: string,
  permission: string,
  values: (user: UserName) => Record<string, unknown>,
  secrets?: (user: UserName) => Record<string, string>,
): Row {
  return {
    what: `Template ${template} on payments/charge-card`,
    permission,
    send: (s, u) =>
      runTemplateAs(
        s,
        u,
        template,
        {
          team: 'group:default/payments',
          function: 'component:default/charge-card',
          ...values(u),
        },
        secrets?.(u),
      ),
    expected: { ada: 'completed', sam: 'failed', pat: 'completed' },
    deniedBecause: `${permission} on function payments/charge-card: ${ownedBy(
      'payments',
    )}`,
  };
}

const ROWS: Row[] = [
  {
    what: 'Functions page: list the fleet',
    permission: 'atonix.function.read',
    send: get('/api/atonix-serverless/functions'),
    expected: { ada: 200, sam: 200, pat: 200 },
  },
  {
    what: 'Entity card/tab: status of payments/charge',
    permission: 'atonix.function.read',
    send: get('/api/atonix-serverless/entity/component/default/charge'),
    expected: { ada: 200, sam: 200, pat: 200 },
  },
  {
    what: 'Image, env and revisions of payments/charge',
    permission: 'atonix.function.environment.read',
    send: get(`${fns}/payments/charge`),
    expected: { ada: 200, sam: 403, pat: 200 },
    deniedBecause: ownedBy('payments'),
  },
  {
    what: 'Metrics of payments/charge',
    permission: 'atonix.function.metrics.read',
    send: get(`${fns}/payments/charge/metrics`),
    expected: { ada: 200, sam: 403, pat: 200 },
    deniedBecause: ownedBy('payments'),
  },
  {
    what: 'Logs of payments/charge',
    permission: 'atonix.function.logs.read',
    send: get(`${fns}/payments/charge/logs`),
    expected: { ada: 200, sam: 403, pat: 200 },
    deniedBecause: ownedBy('payments'),
  },
  {
    // A change the route refuses after the permission check (a rollback needs a revision): the
    // allowed answer is a 400, not a function-traffic template run.
    what: 'Traffic change of payments/charge (rollback without a revision)',
    permission: 'atonix.function.traffic.update',
    send: post(`${fns}/payments/charge/traffic`, { action: 'rollback' }),
    expected: { ada: 400, sam: 403, pat: 400 },
    deniedBecause: ownedBy('payments'),
  },
  {
    what: 'Logs of search/indexer (analytics)',
    permission: 'atonix.function.logs.read',
    send: get(`${fns}/search/indexer/logs`),
    expected: { ada: 403, sam: 200, pat: 200 },
    deniedBecause: ownedBy('analytics'),
  },
  {
    what: 'Logs of payments/refund (no catalog entity)',
    permission: 'atonix.function.logs.read',
    send: get(`${fns}/payments/refund/logs`),
    expected: { ada: 403, sam: 403, pat: 200 },
    deniedBecause: 'the function is not linked yet to a catalog entity',
  },
  {
    // Allowed callers get 503: this portal configures no ingress (atonix.clusters.<c>.ingress).
    what: 'Test payments/charge (send a request)',
    permission: 'atonix.function.invoke',
    send: post(`${fns}/payments/charge/invoke`, {
      request: { method: 'GET' },
    }),
    expected: { ada: 503, sam: 403, pat: 503 },
    deniedBecause: ownedBy('payments'),
  },
  {
    // Allowed callers get 503: this portal configures no Flux receiver (atonix.clusters.<c>.fluxReceiver).
    what: 'Sync payments/charge now',
    permission: 'atonix.function.sync',
    send: post(`${fns}/payments/charge/sync`),
    expected: { ada: 503, sam: 403, pat: 503 },
    deniedBecause: ownedBy('payments'),
  },
  {
    // A key the route refuses after the permission check: the allowed answer is a 400, not a
    // template run (this backend has no scaffolder tasks to run).
    what: 'Write a secret of payments/charge (invalid key)',
    permission: 'atonix.function.secret.write',
    send: post(`${fns}/payments/charge/secrets`, {
      name: 'charge-token',
      key: 'not a key',
      value: 'x',
    }),
    expected: { ada: 400, sam: 403, pat: 400 },
    deniedBecause: ownedBy('payments'),
  },
  {
    what: 'Catalog: refresh component charge',
    permission: 'catalog.entity.refresh',
    send: post('/api/catalog/refresh', {
      entityRef: 'component:default/charge',
    }),
    expected: { ada: 200, sam: 403, pat: 200 },
  },
  {
    what: 'Catalog: unregister a payments component',
    permission: 'catalog.entity.delete',
    send: async (s, u) => {
      const entity = await request(s)
        .get(`/api/catalog/entities/by-name/component/default/disposable-${u}`)
        .set('Authorization', mockCredentials.service.header());
      return request(s)
        .delete(`/api/catalog/entities/by-uid/${entity.body.metadata.uid}`)
        .set('Authorization', as(u));
    },
    expected: { ada: 204, sam: 403, pat: 204 },
  },
  {
    what: 'Create page: see the team-onboarding template',
    permission: 'catalog.entity.read',
    send: get('/api/catalog/entities/by-name/template/default/team-onboarding'),
    expected: { ada: 404, sam: 404, pat: 200 },
  },
  {
    what: 'Create page: run the function template for payments',
    permission: 'scaffolder.action.execute',
    send: (s, u) =>
      runTemplateAs(s, u, 'knative-http-function', {
        name: `boundaries-${u}`,
        owner: 'group:default/payments',
        language: 'node',
      }),
    expected: { ada: 'completed', sam: 'failed', pat: 'completed' },
    deniedBecause:
      'Unauthorized action: atonix:function:manifests. The action is not allowed.',
  },
  // The templates behind "Add secret" and "Manage traffic": the route starts them once it has
  // checked the same permission, and their action asks the policy again, as the user, about the
  // function in git.
  onChargeCard(
    'function-secret',
    'atonix.function.secret.write',
    u => ({
      name: `boundaries-${u}`,
      key: 'token',
      value: '****',
      envName: '',
    }),
    u => ({ value: `token-of-${u}` }),
  ),
  onChargeCard('function-traffic', 'atonix.function.traffic.update', u => ({
    change: { action: 'tag', revisionName: 'charge-card-v1', tag: u },
  })),
  {
    what: 'Create page: see a function template',
    permission: 'catalog.entity.read',
    send: get(
      '/api/catalog/entities/by-name/template/default/knative-http-function',
    ),
    expected: { ada: 200, sam: 200, pat: 200 },
  },
];

describe('team boundaries in the portal backend', () => {
  let kube: KubeApiServerProcess;
  let loki: LokiTestServer;
  let git: LocalGitServer;
  let gitRoot: string;
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    gitRoot = await mkdtemp(join(tmpdir(), 'atonix-boundaries-git-'));
    git = await LocalGitServer.start({ root: gitRoot });
    await git.seedRepo(
      `${APP_CONFIG.atonix.scaffolder.owner}/${APP_CONFIG.atonix.scaffolder.gitops.repo}`,
      join(REPO_ROOT, 'gitops'),
      'gitops',
    );
    kube = await KubeApiServerProcess.start({ crds: FIXTURE_CRDS });
    await kube.apply(...demoObjects());
    loki = await LokiTestServer.start();
    loki.push(demoLogStreams());
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogTemplateKindModule,
        permissionPlugin,
        permissionModuleAtonixPolicy,
        atonixServerlessPlugin,
        scaffolderPlugin,
        scaffolderGithubModule,
        scaffolderModuleAtonixServerless,
        permissionsServiceFactory,
        authWithActors,
        httpAuthServiceFactory,
        ownershipFromCatalog,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              reading: { allow: [{ host: new URL(git.baseUrl).host }] },
            },
            permission: APP_CONFIG.permission,
            catalog: {
              rules: [
                {
                  allow: ['Component', 'Template', 'Group', 'User', 'Location'],
                },
              ],
              locations: [
                { type: 'file', target: join(REPO_ROOT, 'catalog/org.yaml') },
                { type: 'file', target: join(REPO_ROOT, 'templates/*.yaml') },
                {
                  type: 'file',
                  target: join(__dirname, '__fixtures__/functions.yaml'),
                },
              ],
            },
            kubernetes: kube.backstageKubernetesConfig('staging'),
            atonix: {
              inventory: { catalogRefreshSeconds: 1 },
              clusters: { staging: { loki: loki.url } },
              scaffolder: {
                ...APP_CONFIG.atonix.scaffolder,
                localGitBaseUrl: git.baseUrl,
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    // Ready when the catalog has read every file and the inventory has linked every function the
    // table reads that has an entity (functions.yaml): the catalog processes and stitches them one
    // by one, so charge linked does not mean indexer is.
    await eventually(async () => {
      const asService = (path: string) =>
        request(server)
          .get(path)
          .set('Authorization', mockCredentials.service.header());
      const [template, ...linked] = await Promise.all([
        asService(
          '/api/catalog/entities/by-name/template/default/team-onboarding',
        ),
        asService(`${fns}/payments/charge`),
        asService(`${fns}/search/indexer`),
      ]);
      if (template.status !== 200 || linked.some(fn => !fn.body.entityRef)) {
        throw new Error(
          `waiting for charge and indexer linked to their catalog entities: team-onboarding template ${
            template.status
          }, ${linked
            .map(fn => `${fn.status} ${JSON.stringify(fn.body).slice(0, 300)}`)
            .join('; ')}`,
        );
      }
    }, 20_000);
  });

  afterAll(async () => {
    await stop?.();
    await kube?.stop();
    await loki?.stop();
    await git?.stop();
    if (gitRoot) await rm(gitRoot, { recursive: true, force: true });
  });

  it('allows and denies each route as the README table says, for two teams and the platform team', async () => {
    const users = Object.keys(USERS) as UserName[];
    const table: string[][] = [];
    const mismatches: string[] = [];
    for (const row of ROWS) {
      const cells = [row.what, row.permission];
      for (const user of users) {
        const res = await row.send(server, user);
        const expected = row.expected[user];
        const because = res.body?.error?.message ?? '';
        const reasonOk =
          (res.status !== 403 && res.status !== 'failed') ||
          !row.deniedBecause ||
          because.includes(row.deniedBecause);
        const ok = res.status === expected && reasonOk;
        cells.push(`${res.status}${ok ? '' : ` ✗ expected ${expected}`}`);
        if (!ok) {
          mismatches.push(
            `${row.what} as ${user}: ${res.status} (expected ${expected}) ${because}`,
          );
        }
      }
      table.push(cells);
    }
    const header = [
      'Route / action',
      'Permission',
      ...users.map(u => `${u} (${USERS[u]})`),
    ];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...table.map(r => r[i].length)),
    );
    const line = (cells: string[]) =>
      `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    process.stdout.write(
      `\n${[
        line(header),
        line(widths.map(w => '-'.repeat(w))),
        ...table.map(line),
      ].join('\n')}\n\n`,
    );
    expect(mismatches).toEqual([]);
  });

  it('shows every signed-in user the whole fleet, as a service sees it (health is catalog information)', async () => {
    const all = await request(server)
      .get('/api/atonix-serverless/functions')
      .set('Authorization', mockCredentials.service.header());
    expect(all.body.totalCount).toBeGreaterThan(0);
    for (const user of Object.keys(USERS) as UserName[]) {
      const res = await request(server)
        .get('/api/atonix-serverless/functions')
        .set('Authorization', as(user));
      expect(res.body.totalCount).toBe(all.body.totalCount);
    }
  });

  it('shows the traffic columns of the fleet list only for functions the user may read metrics of', async () => {
    const metricsOf = async (user: UserName, name: string) => {
      const res = await request(server)
        .get(`/api/atonix-serverless/functions?search=${name}`)
        .set('Authorization', as(user));
      return res.body.items[0].metrics.unavailable as string | undefined;
    };
    // No Prometheus here: an allowed row says why there are no figures, a denied row says it is hidden.
    expect(await metricsOf('ada', 'charge')).toContain('prometheus');
    expect(await metricsOf('sam', 'charge')).toContain(
      'atonix.function.metrics.read is for their owners',
    );
    expect(await metricsOf('pat', 'charge')).toContain('prometheus');
  });
});
