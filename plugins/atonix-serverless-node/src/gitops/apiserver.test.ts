/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectGuarded"] }] */
import { join } from 'node:path';
import {
  KubeApiServerProcess,
  KubeObject,
  eventually,
} from '@internal/atonix-test-servers';
import { chargeCardSpec } from '../__testUtils__/functionSpec';
import { renderCallersPolicy } from '../render/callers';
import {
  BuiltObject,
  CLUSTERS,
  REPO_ROOT,
  fluxGraph,
  kustomize,
} from '../__testUtils__/kustomize';
import { decryptLikeFlux, testKeyFile } from '../__testUtils__/sopsTools';

/**
 * The committed GitOps tree against the real Kubernetes API server (tools/kube-apiserver) with the
 * CRDs generated from the upstream projects' Go types (tools/crds): what Flux would apply is
 * accepted by the server's own schemas, and the tenancy RBAC is checked by the real authorizer.
 */

const TEAMS = ['payments', 'analytics'];

// Kinds whose Go API types the module proxy here does not serve (tools/crds/README.md), so no CRD
// is installed for them; their objects are listed as not checked, never silently passed.
const CHART_ONLY_KINDS = new Set<string>([
  'operator.tigera.io/v1/Installation',
  'operator.knative.dev/v1beta1/KnativeServing',
  'operator.knative.dev/v1beta1/KnativeEventing',
  'rabbitmq.com/v1beta1/RabbitmqCluster',
  'cert-manager.io/v1/ClusterIssuer',
]);

type Row = { where: string; object: string; verdict: string };

function printTable(title: string, rows: Row[]) {
  const width = (key: keyof Row) =>
    Math.max(key.length, ...rows.map(row => row[key].length));
  const line = (row: Row) =>
    `${row.where.padEnd(width('where'))}  ${row.object.padEnd(
      width('object'),
    )}  ${row.verdict}`;
  // eslint-disable-next-line no-console
  console.log(
    [
      title,
      line({ where: 'where', object: 'object', verdict: 'verdict' }),
      ...rows.map(line),
    ].join('\n'),
  );
}

// What kustomize builds always has apiVersion and kind (it refuses a resource without them).
const wire = (object: BuiltObject) => object as KubeObject;

const describeObject = (object: BuiltObject) =>
  `${object.kind} ${
    object.metadata.namespace ? `${object.metadata.namespace}/` : ''
  }${object.metadata.name}`;

jest.setTimeout(300_000);

describe('gitops/ on a real Kubernetes API server', () => {
  let server: KubeApiServerProcess;

  beforeAll(async () => {
    // The CRDs of every custom kind the tree uses, except those with none to be had here.
    const kinds = new Set<string>();
    for (const cluster of CLUSTERS) {
      for (const objects of (await fluxGraph(cluster)).builds.values()) {
        for (const { apiVersion, kind } of objects) {
          const group = apiVersion!.includes('/')
            ? apiVersion!.split('/')[0]
            : '';
          if (
            group.includes('.') &&
            !group.endsWith('.k8s.io') &&
            !CHART_ONLY_KINDS.has(`${apiVersion}/${kind}`)
          ) {
            kinds.add(`${group}/${kind}`);
          }
        }
      }
    }
    server = await KubeApiServerProcess.start({ crds: [...kinds] });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each(CLUSTERS)(
    'every object Flux applies on %s passes a server-side apply (dry run) against the upstream schemas',
    async cluster => {
      const { builds } = await fluxGraph(cluster);
      // A Flux Kustomization's targetNamespace moves every object of its path (team syncs use it).
      const targetNamespaces = new Map<string, string>();
      for (const objects of builds.values()) {
        for (const object of objects) {
          if (object.spec?.targetNamespace && object.spec?.path) {
            targetNamespaces.set(object.spec.path, object.spec.targetNamespace);
          }
        }
      }
      const rows: Row[] = [];
      for (const [path, encrypted] of builds) {
        const objects = await decryptLikeFlux(encrypted, object =>
          testKeyFile(cluster, object.metadata.namespace!),
        );
        // Namespaces for real first: the namespaced objects of the path are dry-run inside them.
        for (const namespace of objects.filter(o => o.kind === 'Namespace')) {
          await server.apply(wire(namespace));
        }
        const target = targetNamespaces.get(path);
        for (const built of objects) {
          const object =
            target && built.metadata.namespace
              ? { ...built, metadata: { ...built.metadata, namespace: target } }
              : built;
          const kind = `${object.apiVersion}/${object.kind}`;
          const served = await server.serves(object.apiVersion!, object.kind!);
          let verdict: string;
          if (!served) {
            verdict = CHART_ONLY_KINDS.has(kind)
              ? 'not checked: CRD only in its chart'
              : `REFUSED: no CRD for ${kind}`;
          } else {
            const result = await server.tryApply(wire(object), {
              dryRun: true,
            });
            if (result.status >= 300) {
              verdict = `REFUSED ${result.status}: ${result.message}`;
            } else if (server.openSchemaKinds.has(kind)) {
              verdict =
                'stored, not checked: open-schema CRD (tools/crds frames)';
            } else {
              verdict = 'accepted';
            }
          }
          rows.push({ where: path, object: describeObject(object), verdict });
        }
      }
      printTable(`Server-side apply (dry run) of ${cluster}`, rows);
      expect(rows.filter(row => row.verdict.startsWith('REFUSED'))).toEqual([]);
      expect(
        rows.filter(row => row.verdict === 'accepted').length,
      ).toBeGreaterThan(rows.length / 2);
    },
  );

  describe('tenancy: a team reconciler changes its own namespace and nothing else', () => {
    const rows: Row[] = [];
    const functionsOf = new Map<string, BuiltObject[]>();

    beforeAll(async () => {
      // The tenants layer as Flux applies it (as kustomize-controller, with cluster-admin rights).
      for (const object of await kustomize(join(REPO_ROOT, 'gitops/tenants'))) {
        if (await server.serves(object.apiVersion!, object.kind!)) {
          await server.apply(wire(object));
        }
      }
      for (const team of TEAMS) {
        functionsOf.set(
          team,
          await decryptLikeFlux(
            await kustomize(join(REPO_ROOT, 'gitops/functions', team)),
            () => testKeyFile('staging', team),
          ),
        );
      }
    });

    afterAll(() => {
      printTable(
        'Tenancy: server-side apply (dry run) impersonating each team reconciler',
        rows,
      );
    });

    const reconciler = (team: string) =>
      `system:serviceaccount:${team}:flux-tenant`;

    async function verdict(team: string, object: BuiltObject) {
      const result = await server.tryApply(wire(object), {
        dryRun: true,
        impersonate: reconciler(team),
      });
      const row = {
        where: `${team} reconciler`,
        object: describeObject(object),
        verdict:
          result.status < 300
            ? 'allowed'
            : `denied ${result.status}${
                result.status === 403 ? '' : `: ${result.message}`
              }`,
      };
      rows.push(row);
      return row;
    }

    it.each(TEAMS)(
      'lets the %s reconciler apply every object of its own functions folder',
      async team => {
        const objects = functionsOf.get(team)!;
        expect(objects.length).toBeGreaterThan(0);
        expect(objects.map(o => o.metadata.namespace)).toEqual(
          objects.map(() => team),
        );
        for (const object of objects) {
          expect(await verdict(team, object)).toMatchObject({
            verdict: 'allowed',
          });
        }
      },
    );

    it.each(TEAMS)(
      'refuses the %s reconciler everything outside its namespace and every platform object',
      async team => {
        const other = TEAMS.find(t => t !== team)!;
        const forbidden: BuiltObject[] = [
          // Another team's functions, as they are committed.
          ...functionsOf.get(other)!,
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: `${team}-extra` },
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: 'escalate', namespace: team },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'cluster-admin',
            },
            subjects: [
              { kind: 'ServiceAccount', name: 'flux-tenant', namespace: team },
            ],
          } as BuiltObject,
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: `${team}-everything` },
            rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
          } as BuiltObject,
          {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name: 'sneaky', namespace: team },
            spec: {
              interval: '1m',
              path: './gitops/functions',
              prune: false,
              sourceRef: { kind: 'GitRepository', name: 'functions' },
            },
          },
          {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'GitRepository',
            metadata: { name: 'elsewhere', namespace: team },
            spec: { interval: '1m', url: 'https://example.com/repo.git' },
          },
          {
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'functions', namespace: team },
            spec: { hard: { 'requests.cpu': '1000' } },
          },
          ...[
            'flux-system',
            'knative-serving',
            'monitoring',
            'kube-system',
          ].map(
            namespace =>
              ({
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: `${team}-was-here`, namespace },
                data: { team },
              } as BuiltObject),
          ),
        ];
        for (const object of forbidden) {
          expect(await verdict(team, object)).toMatchObject({
            verdict: 'denied 403',
          });
        }
      },
    );

    describe('admission in a team namespace (the real admission plugins, with tenants/ applied)', () => {
      const IMAGE = `ghcr.io/atonixcorp/probe:${'0'.repeat(40)}`;
      const pod = (
        team: string,
        spec: Record<string, unknown> = {},
      ): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'probe', namespace: team },
        spec: { containers: [{ name: 'app', image: IMAGE }], ...spec },
      });
      const knativeServiceAs = (team: string, serviceAccountName: string) => {
        const service = functionsOf
          .get(team)!
          .find(
            o => o.kind === 'Service' && o.apiVersion!.startsWith('serving'),
          );
        const copy = structuredClone(service!) as any;
        copy.spec.template.spec.serviceAccountName = serviceAccountName;
        return copy as KubeObject;
      };
      const GUARD =
        "ValidatingAdmissionPolicy 'atonix-no-workload-as-flux-tenant' with binding 'atonix-no-workload-as-flux-tenant' denied request";

      /**
       * Applies (dry run) `asFluxTenant`, expecting the guard's denial with `message`, then
       * `asDefault`, expecting it admitted. A policy takes effect once the API server has
       * compiled it, asynchronously, hence the wait for the first denial.
       */
      async function expectGuarded(
        asFluxTenant: KubeObject,
        asDefault: KubeObject,
        message: string,
        impersonate?: string,
      ) {
        const denied = await eventually(async () => {
          const result = await server.tryApply(asFluxTenant, {
            dryRun: true,
            impersonate,
          });
          expect(result.status).toBe(422);
          return result;
        });
        expect(denied.message).toContain(GUARD);
        expect(denied.message).toContain(message);
        const admitted = await server.tryApply(asDefault, {
          dryRun: true,
          impersonate,
        });
        expect(admitted.message).toBeUndefined();
        expect(admitted.status).toBeLessThan(300);
      }

      it.each(TEAMS)(
        'denies a Pod running as flux-tenant in %s (tenants/common/flux-tenant-guard.yaml) and admits the same Pod as default',
        team =>
          expectGuarded(
            pod(team, { serviceAccountName: 'flux-tenant' }),
            pod(team, { serviceAccountName: 'default' }),
            'Pods in a team namespace cannot run as flux-tenant',
          ),
      );

      it.each(TEAMS)(
        'denies the %s reconciler a committed Knative Service changed to run as flux-tenant, and admits it as default',
        team =>
          expectGuarded(
            knativeServiceAs(team, 'flux-tenant'),
            knativeServiceAs(team, 'default'),
            'A Knative workload in a team namespace cannot run as flux-tenant',
            reconciler(team),
          ),
      );

      it.each(TEAMS)(
        'lets the %s reconciler admit named callers, and denies it a NetworkPolicy with egress or open to every namespace (tenants/common/network-policy-guard.yaml)',
        async team => {
          const other = TEAMS.find(t => t !== team)!;
          const callers = renderCallersPolicy(
            chargeCardSpec({ team, allowedCallers: [other] }),
          ) as KubeObject;
          const apply = (object: KubeObject) =>
            server.tryApply(object, {
              dryRun: true,
              impersonate: reconciler(team),
            });
          const openToAll = {
            ...callers,
            spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
          };
          const denied = await eventually(async () => {
            const result = await apply(openToAll);
            expect(result.status).toBe(422);
            return result;
          });
          expect(denied.message).toContain(
            "A team's NetworkPolicy may only admit namespaces it names",
          );
          const egress = await apply({
            ...callers,
            spec: {
              ...(callers.spec as object),
              policyTypes: ['Ingress', 'Egress'],
              egress: [{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }] }],
            },
          });
          expect(egress.status).toBe(422);
          expect(egress.message).toContain(
            "A team's NetworkPolicy may only admit callers",
          );
          const admitted = await apply(callers);
          expect(admitted.message).toBeUndefined();
          expect(admitted.status).toBeLessThan(300);
        },
      );

      it.each(TEAMS)(
        'refuses a Pod adding NET_ADMIN in %s (Pod Security "baseline" enforced by tenants/base/namespace.yaml)',
        async team => {
          const result = await server.tryApply(
            pod(team, {
              containers: [
                {
                  name: 'app',
                  image: IMAGE,
                  securityContext: { capabilities: { add: ['NET_ADMIN'] } },
                },
              ],
            }),
            { dryRun: true },
          );
          expect(result.status).toBe(403);
          expect(result.message).toContain(
            'violates PodSecurity "baseline:latest": non-default capabilities',
          );
        },
      );
    });
    it.each(TEAMS)(
      "keeps the %s team's age key out of every other team's reconciler's reach",
      async team => {
        const other = TEAMS.find(t => t !== team)!;
        // The decryption key as the bootstrap runbook creates it (gitops/README.md, "Secrets").
        for (const namespace of TEAMS) {
          await server.apply({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'sops-age', namespace },
            stringData: { 'age.agekey': `key of ${namespace}` },
          } as KubeObject);
        }
        const read = async (as: string, namespace: string, name = '') => {
          const { status } = await server.request(
            'GET',
            `/api/v1/namespaces/${namespace}/secrets${name && `/${name}`}`,
            { headers: { 'impersonate-user': reconciler(as) } },
          );
          rows.push({
            where: `${as} reconciler`,
            object: `GET secrets ${namespace}/${name || '*'}`,
            verdict: status === 200 ? 'allowed' : `denied ${status}`,
          });
          return status;
        };
        expect(await read(other, team, 'sops-age')).toBe(403);
        expect(await read(other, team)).toBe(403);
        // Its own, which kustomize-controller reads for it in its own namespace only.
        expect(await read(team, team, 'sops-age')).toBe(200);
      },
    );
  });
});
