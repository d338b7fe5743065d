import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isReservedName } from '@internal/backstage-plugin-atonix-serverless-common';
import { parse } from 'yaml';
import {
  BuiltObject,
  CLUSTERS,
  REPO_ROOT,
  fluxGraph,
  kustomize,
} from '../__testUtils__/kustomize';

/**
 * The Flux entry points and the platform layer of the committed GitOps tree, built with the real
 * `kustomize build` exactly as kustomize-controller would build each path.
 */

const ofKind = (objects: BuiltObject[], kind: string) =>
  objects.filter(object => object.kind === kind);

/** The HelmRelease of `chart` in the controllers every cluster installs. */
async function controllersRelease(chart: string): Promise<BuiltObject> {
  const base = 'gitops/infrastructure/controllers/base';
  const release = ofKind(
    await kustomize(join(REPO_ROOT, base)),
    'HelmRelease',
  ).find(r => r.spec.chart.spec.chart === chart);
  if (!release) throw new Error(`${base} installs no ${chart} chart`);
  return release;
}

describe.each(CLUSTERS)('the %s cluster', cluster => {
  let graph: Awaited<ReturnType<typeof fluxGraph>>;
  let clusterObjects: BuiltObject[];

  beforeAll(async () => {
    graph = await fluxGraph(cluster);
    clusterObjects = graph.builds.get(`./gitops/clusters/${cluster}`)!;
  });

  it('builds every folder Flux points at with kustomize', () => {
    expect([...graph.builds.keys()]).toEqual(
      expect.arrayContaining([
        `./gitops/clusters/${cluster}`,
        `./gitops/infrastructure/controllers/${cluster}`,
        `./gitops/infrastructure/configs/${cluster}`,
        './gitops/tenants',
        './gitops/functions/payments',
        './gitops/functions/analytics',
      ]),
    );
    const empty = [...graph.builds]
      .filter(([, objects]) => objects.length === 0)
      .map(([path]) => path);
    expect(empty).toEqual([]);
  });

  it('reconciles controllers, then configs, then tenants, each waiting for the one before', () => {
    // flux-system is bootstrap's own sync of this folder (checked in the lockdown test).
    const kustomizations = ofKind(clusterObjects, 'Kustomization').filter(
      k => k.metadata.name !== 'flux-system',
    );
    const byName = new Map(kustomizations.map(k => [k.metadata.name, k]));
    expect([...byName.keys()].sort()).toEqual([
      'infra-configs',
      'infra-controllers',
      'tenants',
    ]);
    expect(byName.get('infra-controllers')!.spec.dependsOn).toBeUndefined();
    expect(byName.get('infra-configs')!.spec.dependsOn).toEqual([
      { name: 'infra-controllers' },
    ]);
    expect(byName.get('tenants')!.spec.dependsOn).toEqual([
      { name: 'infra-configs' },
    ]);
    for (const kustomization of kustomizations) {
      expect(kustomization.spec).toMatchObject({
        interval: expect.any(String),
        timeout: expect.any(String),
        prune: true,
        wait: true,
        // The controllers default to the powerless `default` account; platform syncs say who they are.
        serviceAccountName: 'kustomize-controller',
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      });
    }
  });

  it('locks Flux down for multi-tenancy once bootstrap adds the controllers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atonix-flux-system-'));
    try {
      const fluxSystem = join(
        REPO_ROOT,
        'gitops/clusters',
        cluster,
        'flux-system',
      );
      for (const file of ['kustomization.yaml', 'gotk-sync.yaml']) {
        await writeFile(
          join(dir, file),
          await readFile(join(fluxSystem, file)),
        );
      }
      // What `flux bootstrap` writes into gotk-components.yaml, reduced to the patched fields.
      const controllers = [
        'source-controller',
        'kustomize-controller',
        'helm-controller',
        'notification-controller',
      ];
      await writeFile(
        join(dir, 'gotk-components.yaml'),
        controllers
          .map(name =>
            [
              'apiVersion: apps/v1',
              'kind: Deployment',
              `metadata: {name: ${name}, namespace: flux-system}`,
              `spec: {template: {spec: {containers: [{name: manager, args: [--log-level=info]}]}}}`,
            ].join('\n'),
          )
          .join('\n---\n'),
      );
      const objects = await kustomize(dir);
      const args = Object.fromEntries(
        ofKind(objects, 'Deployment').map(d => [
          d.metadata.name,
          d.spec.template.spec.containers[0].args,
        ]),
      );
      expect(args['kustomize-controller']).toEqual(
        expect.arrayContaining([
          '--no-cross-namespace-refs=true',
          '--no-remote-bases=true',
          '--default-service-account=default',
        ]),
      );
      expect(args['helm-controller']).toEqual(
        expect.arrayContaining([
          '--no-cross-namespace-refs=true',
          '--default-service-account=default',
        ]),
      );
      expect(args['notification-controller']).toContain(
        '--no-cross-namespace-refs=true',
      );
      expect(args['source-controller']).toEqual(['--log-level=info']);
      const root = ofKind(objects, 'Kustomization')[0];
      expect(root.spec).toMatchObject({
        path: `./gitops/clusters/${cluster}`,
        serviceAccountName: 'kustomize-controller',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('installs every chart at a pinned version from a source Flux may use', () => {
    const controllers = graph.builds.get(
      `./gitops/infrastructure/controllers/${cluster}`,
    )!;
    const repositories = new Set(
      ofKind(controllers, 'HelmRepository').map(
        r => `${r.metadata.namespace}/${r.metadata.name}`,
      ),
    );
    const namespaces = new Set(
      ofKind(controllers, 'Namespace').map(n => n.metadata.name),
    );
    const releases = ofKind(controllers, 'HelmRelease');
    const releaseNames = new Set(releases.map(r => r.metadata.name));
    expect(releases.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const release of releases) {
      const { chart, serviceAccountName, targetNamespace, dependsOn } =
        release.spec;
      const where = `HelmRelease ${release.metadata.name}`;
      if (!/^v?\d+\.\d+\.\d+$/.test(chart.spec.version)) {
        problems.push(
          `${where}: chart version ${chart.spec.version} is not pinned`,
        );
      }
      // --no-cross-namespace-refs: the chart source must sit next to the release.
      const source = `${release.metadata.namespace}/${chart.spec.sourceRef.name}`;
      if (!repositories.has(source)) {
        problems.push(`${where}: no HelmRepository ${source}`);
      }
      if (serviceAccountName !== 'helm-controller') {
        problems.push(
          `${where}: runs as ${serviceAccountName}, not helm-controller`,
        );
      }
      if (!namespaces.has(targetNamespace)) {
        problems.push(`${where}: namespace ${targetNamespace} is not created`);
      }
      for (const { name } of dependsOn ?? []) {
        if (!releaseNames.has(name)) {
          problems.push(`${where}: depends on missing HelmRelease ${name}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('installs upstream manifests only from a release tag, with every image tag pinned', () => {
    const controllers = graph.builds.get(
      `./gitops/infrastructure/controllers/${cluster}`,
    )!;
    const sources = new Map(
      ofKind(controllers, 'GitRepository').map(s => [s.metadata.name, s]),
    );
    expect(graph.upstream.length).toBeGreaterThan(0);
    for (const kustomization of graph.upstream) {
      const source = sources.get(kustomization.spec.sourceRef.name)!;
      expect({
        name: kustomization.metadata.name,
        tag: source.spec.ref?.tag,
      }).toEqual({
        name: kustomization.metadata.name,
        tag: expect.stringMatching(/^v\d+\.\d+\.\d+$/),
      });
      expect(kustomization.spec).toMatchObject({
        prune: true,
        wait: true,
        serviceAccountName: 'kustomize-controller',
      });
      // Upstream installation manifests name their operator `:latest`.
      for (const image of kustomization.spec.images ?? []) {
        expect(image.newTag).toMatch(/^\d+\.\d+\.\d+$/);
      }
      expect(kustomization.spec.images?.length).toBeGreaterThan(0);
    }
  });

  it('gives every namespace it creates an enforced Pod Security level', () => {
    const unlabelled = [...graph.builds.values()]
      .flatMap(objects => ofKind(objects, 'Namespace'))
      .filter(ns => !ns.metadata.labels?.['pod-security.kubernetes.io/enforce'])
      .map(ns => ns.metadata.name);
    expect(unlabelled).toEqual([]);
  });

  it("points Kourier at caller-authz's Service and port, failing closed, and lets only the gateway reach it", async () => {
    const configs = graph.builds.get(
      `./gitops/infrastructure/configs/${cluster}`,
    )!;
    const [serving] = ofKind(configs, 'KnativeServing');
    const kourier = serving.spec.config.kourier;
    const service = ofKind(configs, 'Service').find(
      s => s.metadata.name === 'caller-authz',
    )!;
    const port = service.spec.ports.find((p: any) => p.name === 'grpc').port;
    expect(kourier).toMatchObject({
      'extauthz-host': `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${port}`,
      'extauthz-protocol': 'grpc',
      'extauthz-failure-mode-allow': 'false',
    });
    const [deployment] = ofKind(configs, 'Deployment').filter(
      d => d.metadata.namespace === service.metadata.namespace,
    );
    const container = deployment.spec.template.spec.containers[0];
    expect(container.args).toContain(`-listen=:${port}`);
    // The tag its workflow pushes (.github/workflows/caller-authz.yaml).
    const version = (
      await readFile(join(REPO_ROOT, 'platform/caller-authz/VERSION'), 'utf8')
    ).trim();
    expect(container.image).toBe(`ghcr.io/atonixcorp/caller-authz:${version}`);
    const policy = ofKind(configs, 'NetworkPolicy').find(
      n => n.metadata.namespace === service.metadata.namespace,
    )!;
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' },
            },
            podSelector: { matchLabels: { app: '3scale-kourier-gateway' } },
          },
        ],
        ports: [{ protocol: 'TCP', port }],
      },
    ]);
  });

  it('keeps every platform namespace out of reach of team onboarding', () => {
    const platform = [
      `./gitops/infrastructure/controllers/${cluster}`,
      `./gitops/infrastructure/configs/${cluster}`,
    ].flatMap(path =>
      ofKind(graph.builds.get(path)!, 'Namespace').map(ns => ns.metadata.name),
    );
    // Created by the installs themselves rather than declared here.
    const created = ['rabbitmq-system', 'kourier-system', 'calico-system'];
    const open = [...platform, ...created].filter(
      name => !isReservedName(name),
    );
    expect(open).toEqual([]);
  });
});

describe('OpenFaaS Pro, for a cluster with a licence', () => {
  it('turns the OpenFaaS release into operator mode when a cluster adds the component', async () => {
    const controllers = join(REPO_ROOT, 'gitops/infrastructure/controllers');
    // kustomize only reads folders below the one it builds: the trial overlay sits beside the others.
    const dir = await mkdtemp(join(controllers, '.openfaas-pro-'));
    try {
      await writeFile(
        join(dir, 'kustomization.yaml'),
        'resources: [../production]\ncomponents: [../openfaas-pro]\n',
      );
      const openfaas = ofKind(await kustomize(dir), 'HelmRelease').find(
        r => r.metadata.name === 'openfaas',
      )!;
      expect(openfaas.spec.values).toMatchObject({
        openfaasPro: true,
        clusterRole: true,
        operator: { create: true },
        // The production overlay's own patch still applies.
        gateway: { replicas: 2 },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('per-cluster overlays', () => {
  it.each([
    'gitops/infrastructure/controllers',
    'gitops/infrastructure/configs',
  ])('%s differ between clusters only by patches over base', async folder => {
    for (const cluster of CLUSTERS) {
      const kustomization = parse(
        await readFile(
          join(REPO_ROOT, folder, cluster, 'kustomization.yaml'),
          'utf8',
        ),
      );
      expect({ cluster, resources: kustomization.resources }).toEqual({
        cluster,
        resources: ['../base'],
      });
    }
  });
});

describe('log shipping', () => {
  it('labels Loki streams by namespace, function, Knative service and revision', async () => {
    const shipper = await controllersRelease('fluent-bit');
    expect(shipper.spec.values.kind).toBe('DaemonSet');
    const labelsLine = (shipper.spec.values.config.outputs as string)
      .split('\n')
      .find(line => /^\s*labels\s/.test(line))!;
    const labels = Object.fromEntries(
      labelsLine
        .trim()
        .replace(/^labels\s+/, '')
        .split(/,\s*/)
        .map(pair => pair.split('=')),
    );
    expect(labels).toMatchObject({
      namespace: "$kubernetes['namespace_name']",
      backstage_io_kubernetes_id:
        "$kubernetes['labels']['backstage.io/kubernetes-id']",
      serving_knative_dev_service:
        "$kubernetes['labels']['serving.knative.dev/service']",
      serving_knative_dev_revision:
        "$kubernetes['labels']['serving.knative.dev/revision']",
    });
  });
});

describe('custom-metric autoscaling', () => {
  it('serves the atonix_scaling_* series that HPA-class functions scale on', async () => {
    const adapter = await controllersRelease('prometheus-adapter');
    const [rule] = adapter.spec.values.rules.custom;
    expect(adapter.spec.values.rules.default).toBe(false);
    expect(rule.resources.overrides).toEqual({
      namespace: { resource: 'namespace' },
      pod: { resource: 'pod' },
    });

    const functionsRoot = join(REPO_ROOT, 'gitops/functions');
    const metrics: string[] = [];
    const teams = (await readdir(functionsRoot, { withFileTypes: true }))
      .filter(entry => entry.isDirectory())
      .map(entry => entry.name);
    for (const team of teams) {
      for (const service of ofKind(
        await kustomize(join(functionsRoot, team)),
        'Service',
      )) {
        const annotations = service.spec?.template?.metadata?.annotations ?? {};
        if (
          annotations['autoscaling.knative.dev/class'] ===
          'hpa.autoscaling.knative.dev'
        ) {
          metrics.push(annotations['autoscaling.knative.dev/metric']);
        }
      }
    }
    const custom = metrics.filter(m => !['cpu', 'memory'].includes(m));
    // The platform's examples include a critical function on a custom metric.
    expect(custom.length).toBeGreaterThan(0);
    const served = new RegExp(rule.name.matches);
    expect(custom.filter(metric => !served.test(metric))).toEqual([]);
  });
});
