/* eslint-disable no-console */
import { parseArgs } from 'node:util';
import { startDemoCluster } from './demo';

// `yarn workspace @internal/atonix-test-servers start [--kube-port N] [--loki-port N]
// [--prometheus-port N] [--no-prometheus]`: starts the demo cluster's servers on 127.0.0.1 and
// prints the app-config that points the portal at them. Ctrl-C stops them. The control routes
// (POST <server>/_atonix/...) are on, so browser tests can change the cluster or inject faults.
async function main() {
  const { values } = parseArgs({
    options: {
      'kube-port': { type: 'string', default: '0' },
      'loki-port': { type: 'string', default: '0' },
      'prometheus-port': { type: 'string', default: '0' },
      'no-prometheus': { type: 'boolean', default: false },
    },
  });
  const cluster = await startDemoCluster({
    kubePort: Number(values['kube-port']),
    lokiPort: Number(values['loki-port']),
    prometheusPort: Number(values['prometheus-port']),
    prometheus: !values['no-prometheus'],
    controlApi: true,
  });
  console.log(`Kubernetes API  ${cluster.kube.url}`);
  console.log(`Loki            ${cluster.loki.url}`);
  if (cluster.prometheus)
    console.log(`Prometheus      ${cluster.prometheus.url}`);
  console.log(`
app-config for these servers:

kubernetes:
  serviceLocatorMethod: { type: multiTenant }
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: demo
          url: ${cluster.kube.url}
          authProvider: serviceAccount
          serviceAccountToken: demo
          skipTLSVerify: true
atonix:
  clusters:
    demo:
${
  cluster.prometheus ? `      prometheus: ${cluster.prometheus.url}\n` : ''
}      loki: ${cluster.loki.url}
`);
  const shutdown = async () => {
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
