import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FIXTURE_CRDS,
  KubeApiServerProcess,
  demoObjects,
  eventually,
  blockedTenantKustomizations,
  fluxReceiver,
  portalReader,
} from '@internal/atonix-test-servers';
import {
  functionInvokePermission,
  functionSyncPermission,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { permissionsDenying, pluginRoutes } from './__testUtils__/pluginRoutes';
import { atonixServerlessPlugin } from './plugin';

// Test requests, saved events, "Sync now" and the trace, through the plugin's routes, with the
// cluster on a real API server read as the portal's ServiceAccount of gitops/, a local HTTP server
// standing for the cluster's ingress and Flux's webhook receiver, and a GitOps folder on disk.

jest.setTimeout(180_000);

const user = mockCredentials.user.header();
const WEBHOOK_PATH = '/hook/7f3a9c';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The cluster's ingress and Flux receiver: records every request, answers by path. */
async function startIngress() {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (req.url === '/slow') return; // never answers
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(5000));
        return;
      }
      res.writeHead(req.url === WEBHOOK_PATH ? 200 : 201, {
        'content-type': 'application/json',
        'x-served-by': String(req.headers.host),
      });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, seen };
}

const receiver = fluxReceiver({
  kustomization: 'functions-payments',
  name: 'functions',
  webhookPath: WEBHOOK_PATH,
});

describe('testing, syncing and tracing a function', () => {
  let kube: KubeApiServerProcess;
  let ingress: Awaited<ReturnType<typeof startIngress>>;
  let gitopsDir: string;
  let token: string;

  beforeAll(async () => {
    ingress = await startIngress();
    gitopsDir = await mkdtemp(path.join(os.tmpdir(), 'atonix-daytwo-'));
    const folder = path.join(gitopsDir, 'gitops/functions/payments/charge');
    await mkdir(path.join(folder, 'events'), { recursive: true });
    await writeFile(
      path.join(folder, 'function.yaml'),
      'apiVersion: atonix.io/v1alpha1\nkind: Function\nname: charge\nteam: payments\nruntime: knative\nimage: ghcr.io/atonixcorp/charge:1a2b3c4\ntrigger:\n  type: http\n',
    );
    await writeFile(
      path.join(folder, 'events/pay-ten.json'),
      JSON.stringify({
        description: 'Pays ten euros',
        request: { path: '/pay', body: { amount: 10 } },
        expect: { status: 201 },
      }),
    );
    await writeFile(path.join(folder, 'events/broken.json'), '{"request": {}}');
    kube = await KubeApiServerProcess.start({
      users: [{ name: 'nobody' }],
      crds: FIXTURE_CRDS,
    });
    const seeded = demoObjects().filter(
      o =>
        !(o.kind === 'Kustomization' && o.metadata.name === 'functions-search'),
    );
    await kube.apply(
      ...portalReader(),
      ...seeded,
      ...blockedTenantKustomizations('search'),
      receiver,
    );
    token = await kube.serviceAccountToken('atonix-portal', 'atonix-portal');
  });

  afterAll(async () => {
    await kube?.stop();
    ingress?.server.close();
    await rm(gitopsDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    ingress.seen.length = 0;
  });

  const CHARGE = '/functions/staging/payments/charge';

  async function startBackend(
    options: { permissions?: any; perMinute?: number } = {},
  ) {
    const config = mockServices.rootConfig.factory({
      data: {
        kubernetes: kube.backstageKubernetesConfig('staging', token),
        atonix: {
          clusters: {
            staging: { ingress: ingress.url, fluxReceiver: ingress.url },
          },
          gitops: { type: 'dir', target: gitopsDir },
          invoke: {
            timeoutSeconds: 1,
            maxBodyBytes: 1024,
            perUserPerMinute: options.perMinute ?? 100,
          },
        },
      },
    });
    const { server } = await startTestBackend({
      features: [
        atonixServerlessPlugin,
        catalogServiceMock.factory({ entities: [] }),
        config,
        ...(options.permissions ? [options.permissions] : []),
      ],
    });
    const api = pluginRoutes(server);
    await eventually(async () => {
      const res = await api.get(CHARGE);
      expect(res.status).toBe(200);
    }, 30_000);
    return api;
  }

  it('sends an HTTP request through the ingress with the function URL as Host, and answers status, headers, body and latency', async () => {
    const api = await startBackend();
    const res = await api
      .post(`${CHARGE}/invoke`)
      .set('Cookie', 'backstage-session=secret')
      .send({
        request: {
          method: 'PUT',
          path: '/orders?id=7',
          headers: { 'X-Test': 'yes', Host: 'evil.example.com' },
          body: { amount: 3 },
        },
      });
    expect(res.status).toBe(200);
    expect(res.body.response).toMatchObject({
      status: 201,
      body: '{"ok":true}',
      truncated: false,
    });
    expect(res.body.response.headers['x-served-by']).toBe(
      'charge.payments.example.com',
    );
    expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
    expect(res.body.coldStart).toBe(false);
    const [sent] = ingress.seen;
    expect(sent).toMatchObject({
      method: 'PUT',
      url: '/orders?id=7',
      body: '{"amount":3}',
    });
    expect(sent.headers.host).toBe('charge.payments.example.com');
    expect(sent.headers['x-test']).toBe('yes');
    expect(sent.headers['content-type']).toBe('application/json');
  });

  it("never passes the portal user's token or cookies to the function", async () => {
    const api = await startBackend();
    await api
      .post(`${CHARGE}/invoke`)
      .set('Cookie', 'backstage-session=secret')
      .send({ request: { path: '/' } });
    expect(ingress.seen).toHaveLength(1);
    expect(ingress.seen[0].headers.authorization).toBeUndefined();
    expect(ingress.seen[0].headers.cookie).toBeUndefined();
    expect(JSON.stringify(ingress.seen[0])).not.toContain(
      user.replace('Bearer ', ''),
    );
  });

  it("sends a CloudEvent in binary and in structured mode to a revision's tag URL", async () => {
    const api = await startBackend();
    const event = {
      type: 'com.atonixcorp.order.created',
      source: '/checkout',
      data: { orderId: 7 },
    };
    const binary = await api.post(`${CHARGE}/invoke`, {
      target: { revision: 'charge-00002' },
      cloudEvent: event,
    });
    expect(binary.status).toBe(200);
    expect(binary.body.revision).toBe('charge-00002');
    expect(ingress.seen[0].headers).toMatchObject({
      host: 'previous-charge.payments.example.com',
      'ce-type': 'com.atonixcorp.order.created',
      'ce-source': '/checkout',
      'ce-specversion': '1.0',
    });
    expect(JSON.parse(ingress.seen[0].body)).toEqual({ orderId: 7 });
    await api.post(`${CHARGE}/invoke`, {
      cloudEvent: { ...event, mode: 'structured' },
    });
    expect(ingress.seen[1].headers['content-type']).toMatch(
      /^application\/cloudevents\+json/,
    );
    expect(JSON.parse(ingress.seen[1].body)).toMatchObject({
      specversion: '1.0',
      type: event.type,
      data: { orderId: 7 },
    });
  });

  it('refuses a revision without a tag, saying how to give it one', async () => {
    const api = await startBackend();
    const res = await api.post(`${CHARGE}/invoke`, {
      target: { revision: 'charge-00001' },
      request: {},
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'Revision charge-00001 has no tag',
    );
    expect(ingress.seen).toHaveLength(0);
  });

  it('reports a cold start when the serving revision had no ready replica', async () => {
    const api = await startBackend();
    const res = await api.post('/functions/staging/payments/refund/invoke', {
      request: { method: 'GET' },
    });
    expect(res.body.coldStart).toBe(true);
  });

  it('times out a function that does not answer, and cuts a large body', async () => {
    const api = await startBackend();
    const slow = await api.post(`${CHARGE}/invoke`, {
      request: { method: 'GET', path: '/slow' },
    });
    expect(slow.status).toBe(200);
    expect(slow.body.error).toBe('The function did not answer within 1000 ms');
    expect(slow.body.response).toBeUndefined();
    const big = await api.post(`${CHARGE}/invoke`, {
      request: { method: 'GET', path: '/big' },
    });
    expect(big.body.response.truncated).toBe(true);
    expect(big.body.response.body).toHaveLength(1024);
  });

  it('lists the saved test events of the GitOps folder, a broken file with its reason, and runs one by name', async () => {
    const api = await startBackend();
    const list = await api.get(`${CHARGE}/events`);
    expect(list.status).toBe(200);
    expect(list.body.folder).toBe('gitops/functions/payments/charge');
    expect(list.body.events).toEqual([
      {
        name: 'broken',
        path: 'gitops/functions/payments/charge/events/broken.json',
        error: expect.stringContaining('description'),
      },
      expect.objectContaining({
        name: 'pay-ten',
        description: 'Pays ten euros',
        expect: { status: 201 },
      }),
    ]);
    const run = await api.post(`${CHARGE}/invoke`, { savedEvent: 'pay-ten' });
    expect(run.body.response.status).toBe(201);
    expect(ingress.seen[0]).toMatchObject({
      method: 'POST',
      url: '/pay',
      body: '{"amount":10}',
    });
    const missing = await api.post(`${CHARGE}/invoke`, { savedEvent: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('broken, pay-ten');
  });

  it('denies testing and syncing to callers without the permissions, before anything is sent', async () => {
    const denied = permissionsDenying(
      functionInvokePermission,
      functionSyncPermission,
    );
    const api = await startBackend({ permissions: denied.factory });
    for (const [method, route] of [
      ['post', 'invoke'],
      ['get', 'events'],
      ['post', 'sync'],
    ] as const) {
      const res = await api[method](`${CHARGE}/${route}`).send({ request: {} });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/atonix\.function\.(invoke|sync)/);
    }
    expect(ingress.seen).toHaveLength(0);
  });

  it('limits test requests per caller and says when to retry', async () => {
    const api = await startBackend({ perMinute: 2 });
    const send = () =>
      api.post(`${CHARGE}/invoke`, { request: { method: 'GET' } });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const third = await send();
    expect(third.status).toBe(429);
    expect(third.body.error.message).toContain('At most 2');
    expect(ingress.seen).toHaveLength(2);
  });

  it("asks Flux to reconcile through the team's Receiver webhook", async () => {
    const api = await startBackend();
    await eventually(async () => {
      const res = await api.post(`${CHARGE}/sync`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        receiver: 'flux-system/functions',
        kustomization: 'flux-system/functions-payments',
      });
    }, 30_000);
    expect(ingress.seen.at(-1)).toMatchObject({
      method: 'POST',
      url: WEBHOOK_PATH,
    });
    expect(ingress.seen.at(-1)!.headers.authorization).toBeUndefined();
    const noReceiver = await api.post('/functions/staging/search/indexer/sync');
    expect(noReceiver.status).toBe(404);
    expect(noReceiver.body.error.message).toContain(
      'No Flux Receiver in namespace flux-system reconciles Kustomization functions-search',
    );
  });

  it('traces the function from git to traffic, and names the upstream Kustomization that blocks a tenant', async () => {
    const api = await startBackend();
    const charge = await api.get(`${CHARGE}/trace`);
    expect(charge.status).toBe(200);
    expect(charge.body.links.map((l: any) => [l.id, l.state])).toEqual([
      ['repository-commit', 'unknown'],
      ['image', 'ok'],
      ['gitops-commit', 'ok'],
      ['flux-applied', 'ok'],
      ['revisions', 'ok'],
      ['traffic', 'ok'],
    ]);
    expect(charge.body.links[5].value).toBe('100 %');
    await eventually(async () => {
      const indexer = await api.get('/functions/staging/search/indexer/trace');
      expect(indexer.body.kustomizations.map((k: any) => k.name)).toEqual([
        'functions-search',
        'tenants',
        'infra-configs',
        'infra-controllers',
      ]);
      expect(indexer.body.blockedBy).toBe('flux-system/infra-configs');
      const broken = indexer.body.links[indexer.body.firstBroken];
      expect(broken.id).toBe('image');
      expect(broken.message).toContain('has no function.yaml');
    }, 30_000);
  });
});
