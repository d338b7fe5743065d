import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startDemoCluster } from '@internal/atonix-test-servers';

// Runs the plugin on its own (`yarn start` in this folder) with mocked auth, against the demo
// cluster of @internal/atonix-test-servers (Kubernetes API, Loki and, when installed, Prometheus
// on free loopback ports), so its API can be called with curl:
//   curl localhost:7007/api/atonix-serverless/functions      (PORT=… for another port)
async function main() {
  const port = Number(process.env.PORT ?? 7007);
  const demo = await startDemoCluster({
    prometheus: process.env.ATONIX_DEV_PROMETHEUS !== 'false',
    controlApi: true,
  });
  const backend = createBackend();
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(catalogServiceMock.factory());
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        backend: {
          baseUrl: `http://localhost:${port}`,
          listen: { port, host: '127.0.0.1' },
        },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'demo',
                  url: demo.kube.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'demo',
                  // client-node talks plain HTTP (the test server's) only with this set.
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
        atonix: {
          clusters: {
            demo: {
              loki: demo.loki.url,
              ...(demo.prometheus ? { prometheus: demo.prometheus.url } : {}),
            },
          },
        },
      },
    }),
  );
  backend.add(import('../src'));
  await backend.start();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => demo.stop().finally(() => process.exit(0)));
  }
}

main();
