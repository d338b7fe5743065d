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

// The backends read as the portal's ServiceAccount of gitops/, with this token (backend-portal.ts).
const PORTAL_TOKEN = 'bench';
const SEED_CONCURRENCY = 8;

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
  // Namespaces and owners first, then the rest a few at a time: a Revision names its
  // Configuration's uid, which exists once that Configuration is applied.
  const first = objects.filter(o => !o.metadata.ownerReferences?.length);
  const owned = objects.filter(o => o.metadata.ownerReferences?.length);
  for (const batch of [first, owned]) {
    for (let i = 0; i < batch.length; i += SEED_CONCURRENCY) {
      await Promise.all(
        batch.slice(i, i + SEED_CONCURRENCY).map(o => server.apply(o)),
      );
    }
  }
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
