/* eslint-disable no-console */
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_PORTS, DemoCluster } from './DemoCluster';

// `./run demo` starts this beside the portal: the demo cluster on the ports app-config.demo.yaml
// names. It stops with Ctrl-C, SIGTERM, or when the process given as --parent-pid is gone (so a
// killed ./run never leaves servers behind).
async function main() {
  const { values } = parseArgs({
    options: {
      gitops: { type: 'string', default: 'gitops' },
      'gitops-repo': { type: 'string' },
      'parent-pid': { type: 'string' },
    },
  });
  const cluster = await DemoCluster.start({
    gitopsDir: values.gitops!,
    gitopsRepo: values['gitops-repo'],
    ports: DEFAULT_DEMO_PORTS,
  });
  const { kube, loki, prometheus } = cluster.urls;
  console.log(
    `demo cluster: Kubernetes API ${kube}, Loki ${loki}, Prometheus ${prometheus}; ` +
      `take the API server away with: curl -X POST http://127.0.0.1:${DEFAULT_DEMO_PORTS.control}/kube/down (and /kube/up)`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const parentPid = values['parent-pid'] && Number(values['parent-pid']);
  if (parentPid) {
    setInterval(() => {
      try {
        process.kill(parentPid, 0);
      } catch {
        stop();
      }
    }, 1000).unref();
  }
}

main().catch(error => {
  console.error(`The demo cluster did not start: ${error.message}`);
  process.exit(1);
});
