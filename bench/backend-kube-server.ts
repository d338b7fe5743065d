// Child process of backend-fleet.ts: a Kubernetes API test server seeded with a fleet, in its own
// process so that the backends' RSS is measured without it. Flips a function's readiness on request.
import { KubeApiTestServer, fleetObjects } from '@internal/atonix-test-servers';

async function main() {
  const functions = Number(process.argv[2]);
  const namespaces = Number(process.argv[3]);
  const server = await KubeApiTestServer.start();
  server.apply(...fleetObjects({ functions, namespaces }));
  process.on('message', (message: any) => {
    if (message.type === 'flip') {
      server.update(
        'serving.knative.dev/v1',
        'Service',
        message.namespace,
        message.name,
        service => {
          const ready = (service.status as any).conditions.find(
            (c: any) => c.type === 'Ready',
          );
          ready.status = message.ready ? 'True' : 'False';
          ready.reason = message.ready ? undefined : 'BenchmarkFlip';
        },
      );
      process.send!({ type: 'flipped', id: message.id });
    } else if (message.type === 'requests') {
      process.send!({ type: 'requests', count: server.requestCount });
    }
  });
  process.send!({ type: 'ready', url: server.url });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
