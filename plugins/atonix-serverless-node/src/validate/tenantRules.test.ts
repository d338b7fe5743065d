import { chargeCardSpec } from '../__testUtils__/functionSpec';
import { renderCallersPolicy } from '../render/callers';
import { renderKnativeService } from '../render/knative';
import type { ManifestObject } from './objectRules';
import {
  TenantContext,
  allowedCallersAnnotationFindings,
  imageTagFindings,
  networkPolicyFindings,
  tenantIsolationFindings,
  unpinnedImageReason,
} from './tenantRules';

const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';

const context: TenantContext = {
  team: 'payments',
  reconcilerServiceAccount: 'flux-tenant',
  prometheusEnforcesNamespace: false,
  declaredExchanges: new Set(['payments-events']),
  declaredQueues: new Set(['payments-charges']),
  rabbitmqTopologyAllowed: new Map([
    ['rabbitmq/events', new Set(['payments', 'analytics'])],
    ['rabbitmq/private', new Set(['analytics'])],
  ]),
};

const paths = (findings: Array<{ path: Array<string | number> }>) =>
  findings.map(f => f.path.join('.'));

describe('unpinnedImageReason (rule image-tag)', () => {
  it.each([
    `ghcr.io/atonixcorp/charge-card:${SHA}`,
    `ghcr.io/atonixcorp/charge-card@sha256:${'a1'.repeat(32)}`,
    `registry.local:5000/charge-card:1.0.0@sha256:${'a1'.repeat(32)}`,
  ])('accepts %s', image => {
    expect(unpinnedImageReason(image)).toBeUndefined();
  });

  it.each([
    ['ghcr.io/atonixcorp/charge-card:latest', 'is tagged :latest'],
    ['ghcr.io/atonixcorp/charge-card', 'has no tag (so it means :latest)'],
    ['registry.local:5000/charge-card', 'has no tag (so it means :latest)'],
    ['ghcr.io/atonixcorp/charge-card:1.4.2', 'is tagged :1.4.2'],
    ['ghcr.io/atonixcorp/charge-card:9fceb02', 'is tagged :9fceb02'],
  ])('refuses %s, which CI never pushes', (image, what) => {
    expect(unpinnedImageReason(image)).toContain(`image ${image} ${what}`);
  });

  it('looks at every container of a Knative Service and at an OpenFaaS image', () => {
    const service: ManifestObject = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      spec: {
        template: {
          spec: {
            containers: [
              { image: `ghcr.io/a/b:${SHA}` },
              { image: 'ghcr.io/a/sidecar:latest' },
            ],
          },
        },
      },
    };
    expect(paths(imageTagFindings(service))).toEqual([
      'spec.template.spec.containers.1.image',
    ]);
    expect(
      paths(
        imageTagFindings({
          apiVersion: 'openfaas.com/v1',
          kind: 'Function',
          spec: { image: 'ghcr.io/a/report' },
        }),
      ),
    ).toEqual(['spec.image']);
  });
});

describe('tenantIsolationFindings', () => {
  it('says that tenants may not define Flux objects', () => {
    const [finding] = tenantIsolationFindings(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'extras', namespace: 'payments' },
      },
      context,
    );
    expect(finding.message).toContain('tenants may not define Flux objects');
  });

  it("refuses a workload running as the reconciler's ServiceAccount", () => {
    expect(
      paths(
        tenantIsolationFindings(
          {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name: 'charge-card' },
            spec: { template: { spec: { serviceAccountName: 'flux-tenant' } } },
          },
          context,
        ),
      ),
    ).toEqual(['spec.template.spec.serviceAccountName']);
  });

  it('lets a team folder admit named caller namespaces and nothing more', () => {
    // As the validator reads it: the rendered object after its round trip through YAML.
    const callers: ManifestObject & { spec: object } = JSON.parse(
      JSON.stringify(
        renderCallersPolicy(chargeCardSpec({ allowedCallers: ['analytics'] })),
      ),
    );
    expect(tenantIsolationFindings(callers, context)).toEqual([]);
    const egress = {
      ...callers,
      spec: {
        ...callers.spec,
        policyTypes: ['Ingress', 'Egress'],
        egress: [{}],
      },
    };
    const byLabel = {
      ...callers,
      spec: {
        ...callers.spec,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }],
      },
    };
    const byAddress = {
      ...callers,
      spec: {
        ...callers.spec,
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
      },
    };
    for (const policy of [egress, byLabel, byAddress]) {
      const [finding] = tenantIsolationFindings(policy, context);
      expect(finding).toMatchObject({
        rule: 'tenant-isolation',
        path: ['spec'],
      });
      expect(finding.message).toContain(
        "a team's folder may only admit namespaces by name",
      );
    }
  });

  it('refuses a RabbitMQ source on a cluster whose topology allow-list leaves the team out', () => {
    const source = (cluster: object) => ({
      apiVersion: 'sources.knative.dev/v1alpha1',
      kind: 'RabbitmqSource',
      metadata: { name: 'orders', namespace: 'payments' },
      spec: { rabbitmqClusterReference: cluster },
    });
    expect(
      tenantIsolationFindings(
        source({ name: 'events', namespace: 'rabbitmq' }),
        context,
      ),
    ).toEqual([]);
    const [finding] = tenantIsolationFindings(
      source({ name: 'private', namespace: 'rabbitmq' }),
      context,
    );
    expect(finding).toMatchObject({
      rule: 'tenant-isolation',
      path: ['spec', 'rabbitmqClusterReference'],
    });
    expect(finding.message).toContain(
      'RabbitmqCluster rabbitmq/private, which does not list payments in rabbitmq.com/topology-allowed-namespaces',
    );
    // A cluster the tree does not define, or one in the team's own namespace, is not judged.
    expect(
      tenantIsolationFindings(
        source({ name: 'elsewhere', namespace: 'rabbitmq' }),
        context,
      ),
    ).toEqual([]);
  });

  it("refuses a recording rule that writes another namespace's series", () => {
    const rule = (expr: string, labels?: Record<string, string>) =>
      tenantIsolationFindings(
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PrometheusRule',
          spec: {
            groups: [{ name: 'g', rules: [{ record: 'x', expr, labels }] }],
          },
        },
        context,
      );
    expect(paths(rule('sum by (namespace, pod) (inflight)'))).toEqual([
      'spec.groups.0.rules.0.expr',
    ]);
    expect(
      paths(
        rule('sum(inflight{namespace="payments"})', { namespace: 'analytics' }),
      ),
    ).toEqual(['spec.groups.0.rules.0.labels.namespace']);
    expect(
      rule('sum by (namespace, pod) (inflight{namespace="payments"})'),
    ).toEqual([]);
    expect(
      tenantIsolationFindings(
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PrometheusRule',
          spec: {
            groups: [{ name: 'g', rules: [{ record: 'x', expr: 'up' }] }],
          },
        },
        { ...context, prometheusEnforcesNamespace: true },
      ),
    ).toEqual([]);
  });

  it("refuses RabbitMQ bindings to another team's exchange or queue, and topology beyond them", () => {
    const binding = (spec: object) =>
      paths(
        tenantIsolationFindings(
          {
            apiVersion: 'rabbitmq.com/v1beta1',
            kind: 'Binding',
            metadata: { name: 'b' },
            spec,
          },
          context,
        ),
      );
    expect(
      binding({ source: 'payments-events', destination: 'payments-charges' }),
    ).toEqual([]);
    expect(
      binding({ source: 'orders', destination: 'payments-charges' }),
    ).toEqual(['spec.source']);
    expect(
      binding({
        source: 'payments-events',
        destination: 'analytics-facts',
        destinationType: 'queue',
      }),
    ).toEqual(['spec.destination']);
    expect(
      paths(
        tenantIsolationFindings(
          { apiVersion: 'rabbitmq.com/v1beta1', kind: 'Permission', spec: {} },
          context,
        ),
      ),
    ).toEqual(['kind']);
  });
});

describe('networkPolicyFindings', () => {
  const policy = (ingress: unknown[]): ManifestObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'payments' },
    spec: { podSelector: {}, ingress },
  });

  it('refuses a policy that lets every namespace in', () => {
    expect(paths(networkPolicyFindings(policy([{}])))).toEqual([
      'spec.ingress.0',
    ]);
    expect(
      paths(
        networkPolicyFindings(policy([{ from: [{ namespaceSelector: {} }] }])),
      ),
    ).toEqual(['spec.ingress.0.from.0']);
  });

  it('accepts the same namespace and named namespaces', () => {
    expect(
      networkPolicyFindings(
        policy([
          { from: [{ podSelector: {} }] },
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: {
                    'kubernetes.io/metadata.name': 'knative-serving',
                  },
                },
              },
            ],
          },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('allowedCallersAnnotationFindings (rule allowed-callers)', () => {
  const spec = chargeCardSpec({ allowedCallers: ['orders', 'analytics'] });
  const service = (annotations?: Record<string, string>): ManifestObject => {
    const rendered = renderKnativeService(spec) as ManifestObject;
    return { ...rendered, metadata: { ...rendered.metadata, annotations } };
  };

  it('accepts the Service the renderer writes', () => {
    expect(
      allowedCallersAnnotationFindings(spec, [
        renderKnativeService(spec) as ManifestObject,
      ]),
    ).toEqual([]);
  });

  it('refuses a Service whose annotation is missing or says other teams than function.yaml', () => {
    expect(allowedCallersAnnotationFindings(spec, [service()])).toEqual([
      {
        rule: 'allowed-callers',
        field: 'allowedCallers',
        message:
          "Knative Service charge-card has atonix.io/allowed-callers: (none) but allowedCallers is [orders, analytics]; the gateway's authorizer reads the Service, so run yarn atonix render to write it from function.yaml",
      },
    ]);
    expect(
      allowedCallersAnnotationFindings(spec, [
        service({ 'atonix.io/allowed-callers': 'analytics,marketing,orders' }),
      ]),
    ).toHaveLength(1);
    expect(
      allowedCallersAnnotationFindings(chargeCardSpec({ allowedCallers: [] }), [
        service({ 'atonix.io/allowed-callers': 'marketing' }),
      ]),
    ).toHaveLength(1);
  });
});
