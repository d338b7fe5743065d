import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { renderTenantKustomization } from '../render/tenant';
import {
  BuiltObject,
  CLUSTERS,
  REPO_ROOT,
  kustomize,
  kustomizeText,
  parseObjects,
} from '../__testUtils__/kustomize';

/**
 * Each team folder in gitops/tenants, built with the real `kustomize build`: the namespace and
 * everything that keeps a team inside it.
 */

const TENANTS = join(REPO_ROOT, 'gitops/tenants');

function only(objects: BuiltObject[], kind: string, name?: string) {
  const found = objects.filter(
    o => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  expect({ kind, name, count: found.length }).toEqual({ kind, name, count: 1 });
  return found[0];
}

/** Which namespaces an ingress or egress peer list admits, by kubernetes.io/metadata.name. */
function peerNamespaces(peers: any[] = []): string[] {
  return peers
    .map(
      peer =>
        peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'],
    )
    .filter((name): name is string => name !== undefined);
}

async function listedTeams(): Promise<string[]> {
  const [kustomization] = parseObjects(
    await readFile(join(TENANTS, 'kustomization.yaml'), 'utf8'),
  ) as unknown as { resources: string[] }[];
  return kustomization.resources.filter(folder => folder !== 'common');
}

const QUANTITY_UNITS: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes resource quantity ('500m', '16Gi', '8') as a number, for comparing two of them. */
function quantity(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) throw new Error(`${text} is not a quantity this test reads`);
  return Number(match[1]) * QUANTITY_UNITS[match[2] ?? ''];
}

describe('gitops/tenants', () => {
  it('lists every team once, next to the cluster-wide objects they share', async () => {
    const teams = await listedTeams();
    expect(teams).toEqual(expect.arrayContaining(['payments', 'analytics']));
    const objects = await kustomize(TENANTS);
    expect(
      objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name),
    ).toEqual(expect.arrayContaining(teams));
    only(objects, 'ClusterRole', 'atonix-function-reconciler');
  });

  it('refuses workloads that run as flux-tenant in every team namespace', async () => {
    const objects = await kustomize(TENANTS);
    const binding = only(
      objects,
      'ValidatingAdmissionPolicyBinding',
      'atonix-no-workload-as-flux-tenant',
    );
    expect(binding.spec.validationActions).toEqual(['Deny']);
    const [{ key }] = binding.spec.matchResources.namespaceSelector
      .matchExpressions as { key: string }[];
    const unguarded = objects
      .filter(o => o.kind === 'Namespace' && !o.metadata.labels?.[key])
      .map(o => o.metadata.name);
    expect(unguarded).toEqual([]);
    const policy = only(
      objects,
      'ValidatingAdmissionPolicy',
      'atonix-no-workload-as-flux-tenant',
    );
    expect(
      policy.spec.validations.map((v: { expression: string }) =>
        v.expression.includes("'flux-tenant'"),
      ),
    ).toEqual([true, true]);
  });

  it.each(CLUSTERS)(
    'takes the %s cluster quota patch on every team',
    async cluster => {
      const [tenantsSync] = parseObjects(
        await readFile(
          join(REPO_ROOT, 'gitops/clusters', cluster, 'tenants.yaml'),
          'utf8',
        ),
      );
      // Flux applies spec.patches after building the path; kustomize applies them the same way.
      const dir = await mkdtemp(join(tmpdir(), 'atonix-tenants-'));
      try {
        await writeFile(
          join(dir, 'tenants.yaml'),
          await kustomizeText(TENANTS),
        );
        await writeFile(
          join(dir, 'kustomization.yaml'),
          stringify({
            resources: ['tenants.yaml'],
            patches: tenantsSync.spec.patches,
          }),
        );
        const quotas = (await kustomize(dir)).filter(
          o => o.kind === 'ResourceQuota',
        );
        const teams = await listedTeams();
        expect(quotas.map(q => q.metadata.namespace).sort()).toEqual(
          [...teams].sort(),
        );
        const operations = parse(tenantsSync.spec.patches[0].patch) as {
          path: string;
          value: string;
        }[];
        const expected = Object.fromEntries(
          operations.map(op => [op.path.replace('/spec/hard/', ''), op.value]),
        );
        for (const quota of quotas) {
          expect(quota.spec.hard).toMatchObject(expected);
          // A quota whose requests exceed its limits admits pods it can never fit.
          const overcommitted = ['cpu', 'memory'].filter(resource => {
            const requests = quota.spec.hard[`requests.${resource}`];
            const limits = quota.spec.hard[`limits.${resource}`];
            return (
              requests !== undefined &&
              limits !== undefined &&
              quantity(String(requests)) > quantity(String(limits))
            );
          });
          expect({
            namespace: quota.metadata.namespace,
            overcommitted,
          }).toEqual({
            namespace: quota.metadata.namespace,
            overcommitted: [],
          });
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe.each(['payments', 'analytics'])('the %s tenant', team => {
  let objects: BuiltObject[];

  beforeAll(async () => {
    objects = await kustomize(join(TENANTS, team));
  });

  it('keeps every object in its own namespace, labelled with the team', () => {
    for (const object of objects) {
      const where = `${object.kind} ${object.metadata.name}`;
      expect({ where, namespace: object.metadata.namespace }).toEqual({
        where,
        namespace: object.kind === 'Namespace' ? undefined : team,
      });
      expect({
        where,
        team: object.metadata.labels?.['atonix.io/team'],
      }).toEqual({ where, team });
    }
  });

  it('is what the team-onboarding renderer writes for a new team', async () => {
    const committed = await readFile(
      join(TENANTS, team, 'kustomization.yaml'),
      'utf8',
    );
    const alertEmail =
      parse(committed).patches[0].patch.match(/to: (\S+)/)?.[1] ?? '';
    expect(parse(committed)).toEqual(
      parse(renderTenantKustomization(team, alertEmail)),
    );
  });

  it('gets a namespace with an enforced Pod Security level', () => {
    const namespace = only(objects, 'Namespace', team);
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': expect.stringMatching(
        /^(baseline|restricted)$/,
      ),
    });
  });

  it('syncs its own functions folder as its own service account', () => {
    const sync = only(objects, 'Kustomization', 'functions');
    expect(sync.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(sync.spec).toMatchObject({
      path: `./gitops/functions/${team}`,
      targetNamespace: team,
      serviceAccountName: 'flux-tenant',
      prune: true,
      wait: true,
      interval: expect.any(String),
      sourceRef: { kind: 'GitRepository', name: 'functions' },
    });
    expect(sync.spec.sourceRef.namespace).toBeUndefined();
    // Its SOPS files open with its own key only: a secretRef has no namespace field, and without
    // one the controller would fall back to a cluster-wide key if it had one.
    expect(sync.spec.decryption).toEqual({
      provider: 'sops',
      secretRef: { name: 'sops-age' },
    });
    only(objects, 'GitRepository', 'functions');
    only(objects, 'ServiceAccount', 'flux-tenant');
  });

  it('binds the Flux tenant account inside the namespace only', () => {
    expect(objects.filter(o => o.kind === 'ClusterRoleBinding')).toEqual([]);
    const binding = only(objects, 'RoleBinding', 'flux-tenant');
    expect(binding.roleRef).toMatchObject({
      kind: 'ClusterRole',
      name: 'atonix-function-reconciler',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'flux-tenant', namespace: team },
    ]);
  });

  it('gives the team Group read-only access without Secrets', () => {
    const binding = only(objects, 'RoleBinding', 'team-viewers');
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: team },
    ]);
    const role = only(objects, 'Role', binding.roleRef!.name);
    for (const rule of role.rules!) {
      expect(
        rule.verbs.filter(v => !['get', 'list', 'watch'].includes(v)),
      ).toEqual([]);
      expect(rule.resources).not.toContain('secrets');
      expect(rule.resources).not.toContain('*');
    }
  });

  it('has a ResourceQuota and a LimitRange', () => {
    expect(only(objects, 'ResourceQuota', 'functions').spec.hard).toMatchObject(
      {
        'requests.cpu': expect.any(String),
        'requests.memory': expect.any(String),
        pods: expect.any(String),
      },
    );
    expect(only(objects, 'LimitRange').spec.limits[0].defaultRequest).toEqual({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
  });

  it('denies all traffic by default', () => {
    const deny = only(objects, 'NetworkPolicy', 'default-deny');
    expect(deny.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('lets in Knative, eventing and the Prometheus scrape of queue-proxy', () => {
    const policies = objects.filter(o => o.kind === 'NetworkPolicy');
    const ingressFrom = policies.flatMap(p =>
      (p.spec.ingress ?? []).flatMap((rule: any) => peerNamespaces(rule.from)),
    );
    expect(ingressFrom).toEqual(
      expect.arrayContaining([
        'knative-serving',
        'kourier-system',
        'knative-eventing',
        'monitoring',
      ]),
    );
    const scrape = policies.find(p =>
      (p.spec.ingress ?? []).some((rule: any) =>
        peerNamespaces(rule.from).includes('monitoring'),
      ),
    )!;
    // queue-proxy's request metrics, and a critical function's own /metrics on its serving port.
    expect(scrape.spec.ingress[0].ports).toEqual([
      { protocol: 'TCP', port: 9091 },
      { protocol: 'TCP', port: 'user-port' },
    ]);
  });

  it('lets functions resolve names and reach the broker', () => {
    const policies = objects.filter(o => o.kind === 'NetworkPolicy');
    const egressTo = policies.flatMap(p =>
      (p.spec.egress ?? []).flatMap((rule: any) => peerNamespaces(rule.to)),
    );
    expect(egressTo).toEqual(
      expect.arrayContaining(['kube-system', 'knative-eventing']),
    );
  });

  it("reaches Knative Serving only at the Kourier gateway's listeners, so no call skips caller-authz through the activator", () => {
    const rules = objects
      .filter(o => o.kind === 'NetworkPolicy')
      .flatMap(p => p.spec.egress ?? [])
      .filter((rule: any) =>
        peerNamespaces(rule.to).some(ns =>
          ['knative-serving', 'kourier-system'].includes(ns),
        ),
      );
    expect(rules).toHaveLength(1);
    for (const peer of rules[0].to) {
      expect(peer.podSelector).toEqual({
        matchLabels: { app: '3scale-kourier-gateway' },
      });
    }
    expect(rules[0].ports.map((p: any) => p.port)).toEqual([
      8080, 8081, 8443, 8444,
    ]);
  });

  it('has the Broker its CloudEvents functions subscribe to', () => {
    expect(only(objects, 'Broker', 'default').apiVersion).toBe(
      'eventing.knative.dev/v1',
    );
  });

  it("pulls the team's private images with its ghcr-pull secret", () => {
    expect(only(objects, 'ServiceAccount', 'default').imagePullSecrets).toEqual(
      [{ name: 'ghcr-pull' }],
    );
  });
});
