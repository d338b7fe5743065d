// Child process of backend-fleet.ts: the real Kubernetes API server (tools/kube-apiserver) seeded
// with a fleet, in its own process so that the backends' RSS is measured without it. Flips a
// function's readiness on request (through the status subresource, as Knative would) and reports
// how many requests the API server has served (its own apiserver_request_total).
import fs from 'node:fs';
import path from 'node:path';
import {
  FIXTURE_CRDS,
  KubeApiServerProcess,
  fleetObjects,
  readManifests,
} from '@internal/atonix-test-servers';
import { seedThroughStorage } from './kube-storage-seed';

// The backends read as the portal's ServiceAccount of gitops/, with this token (backend-portal.ts).
const PORTAL_TOKEN = 'bench';

async function requestCount(server: KubeApiServerProcess): Promise<number> {
  const { body } = await server.request<string>('GET', '/metrics');
  let total = 0;
  for (const line of String(body).split('\n')) {
    if (line.startsWith('apiserver_request_total{')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

async function main() {
  const functions = Number(process.argv[2]);
  const namespaces = Number(process.argv[3]);
  const server = await KubeApiServerProcess.start({
    crds: FIXTURE_CRDS,
    users: [
      {
        name: 'system:serviceaccount:atonix-portal:atonix-portal',
        token: PORTAL_TOKEN,
      },
    ],
  });
  await server.apply(
    ...readManifests(
      fs.readFileSync(
        path.resolve(
          __dirname,
          '../gitops/infrastructure/configs/base/portal/reader.yaml',
        ),
        'utf8',
      ),
    ),
  );
  const objects = fleetObjects({ functions, namespaces });
  // Namespaces, their Flux Kustomizations and the first function through the API (server-side
  // apply, then status); every other function straight into storage (kube-storage-seed.ts), which
  // takes seconds where the API takes about 25 minutes for 2,500 functions on this machine.
  const functionOf = (o: (typeof objects)[number]) =>
    o.apiVersion === 'serving.knative.dev/v1'
      ? o.metadata.labels?.['backstage.io/kubernetes-id']
      : undefined;
  const first = functionOf(objects.find(o => functionOf(o))!);
  const throughApi = objects.filter(
    o => !functionOf(o) || functionOf(o) === first,
  );
  const started = Date.now();
  for (const o of throughApi) await server.apply(o);
  const seeded = await seedThroughStorage(
    server,
    objects.filter(o => functionOf(o) && functionOf(o) !== first),
    throughApi.filter(o => functionOf(o) === first),
  );
  console.error(
    `backend-kube-server: ${
      throughApi.length
    } objects applied through the API, ${seeded} written to storage, in ${(
      (Date.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
  const services = new Map(
    objects
      .filter(
        o => o.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1',
      )
      .map(o => [`${o.metadata.namespace}/${o.metadata.name}`, o]),
  );
  process.on('message', async (message: any) => {
    if (message.type === 'flip') {
      const service = services.get(`${message.namespace}/${message.name}`)!;
      const status = structuredClone((service as any).status);
      const ready = status.conditions.find((c: any) => c.type === 'Ready');
      ready.status = message.ready ? 'True' : 'False';
      ready.reason = message.ready ? undefined : 'BenchmarkFlip';
      await server.setStatus(service, status);
      process.send!({ type: 'flipped', id: message.id });
    } else if (message.type === 'requests') {
      process.send!({ type: 'requests', count: await requestCount(server) });
    }
  });
  const stop = () => server.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send!({ type: 'ready', url: server.url });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
