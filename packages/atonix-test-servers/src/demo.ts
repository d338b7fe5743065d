import { KubeApiTestServer } from './kube/KubeApiTestServer';
import { LokiTestServer } from './loki/LokiTestServer';
import { PrometheusProcess } from './prometheus/PrometheusProcess';
import {
  demoLogStreams,
  demoObjects,
  knativeRevisionSeries,
  openfaasGatewaySeries,
} from './fixtures/seeds';

/** The servers of a demo cluster; `stop` stops all of them. */
export interface DemoCluster {
  kube: KubeApiTestServer;
  loki: LokiTestServer;
  /** Absent when Prometheus was not asked for or is not installed. */
  prometheus?: PrometheusProcess;
  stop(): Promise<void>;
}

/**
 * Starts a Kubernetes API server, a Loki server and (optionally) a real Prometheus on 127.0.0.1,
 * seeded with the demo objects, log lines and queue-proxy series. Ports default to free ones.
 */
export async function startDemoCluster(
  options: {
    kubePort?: number;
    lokiPort?: number;
    prometheusPort?: number;
    prometheus?: boolean;
    /** Serve the `/_atonix/...` control routes (see KubeApiTestServer and LokiTestServer). */
    controlApi?: boolean;
  } = {},
): Promise<DemoCluster> {
  const kube = await KubeApiTestServer.start({
    port: options.kubePort,
    controlApi: options.controlApi,
  });
  kube.apply(...demoObjects());
  const loki = await LokiTestServer.start({
    port: options.lokiPort,
    controlApi: options.controlApi,
  });
  loki.push(demoLogStreams());
  let prometheus: PrometheusProcess | undefined;
  if (options.prometheus !== false) {
    prometheus = await PrometheusProcess.start({
      port: options.prometheusPort,
    });
    await prometheus.write([
      ...knativeRevisionSeries({
        namespace: 'payments',
        service: 'charge',
        revision: 'charge-00003',
        rps: 12,
        errorShare: 0.02,
        latencyMs: 60,
        podsPerMinute: [2],
      }),
      ...knativeRevisionSeries({
        namespace: 'payments',
        service: 'charge',
        revision: 'charge-00002',
        rps: 1.5,
        latencyMs: 40,
        podsPerMinute: [1],
      }),
      ...knativeRevisionSeries({
        namespace: 'payments',
        service: 'refund',
        revision: 'refund-00001',
        rps: 0.2,
        latencyMs: 150,
        podsPerMinute: [0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0],
      }),
      ...knativeRevisionSeries({
        namespace: 'search',
        service: 'indexer',
        revision: 'indexer-00001',
        rps: 30,
        latencyMs: 20,
        podsPerMinute: [3],
      }),
      ...openfaasGatewaySeries({
        namespace: 'openfaas-fn',
        name: 'thumbnail',
        rps: 3,
        errorShare: 0.01,
        latencySeconds: 0.2,
      }),
    ]);
  }
  return {
    kube,
    loki,
    prometheus,
    async stop() {
      await Promise.all([kube.stop(), loki.stop(), prometheus?.stop()]);
    },
  };
}
