import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chargeCardSpec } from '../__testUtils__/functionSpec';
import { parseFunctionFile } from '../functionFile';
import { renderCallersPolicy } from './callers';
import {
  addToTeamKustomization,
  renderFunctionFolder,
  renderFunctionManifests,
} from './functionFolder';
import { renderKnativeService, renderTrigger } from './knative';
import { renderOpenFaasFunction } from './openfaas';
import { renderEventSource } from './sources';
import { writeFunctionFolder } from './writeFunctionFolder';

const labels = (runtime: string, critical = 'false') => ({
  'backstage.io/kubernetes-id': 'charge-card',
  'atonix.io/team': 'payments',
  'atonix.io/runtime': runtime,
  'atonix.io/critical': critical,
});

describe('renderKnativeService', () => {
  it('renders a scale-to-zero HTTP function with secrets from secretKeyRef', () => {
    expect(
      renderKnativeService(
        chargeCardSpec({
          env: [{ name: 'LOG_LEVEL', value: 'info' }],
          secretEnv: {
            PROVIDER_API_KEY: { secretName: 'provider', key: 'api-key' },
          },
        }),
      ),
    ).toEqual({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: {
        name: 'charge-card',
        namespace: 'payments',
        labels: labels('knative'),
      },
      spec: {
        template: {
          metadata: {
            labels: labels('knative'),
            annotations: {
              'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
              'autoscaling.knative.dev/metric': 'rps',
              'autoscaling.knative.dev/target': '100',
              'autoscaling.knative.dev/min-scale': '0',
              'autoscaling.knative.dev/max-scale': '50',
              'autoscaling.knative.dev/initial-scale': '1',
            },
          },
          spec: {
            containers: [
              {
                image: 'ghcr.io/atonixcorp/charge-card:1.4.2',
                ports: [{ containerPort: 8080 }],
                env: [
                  { name: 'LOG_LEVEL', value: 'info' },
                  {
                    name: 'PROVIDER_API_KEY',
                    valueFrom: {
                      secretKeyRef: { name: 'provider', key: 'api-key' },
                    },
                  },
                ],
              },
            ],
          },
        },
      },
    });
  });

  it("annotates the Service with the spec's own cold-start objective, and only when it sets one", () => {
    expect(
      renderKnativeService(
        chargeCardSpec({ objectives: { coldStartP95Ms: 8000 } }),
      ).metadata,
    ).toEqual({
      name: 'charge-card',
      namespace: 'payments',
      labels: labels('knative'),
      annotations: { 'atonix.io/cold-start-objective-ms': '8000' },
    });
    expect(
      renderKnativeService(
        chargeCardSpec({ objectives: { availability: 99.5 } }),
      ).metadata,
    ).not.toHaveProperty('annotations');
  });

  it('scales a critical function on its recorded custom metric through the HPA class', () => {
    const custom = chargeCardSpec({
      critical: true,
      scaling: {
        class: 'hpa',
        metric: 'custom',
        query: 'sum by (namespace, pod) (inflight)',
        target: 10,
        minScale: 2,
      },
    });
    const folder = renderFunctionFolder(custom);
    expect(folder.map(f => f.name)).toEqual([
      'function.yaml',
      'kustomization.yaml',
      'service.yaml',
      'scaling-rule.yaml',
      'alerts.yaml',
    ]);
    const service = parse(folder[2].content);
    expect(service.spec.template.metadata.annotations).toMatchObject({
      'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'atonix_scaling_charge_card',
    });
    expect(parse(folder[3].content).spec.groups[0].rules).toEqual([
      {
        record: 'atonix_scaling_charge_card',
        expr: 'sum by (namespace, pod) (inflight)',
      },
    ]);
  });
});

describe('named revisions and traffic', () => {
  it('names the revision template and pins every traffic target explicitly', () => {
    const service = renderKnativeService(
      chargeCardSpec({
        revisionName: 'charge-card-v2',
        traffic: [
          { revisionName: 'charge-card-v1', percent: 90, tag: 'stable' },
          { latestRevision: true, percent: 10, tag: 'canary' },
        ],
      }),
    );
    expect(service.spec?.template?.metadata?.name).toBe('charge-card-v2');
    expect(service.spec?.traffic).toEqual([
      {
        revisionName: 'charge-card-v1',
        latestRevision: false,
        percent: 90,
        tag: 'stable',
      },
      { latestRevision: true, percent: 10, tag: 'canary' },
    ]);
  });

  it('leaves name and traffic to Knative when the spec sets neither', () => {
    const service = renderKnativeService(chargeCardSpec());
    expect(service.spec?.template?.metadata).not.toHaveProperty('name');
    expect(service.spec).not.toHaveProperty('traffic');
  });
});

describe('event-driven functions', () => {
  const events = chargeCardSpec({
    trigger: {
      type: 'cloudevents',
      filters: { type: 'com.atonix.order.created', source: 'shop' },
      source: {
        type: 'kafka',
        bootstrapServers: ['kafka.events:9092'],
        topics: ['orders'],
      },
    },
  });

  it('subscribes to the team Broker with exact-match filters', () => {
    expect(renderTrigger(events).spec).toEqual({
      broker: 'default',
      filter: {
        attributes: { source: 'shop', type: 'com.atonix.order.created' },
      },
      subscriber: {
        ref: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          name: 'charge-card',
        },
      },
    });
  });

  it('feeds the Broker from Kafka with a consumer group of its own', () => {
    expect(renderEventSource(events)).toMatchObject({
      apiVersion: 'sources.knative.dev/v1beta1',
      kind: 'KafkaSource',
      metadata: { name: 'charge-card-kafka', namespace: 'payments' },
      spec: {
        consumerGroup: 'payments-charge-card',
        initialOffset: 'latest',
        sink: {
          ref: {
            apiVersion: 'eventing.knative.dev/v1',
            kind: 'Broker',
            name: 'default',
          },
        },
      },
    });
  });
});

describe('RabbitMQ sources', () => {
  const rabbit = (extra: object = {}) =>
    chargeCardSpec({
      trigger: {
        type: 'cloudevents',
        source: {
          type: 'rabbitmq',
          cluster: { name: 'events', namespace: 'rabbitmq' },
          exchange: 'orders',
          queue: 'payments-charge-card',
          ...extra,
        },
      },
    });

  it('declares its own exchange, queue and binding unless told they exist', () => {
    expect(renderEventSource(rabbit())).toEqual({
      apiVersion: 'sources.knative.dev/v1alpha1',
      kind: 'RabbitmqSource',
      metadata: {
        name: 'charge-card-rabbitmq',
        namespace: 'payments',
        labels: labels('knative'),
      },
      spec: {
        rabbitmqClusterReference: { name: 'events', namespace: 'rabbitmq' },
        rabbitmqResourcesConfig: {
          exchangeName: 'orders',
          queueName: 'payments-charge-card',
          predeclared: false,
        },
        sink: {
          ref: {
            apiVersion: 'eventing.knative.dev/v1',
            kind: 'Broker',
            name: 'default',
          },
        },
      },
    });
  });

  it('reads a predeclared queue as it is', () => {
    expect(
      renderEventSource(rabbit({ predeclared: true, parallelism: 10 }))?.spec,
    ).toMatchObject({
      rabbitmqResourcesConfig: { predeclared: true, parallelism: 10 },
    });
  });
});

describe('renderOpenFaasFunction', () => {
  it('mounts secrets as files and points env vars at them', () => {
    const fn = renderOpenFaasFunction(
      chargeCardSpec({
        runtime: 'openfaas',
        secretEnv: { S3_KEY: { secretName: 's3', key: 'secret-key' } },
        scaling: { maxScale: 5 },
      }),
    );
    expect(fn.spec).toEqual({
      name: 'charge-card',
      image: 'ghcr.io/atonixcorp/charge-card:1.4.2',
      labels: {
        ...labels('openfaas'),
        'com.openfaas.scale.min': '1',
        'com.openfaas.scale.max': '5',
        'com.openfaas.scale.target': '100',
        'com.openfaas.scale.type': 'rps',
        'com.openfaas.scale.zero': 'true',
      },
      environment: { S3_KEY_FILE: '/var/openfaas/secrets/secret-key' },
      secrets: ['s3'],
    });
  });
});

describe('allowedCallers', () => {
  it('admits the declared teams, by namespace name, to the function pods only', () => {
    const policy = renderCallersPolicy(
      chargeCardSpec({ allowedCallers: ['orders', 'analytics'] }),
    );
    expect(policy.metadata).toEqual({
      name: 'charge-card-callers',
      namespace: 'payments',
      labels: labels('knative'),
    });
    expect(policy.spec?.podSelector?.matchLabels).toEqual({
      'backstage.io/kubernetes-id': 'charge-card',
    });
    expect(policy.spec?.policyTypes).toEqual(['Ingress']);
    expect(policy.spec?.egress).toBeUndefined();
    const [rule] = policy.spec?.ingress ?? [];
    expect(rule.from).toHaveLength(1);
    expect(rule.from?.[0].namespaceSelector?.matchExpressions).toEqual([
      {
        key: 'kubernetes.io/metadata.name',
        operator: 'In',
        values: ['analytics', 'orders'],
      },
    ]);
  });

  it("tells the gateway's authorizer on the Knative Service, without cutting a revision", () => {
    const service = renderKnativeService(
      chargeCardSpec({ allowedCallers: ['orders', 'analytics'] }),
    );
    expect(service.metadata?.annotations).toEqual({
      'atonix.io/allowed-callers': 'analytics,orders',
    });
    expect(
      service.spec?.template?.metadata?.annotations?.[
        'atonix.io/allowed-callers'
      ],
    ).toBeUndefined();
    expect(
      renderKnativeService(chargeCardSpec({ allowedCallers: [] })).metadata
        ?.annotations,
    ).toBeUndefined();
  });

  it.each(['knative', 'openfaas'] as const)(
    'adds callers.yaml to a %s function only when it declares callers',
    runtime => {
      const names = (allowedCallers: string[]) =>
        renderFunctionManifests(
          chargeCardSpec({ runtime, allowedCallers }),
        ).map(m => m.name);
      expect(names(['analytics'])).toContain('callers.yaml');
      expect(names([])).not.toContain('callers.yaml');
    },
  );
});

describe('function folder', () => {
  it('keeps function.yaml out of the kustomization and reads it back to the same spec', () => {
    const charge = chargeCardSpec({ description: 'Charges a card.' });
    const [functionFile, kustomization] = renderFunctionFolder(charge);
    expect(parse(kustomization.content).resources).toEqual([
      'service.yaml',
      'alerts.yaml',
    ]);
    expect(functionFile.content).toContain('apiVersion: atonix.io/v1alpha1');
    expect(parseFunctionFile(functionFile.content)).toEqual({
      success: true,
      spec: charge,
    });
  });

  it('starts every generated file with a header saying how it was made', () => {
    for (const file of renderFunctionFolder(chargeCardSpec({})).slice(1)) {
      expect(file.content.split('\n')[0]).toBe(
        '# Generated by `yarn atonix render` from function.yaml: edit function.yaml and render again.',
      );
    }
  });

  it('adds a function to the team kustomization sorted, once, keeping comments', () => {
    const existing =
      '# payments functions\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - fraud-score\n';
    const once = addToTeamKustomization(existing, 'charge-card');
    expect(once).toContain('# payments functions');
    expect(parse(once).resources).toEqual(['charge-card', 'fraud-score']);
    expect(addToTeamKustomization(once, 'charge-card')).toBe(once);
  });

  it('writes the folder and the team entry, replacing an older render entirely but keeping the saved test events', async () => {
    const gitops = await fs.mkdtemp(join(tmpdir(), 'atonix-render-'));
    try {
      await writeFunctionFolder(
        gitops,
        chargeCardSpec({ trigger: { type: 'cloudevents' } }),
      );
      const events = join(gitops, 'functions/payments/charge-card/events');
      await fs.mkdir(events);
      await fs.writeFile(join(events, 'paid.json'), '{"body":{}}\n');
      const written = await writeFunctionFolder(gitops, chargeCardSpec({}));
      expect(written).toEqual([
        'functions/payments/charge-card/function.yaml',
        'functions/payments/charge-card/kustomization.yaml',
        'functions/payments/charge-card/service.yaml',
        'functions/payments/charge-card/alerts.yaml',
        'functions/payments/kustomization.yaml',
      ]);
      expect(
        (
          await fs.readdir(join(gitops, 'functions/payments/charge-card'))
        ).sort(),
      ).toEqual([
        'alerts.yaml',
        'events',
        'function.yaml',
        'kustomization.yaml',
        'service.yaml',
      ]);
      // The team's saved test events are theirs, not the renderer's: a render keeps them.
      expect(await fs.readFile(join(events, 'paid.json'), 'utf8')).toBe(
        '{"body":{}}\n',
      );
      expect(
        (await fs.readdir(join(gitops, 'functions/payments'))).sort(),
      ).toEqual(['charge-card', 'kustomization.yaml']);
    } finally {
      await fs.rm(gitops, { recursive: true, force: true });
    }
  });
});
