import fs from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  FIXTURE_CRDS,
  KubeApiServerProcess,
  LokiTestServer,
  PrometheusProcess,
  readManifests,
} from '@internal/atonix-test-servers';
import {
  demoKubeObjects,
  demoLogs,
  demoSeries,
  readExampleFunctions,
} from './demoFleet';
import { LIVE_TRAFFIC_STEP_MS, nextSamples } from './liveTraffic';

/** Fixed ports, so app-config.demo.yaml can name them. */
export interface DemoPorts {
  kube: number;
  loki: number;
  prometheus: number;
  /** The control endpoint; see {@link DemoCluster.start}. */
  control: number;
}

export const DEFAULT_DEMO_PORTS: DemoPorts = {
  kube: 7021,
  loki: 7022,
  prometheus: 7023,
  control: 7024,
};

/**
 * The token app-config.demo.yaml gives the portal. It stands for the portal's ServiceAccount of
 * gitops/ (infrastructure/configs/base/portal), so the demo reads with exactly the RBAC a real
 * cluster grants the portal.
 */
export const DEMO_PORTAL_TOKEN = 'demo';

/**
 * The demo's cluster: the real Kubernetes API server (tools/kube-apiserver, with the platform's
 * CRDs), a Loki test server and a real Prometheus on 127.0.0.1, seeded with the example functions of
 * a GitOps folder (their status written through the status subresource, as their controllers
 * would) and traffic that goes on while it runs, plus a small control endpoint so a person or a
 * browser test can take the cluster away and bring it back:
 *
 * - `POST /kube/down`: the Kubernetes API server process stops (the portal shows stale state)
 * - `POST /kube/up`: it starts again on the same port, with the same objects
 * - `GET /`: the URLs of the servers and whether the API server is down
 */
export class DemoCluster {
  readonly #kube: KubeApiServerProcess;
  readonly #loki: LokiTestServer;
  readonly #prometheus: PrometheusProcess;
  readonly #control: http.Server;
  #kubeDown = false;
  #liveTraffic?: NodeJS.Timeout;

  static async start(options: {
    gitopsDir: string;
    ports: DemoPorts;
  }): Promise<DemoCluster> {
    const specs = await readExampleFunctions(options.gitopsDir);
    const kube = await KubeApiServerProcess.start({
      port: options.ports.kube,
      crds: FIXTURE_CRDS,
      users: [
        {
          name: 'system:serviceaccount:atonix-portal:atonix-portal',
          token: DEMO_PORTAL_TOKEN,
        },
      ],
    });
    await kube.apply(
      ...readManifests(
        await fs.readFile(
          path.join(
            options.gitopsDir,
            'infrastructure/configs/base/portal/reader.yaml',
          ),
          'utf8',
        ),
      ),
      ...demoKubeObjects(specs),
    );
    const loki = await LokiTestServer.start({ port: options.ports.loki });
    loki.push(demoLogs(specs));
    const prometheus = await PrometheusProcess.start({
      port: options.ports.prometheus,
    });
    const seededAt = Date.now();
    const series = demoSeries(specs, seededAt);
    await prometheus.write(series);
    const cluster = new DemoCluster(kube, loki, prometheus);
    cluster.#liveTraffic = setInterval(() => {
      prometheus
        .write(nextSamples(series, seededAt, Date.now()))
        .catch(error => {
          // Keep the demo up; the charts only flatten out.
          console.warn(`demo traffic not written: ${error.message}`);
        });
    }, LIVE_TRAFFIC_STEP_MS);
    await new Promise<void>((resolve, reject) => {
      cluster.#control.once('error', reject);
      cluster.#control.listen(options.ports.control, '127.0.0.1', resolve);
    });
    return cluster;
  }

  private constructor(
    kube: KubeApiServerProcess,
    loki: LokiTestServer,
    prometheus: PrometheusProcess,
  ) {
    this.#kube = kube;
    this.#loki = loki;
    this.#prometheus = prometheus;
    this.#control = http.createServer((req, res) => {
      this.#handle(req.method ?? 'GET', req.url ?? '/').then(
        body => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (error: Error) => {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end(error.message);
        },
      );
    });
  }

  /** Where the control endpoint listens. */
  get controlUrl(): string {
    const { port } = this.#control.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The API server, to read it as the portal does (with {@link DEMO_PORTAL_TOKEN}). */
  get kubeApi(): KubeApiServerProcess {
    return this.#kube;
  }

  get urls() {
    return {
      kube: this.#kube.url,
      loki: this.#loki.url,
      prometheus: this.#prometheus.url,
    };
  }

  async #handle(method: string, url: string) {
    if (method === 'POST' && (url === '/kube/down' || url === '/kube/up')) {
      this.#kubeDown = url === '/kube/down';
      await this.#kube.setDown(this.#kubeDown);
    } else if (!(method === 'GET' && url === '/')) {
      throw new Error(
        `${method} ${url} is not a demo control; use POST /kube/down, POST /kube/up or GET /`,
      );
    }
    return { ...this.urls, kubeDown: this.#kubeDown };
  }

  async stop(): Promise<void> {
    clearInterval(this.#liveTraffic);
    await new Promise(resolve => this.#control.close(resolve));
    await Promise.all([
      this.#kube.stop(),
      this.#loki.stop(),
      this.#prometheus.stop(),
    ]);
  }
}
