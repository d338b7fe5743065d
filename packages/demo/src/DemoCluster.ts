import fs from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  AlertmanagerProcess,
  FIXTURE_CRDS,
  KubeApiServerProcess,
  KubeObject,
  LokiTestServer,
  PrometheusProcess,
  portalReader,
  readManifests,
} from '@internal/atonix-test-servers';
import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import {
  GitOpsTree,
  GitRepositoryGitOpsSource,
  parseFunctionFile,
} from '@internal/backstage-plugin-atonix-serverless-node';
import {
  demoKnativeService,
  demoKubeObjects,
  demoLogs,
  demoSeries,
  readExampleFunctions,
  trafficOf,
} from './demoFleet';
import { LIVE_TRAFFIC_STEP_MS, nextSamples } from './liveTraffic';

/** Fixed ports, so app-config.demo.yaml can name them. */
export interface DemoPorts {
  kube: number;
  loki: number;
  prometheus: number;
  /** The control endpoint; see {@link DemoCluster.start}. */
  control: number;
  alertmanager: number;
}

export const DEFAULT_DEMO_PORTS: DemoPorts = {
  kube: 7021,
  loki: 7022,
  prometheus: 7023,
  control: 7024,
  alertmanager: 7025,
};

/** The alert the demo keeps firing, from the rules rendered for this function. */
const DEMO_ALERT = {
  folder: 'functions/payments/charge-card',
  alertname: 'FunctionErrorBudgetFastBurn',
  value: '16%',
};
/**
 * The demo's Flux: how often it looks for a new commit on the GitOps repository's `main`, and how
 * long after finding one it reports it applied (a real Flux applies at its interval, or at once on
 * "Sync now"), so the portal shows a change pending first, then applied.
 */
const FLUX_POLL_MS = 2_000;
export const FLUX_APPLY_DELAY_MS = 8_000;

/** Alertmanager resolves an alert its sender stops repeating; the demo repeats it this often. */
const DEMO_ALERT_REPEAT_MS = 60_000;

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
 *
 * The same port stands for the cluster's ingress and Flux's webhook receiver (app-config.demo.yaml):
 *
 * - `/ingress/<path>`: answers a test request as the function its Host header names would, after a
 *   pause like a cold start's when that function is scaled to zero
 * - `POST /flux/hook/demo-<team>`: reconciles the team's Kustomization as Flux would on a Receiver
 *   call: `lastHandledReconcileAt` moves, and a Ready one applies the GitOps repository's head
 *
 * With the GitOps repository, it also plays Flux's interval: {@link FLUX_APPLY_DELAY_MS} after a new
 * commit on `main` (a traffic change or a secret from the portal), every Ready team Kustomization
 * reports that commit applied and each Knative function whose `function.yaml` the commit changed
 * routes as that file now says.
 */
export class DemoCluster {
  readonly #kube: KubeApiServerProcess;
  readonly #loki: LokiTestServer;
  readonly #prometheus: PrometheusProcess;
  readonly #alertmanager: AlertmanagerProcess;
  readonly #control: http.Server;
  #kubeDown = false;
  #liveTraffic?: NodeJS.Timeout;
  #firing?: NodeJS.Timeout;
  #fluxPoll?: NodeJS.Timeout;
  readonly #fluxApplies = new Set<NodeJS.Timeout>();
  /** The function.yaml texts the Knative Services route by, by path (what Flux last applied). */
  #routedFiles = new Map<string, string>();

  readonly #specs: FunctionSpec[];
  readonly #objects: KubeObject[];
  readonly #gitopsRepo?: string;

  static async start(options: {
    gitopsDir: string;
    ports: DemoPorts;
    /** Clone URL of the GitOps repository the portal reads (its `main` is what "Flux" applies). */
    gitopsRepo?: string;
  }): Promise<DemoCluster> {
    const specs = await readExampleFunctions(options.gitopsDir);
    const appliedTree = await headTree(options.gitopsRepo);
    const applied = appliedTree && `main@sha1:${appliedTree.revision}`;
    const objects = demoKubeObjects(specs, applied);
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
    await kube.apply(...portalReader(options.gitopsDir), ...objects);
    const loki = await LokiTestServer.start({ port: options.ports.loki });
    loki.push(demoLogs(specs));
    const prometheus = await PrometheusProcess.start({
      port: options.ports.prometheus,
    });
    const seededAt = Date.now();
    const series = demoSeries(specs, seededAt);
    await prometheus.write(series);
    const alertmanager = await AlertmanagerProcess.start({
      port: options.ports.alertmanager,
    });
    const alert = await demoAlert(options.gitopsDir);
    const fire = () =>
      alertmanager.post([
        {
          ...alert,
          endsAt: new Date(Date.now() + 3 * DEMO_ALERT_REPEAT_MS).toISOString(),
        },
      ]);
    await fire();
    const cluster = new DemoCluster(kube, loki, prometheus, alertmanager, {
      specs,
      objects,
      gitopsRepo: options.gitopsRepo,
    });
    cluster.#firing = setInterval(() => {
      fire().catch(error =>
        console.warn(`demo alert not repeated: ${error.message}`),
      );
    }, DEMO_ALERT_REPEAT_MS);
    if (options.gitopsRepo) {
      cluster.#followGitops(options.gitopsRepo, appliedTree);
    }
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
    alertmanager: AlertmanagerProcess,
    fleet: {
      specs: FunctionSpec[];
      objects: KubeObject[];
      gitopsRepo?: string;
    },
  ) {
    this.#kube = kube;
    this.#loki = loki;
    this.#prometheus = prometheus;
    this.#alertmanager = alertmanager;
    this.#specs = fleet.specs;
    this.#objects = fleet.objects;
    this.#gitopsRepo = fleet.gitopsRepo;
    this.#control = http.createServer((req, res) => {
      if (req.url?.startsWith('/ingress/')) {
        this.#ingress(req, res);
        return;
      }
      if (req.method === 'POST' && req.url?.startsWith('/flux/hook/')) {
        this.#fluxHook(req.url.slice('/flux'.length)).then(
          () => res.writeHead(200).end(),
          (error: Error) => res.writeHead(404).end(error.message),
        );
        return;
      }
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
      alertmanager: this.#alertmanager.url,
    };
  }

  /** A function's answer to a test request: what it received, after a cold start when it has no pod. */
  #ingress(req: http.IncomingMessage, res: http.ServerResponse) {
    const host = req.headers.host ?? '';
    const spec = this.#specs.find(
      s => host.startsWith(`${s.name}.`) || host.includes(`-${s.name}.`),
    );
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      if (!spec) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`No function answers to ${host} in the demo cluster`);
        return;
      }
      const cloudEvent = Boolean(
        req.headers['ce-type'] ||
          req.headers['content-type']?.startsWith('application/cloudevents'),
      );
      setTimeout(
        () => {
          res.writeHead(cloudEvent ? 202 : 200, {
            'content-type': 'application/json',
          });
          res.end(
            JSON.stringify({
              function: spec.name,
              method: req.method,
              path: req.url!.slice('/ingress'.length),
              received: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
        trafficOf(spec).replicas === 0 ? 1500 : 20,
      );
    });
  }

  /** What Flux does on a Receiver call: reconcile the Kustomization the Receiver names. */
  async #fluxHook(webhookPath: string) {
    // Flux objects as the fixtures build them; their spec and status are read field by field.
    const objects = this.#objects as Array<
      KubeObject & { spec?: any; status?: any }
    >;
    const receiver = objects.find(
      o => o.kind === 'Receiver' && o.status?.webhookPath === webhookPath,
    );
    const name = receiver?.spec?.resources[0].name;
    const kustomization = objects.find(
      o => o.kind === 'Kustomization' && o.metadata.name === name,
    );
    if (!kustomization) {
      throw new Error(`No Receiver of the demo cluster serves ${webhookPath}`);
    }
    const head = isReady(kustomization)
      ? await headTree(this.#gitopsRepo)
      : undefined;
    const revision = head && `main@sha1:${head.revision}`;
    await this.#reconciled(kustomization, revision, {
      lastHandledReconcileAt: new Date().toISOString(),
    });
  }

  /** A Kustomization's status after a reconcile that applied `revision` (none: applied nothing new). */
  async #reconciled(
    kustomization: KubeObject & { status?: any },
    revision: string | undefined,
    extra: Record<string, string> = {},
  ) {
    kustomization.status = {
      ...kustomization.status,
      ...extra,
      ...(revision
        ? {
            lastAppliedRevision: revision,
            lastAttemptedRevision: revision,
            conditions: [
              {
                ...kustomization.status.conditions[0],
                message: `Applied revision: ${revision}`,
                lastTransitionTime: new Date().toISOString(),
              },
            ],
          }
        : {}),
    };
    await this.#kube.setStatus(kustomization, kustomization.status);
  }

  /** Flux's interval: each new commit on `main` is applied {@link FLUX_APPLY_DELAY_MS} later. */
  #followGitops(gitopsRepo: string, applied: GitOpsTree | undefined) {
    const source = new GitRepositoryGitOpsSource({
      url: gitopsRepo,
      branch: 'main',
    });
    let seen = applied?.revision;
    if (applied) this.#routedFiles = functionFiles(applied);
    let reading = false;
    this.#fluxPoll = setInterval(() => {
      if (reading) return;
      reading = true;
      source
        .read(seen)
        .then(tree => {
          if (!tree) return;
          seen = tree.revision;
          const apply = setTimeout(() => {
            this.#fluxApplies.delete(apply);
            this.#applyCommit(tree).catch(error =>
              console.warn(
                `demo: commit ${tree.revision} not applied: ${error.message}`,
              ),
            );
          }, FLUX_APPLY_DELAY_MS);
          this.#fluxApplies.add(apply);
        })
        .catch(error =>
          console.warn(
            `demo: the GitOps repository could not be read: ${error.message}`,
          ),
        )
        .finally(() => {
          reading = false;
        });
    }, FLUX_POLL_MS);
  }

  /**
   * What Flux and Knative do with a new commit: each Ready team Kustomization applies it, and each
   * Knative function of such a team routes as its `function.yaml` at that commit says.
   */
  async #applyCommit(tree: GitOpsTree) {
    const revision = `main@sha1:${tree.revision}`;
    const objects = this.#objects as Array<KubeObject & { status?: any }>;
    const ready = objects.filter(
      o =>
        o.kind === 'Kustomization' &&
        isReady(o) &&
        this.#specs.some(spec => o.metadata.name === `functions-${spec.team}`),
    );
    // What Flux applies first, then reports applied. A function.yaml that did not change leaves its
    // Service as it is (Flux applying the same manifests changes nothing), so the demo's seeded
    // roll-out split stays until that function's own split is changed in git.
    const files = functionFiles(tree);
    for (const spec of this.#specs) {
      const file = functionFilePath(spec);
      const content = files.get(file);
      if (
        spec.runtime !== 'knative' ||
        !ready.some(k => k.metadata.name === `functions-${spec.team}`) ||
        content === undefined ||
        content === this.#routedFiles.get(file)
      ) {
        continue;
      }
      const parsed = parseFunctionFile(content);
      if (parsed.success) {
        await this.#kube.apply(
          ...demoKnativeService(parsed.spec, { followGit: true }),
        );
        this.#routedFiles.set(file, content);
      }
    }
    for (const kustomization of ready) {
      await this.#reconciled(kustomization, revision);
    }
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
    clearInterval(this.#firing);
    clearInterval(this.#fluxPoll);
    for (const apply of this.#fluxApplies) clearTimeout(apply);
    await new Promise(resolve => this.#control.close(resolve));
    await Promise.all([
      this.#kube.stop(),
      this.#loki.stop(),
      this.#prometheus.stop(),
      this.#alertmanager.stop(),
    ]);
  }
}

function isReady(kustomization: KubeObject & { status?: any }) {
  return kustomization.status?.conditions?.[0]?.status === 'True';
}

function functionFilePath(spec: FunctionSpec) {
  return `gitops/functions/${spec.team}/${spec.name}/function.yaml`;
}

/** The function.yaml texts of a tree, by path. */
function functionFiles(tree: GitOpsTree): Map<string, string> {
  return new Map(
    tree.files
      .filter(f => f.path.endsWith('/function.yaml'))
      .map(f => [f.path, f.content]),
  );
}

/** The head of the GitOps repository's main (what Flux reports applied); undefined without it. */
async function headTree(
  gitopsRepo: string | undefined,
): Promise<GitOpsTree | undefined> {
  if (!gitopsRepo) return undefined;
  try {
    return await new GitRepositoryGitOpsSource({
      url: gitopsRepo,
      branch: 'main',
    }).read();
  } catch (error) {
    console.warn(
      `demo: the GitOps repository ${gitopsRepo} could not be read (${
        (error as Error).message
      }); Flux's applied revision stays a made-up one`,
    );
    return undefined;
  }
}

/**
 * One alert of the rules rendered into a function's folder (`alerts.yaml`), as Prometheus would
 * send it while it fires: the rule's labels and its summary with the demo's figure for `$value`.
 */
async function demoAlert(gitopsDir: string) {
  const rule = readManifests(
    await fs.readFile(
      path.join(gitopsDir, DEMO_ALERT.folder, 'alerts.yaml'),
      'utf8',
    ),
  )
    .flatMap(
      o =>
        ((o as KubeObject & { spec?: any }).spec?.groups ?? []) as Array<{
          rules: any[];
        }>,
    )
    .flatMap(group => group.rules)
    .find(r => r.alert === DEMO_ALERT.alertname);
  if (!rule) {
    throw new Error(
      `${DEMO_ALERT.folder}/alerts.yaml has no alert ${DEMO_ALERT.alertname} to fire in the demo; render the function again (yarn atonix render)`,
    );
  }
  return {
    labels: { alertname: rule.alert, ...rule.labels } as Record<string, string>,
    annotations: {
      summary: String(rule.annotations?.summary ?? '').replace(
        /\{\{[^}]*\}\}/g,
        DEMO_ALERT.value,
      ),
    },
    startsAt: new Date().toISOString(),
  };
}
