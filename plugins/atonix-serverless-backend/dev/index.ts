import path from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEMO_PORTAL_TOKEN, DemoCluster } from '@internal/atonix-demo';

// Runs the plugin on its own (`yarn start` in this folder) with mocked auth, against the demo
// cluster of ./run demo (the real Kubernetes API server seeded with gitops/functions, Loki and
// Prometheus, on free loopback ports), so its API can be called with curl:
//   curl localhost:7007/api/atonix-serverless/functions      (PORT=… for another port)
async function main() {
  const port = Number(process.env.PORT ?? 7007);
  const demo = await DemoCluster.start({
    gitopsDir: path.resolve(__dirname, '../../../gitops'),
    ports: { kube: 0, loki: 0, prometheus: 0, control: 0, alertmanager: 0 },
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
                  url: demo.urls.kube,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: DEMO_PORTAL_TOKEN,
                  caData: Buffer.from(demo.kubeApi.caData).toString('base64'),
                },
              ],
            },
          ],
        },
        atonix: {
          clusters: {
            demo: { loki: demo.urls.loki, prometheus: demo.urls.prometheus },
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
