// Child process of backend-fleet.ts: a Backstage backend (startTestBackend, mock auth) running
// either Atonix Serverless or the stock Kubernetes backend plugin against the test API server.
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import atonixServerlessPlugin from '@internal/backstage-plugin-atonix-serverless-backend';

async function main() {
  const [mode, kubeUrl, functions, namespaces] = process.argv.slice(2);
  const entities = Array.from({ length: Number(functions) }, (_, i) => {
    const name = `fn-${String(i).padStart(5, '0')}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': name,
          'backstage.io/kubernetes-namespace': `team-${String(
            i % Number(namespaces),
          ).padStart(3, '0')}`,
        },
      },
      spec: {
        type: 'function',
        owner: 'group:default/platform',
        lifecycle: 'production',
      },
    };
  });
  const config = {
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'bench',
              url: kubeUrl,
              authProvider: 'serviceAccount',
              serviceAccountToken: 'bench',
              skipTLSVerify: true,
              skipMetricsLookup: true,
            },
          ],
        },
      ],
      // What a platform team adds so the stock tab shows Knative objects.
      customResources: [
        { group: 'serving.knative.dev', apiVersion: 'v1', plural: 'services' },
        { group: 'serving.knative.dev', apiVersion: 'v1', plural: 'revisions' },
        { group: 'serving.knative.dev', apiVersion: 'v1', plural: 'routes' },
        {
          group: 'serving.knative.dev',
          apiVersion: 'v1',
          plural: 'configurations',
        },
      ],
    },
  };
  const { server } = await startTestBackend({
    features: [
      mode === 'atonix'
        ? atonixServerlessPlugin
        : import('@backstage/plugin-kubernetes-backend'),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  process.on('message', (message: any) => {
    if (message.type === 'rss') {
      global.gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      process.send!({ type: 'rss', rss, heapUsed });
    }
  });
  process.send!({ type: 'ready', port: (server.address() as any).port });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
