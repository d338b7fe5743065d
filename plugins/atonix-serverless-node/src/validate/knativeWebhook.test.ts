import { chargeCardSpec } from '../__testUtils__/functionSpec';
import { renderKnativeService, renderTrigger } from '../render/knative';
import { renderEventSource } from '../render/sources';
import { knativeWebhookFindings } from './knativeWebhook';
import type { ManifestObject } from './objectRules';

/**
 * Each case names the upstream rule it mirrors, at Knative 1.23 (tag knative-v1.23.0 of serving and
 * eventing-kafka-broker, knative.dev/eventing v0.50.0, knative.dev/pkg 521cb33b33dd and
 * knative.dev/networking c7a7b772cac9 as serving pins them, eventing-rabbitmq at bd1ee997d).
 */

const events = {
  trigger: {
    type: 'cloudevents',
    filters: { type: 'com.atonix.order.created' },
    source: {
      type: 'rabbitmq',
      cluster: { name: 'events', namespace: 'rabbitmq' },
      exchange: 'orders',
      queue: 'payments-charge-card',
    },
  },
};

/** A rendered object (valid) changed by `edit`, as JSON a team might write by hand. */
function edited(object: unknown, edit: (o: any) => void): ManifestObject {
  const copy = JSON.parse(JSON.stringify(object));
  edit(copy);
  return copy;
}

const service = (edit: (o: any) => void) =>
  edited(renderKnativeService(chargeCardSpec()), edit);
const container = (o: any) => o.spec.template.spec.containers[0];
const annotations = (o: any) => o.spec.template.metadata.annotations;
const trigger = (edit: (o: any) => void) =>
  edited(renderTrigger(chargeCardSpec(events)), edit);
const source = (edit: (o: any) => void) =>
  edited(renderEventSource(chargeCardSpec(events)), edit);

const found = (object: ManifestObject) =>
  knativeWebhookFindings(object).map(f => ({
    path: f.path.join('.'),
    message: f.message,
  }));

describe('knativeWebhookFindings', () => {
  it('passes what the renderers write', () => {
    expect(found(service(() => {}))).toEqual([]);
    expect(found(trigger(() => {}))).toEqual([]);
    expect(found(source(() => {}))).toEqual([]);
  });

  describe('Service (knative/serving)', () => {
    it('refuses a Service without a container (pkg/apis/serving/k8s_validation.go:432-434)', () => {
      expect(
        found(service(o => (o.spec.template.spec.containers = []))),
      ).toEqual([
        expect.objectContaining({
          path: 'spec.template.spec.containers',
        }),
      ]);
    });

    it('refuses more than one serving port (k8s_validation.go:535-542)', () => {
      const result = found(
        service(o =>
          container(o).ports.push({ containerPort: 8081, name: 'h2c' }),
        ),
      );
      expect(result).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(
            'Knative serves exactly one port across all containers',
          ),
        }),
      ]);
    });

    it('refuses several containers when none declares the port (k8s_validation.go:530-533)', () => {
      expect(
        found(
          service(o => {
            delete container(o).ports;
            o.spec.template.spec.containers.push({
              name: 'sidecar',
              image: 'ghcr.io/atonixcorp/sidecar:1.0.0',
            });
          }),
        ),
      ).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('needs the serving one to declare'),
        }),
      ]);
    });

    it('refuses two containers of the same name (k8s_validation.go:480-489)', () => {
      const result = found(
        service(o => {
          container(o).name = 'app';
          o.spec.template.spec.containers.push({
            name: 'app',
            image: 'ghcr.io/atonixcorp/sidecar:1.0.0',
          });
        }),
      );
      expect(result).toEqual([
        {
          path: 'spec.template.spec.containers.1.name',
          message: expect.stringContaining('"app" is used twice'),
        },
      ]);
    });

    it('refuses the reserved container name queue-proxy (k8s_validation.go:50-52, 623-628)', () => {
      expect(found(service(o => (container(o).name = 'queue-proxy')))).toEqual([
        {
          path: 'spec.template.spec.containers.0.name',
          message: expect.stringContaining("Knative's sidecar"),
        },
      ]);
    });

    it('refuses a container without an image (k8s_validation.go:635-636)', () => {
      expect(found(service(o => delete container(o).image))).toEqual([
        expect.objectContaining({
          path: 'spec.template.spec.containers.0.image',
        }),
      ]);
    });

    it('refuses reserved env vars, allowing PORT on sidecars only (k8s_validation.go:54-59, 69, 350-362)', () => {
      expect(
        found(
          service(
            o => (container(o).env = [{ name: 'K_SERVICE', value: 'x' }]),
          ),
        ),
      ).toEqual([
        {
          path: 'spec.template.spec.containers.0.env.0.name',
          message: 'K_SERVICE is set by Knative itself; rename the variable',
        },
      ]);
      expect(
        found(
          service(o =>
            o.spec.template.spec.containers.push({
              name: 'sidecar',
              image: 'ghcr.io/atonixcorp/sidecar:1.0.0',
              env: [{ name: 'PORT', value: '9000' }],
            }),
          ),
        ),
      ).toEqual([]);
    });

    it.each([8012, 8013, 8022, 9090, 9091, 8008])(
      'refuses the reserved port %i (k8s_validation.go:61-67, 817-820)',
      port => {
        expect(
          found(service(o => (container(o).ports[0].containerPort = port))),
        ).toEqual([
          expect.objectContaining({
            path: 'spec.template.spec.containers.0.ports.0.containerPort',
          }),
        ]);
      },
    );

    it('refuses a port name other than h2c or http1, and a protocol other than TCP (k8s_validation.go:75-79, 786-797)', () => {
      expect(
        found(
          service(o => {
            container(o).ports[0].name = 'http';
            container(o).ports[0].protocol = 'UDP';
          }),
        ).map(f => f.path),
      ).toEqual([
        'spec.template.spec.containers.0.ports.0.protocol',
        'spec.template.spec.containers.0.ports.0.name',
      ]);
    });

    it('refuses a revision name without the Service name as prefix (pkg/apis/serving/v1/revision_validation.go:147-168)', () => {
      expect(
        found(service(o => (o.spec.template.metadata.name = 'other-v2'))),
      ).toEqual([
        {
          path: 'spec.template.metadata.name',
          message: expect.stringContaining('must start with "charge-card-"'),
        },
      ]);
      expect(
        found(service(o => (o.spec.template.metadata.name = 'charge-card-v2'))),
      ).toEqual([]);
    });

    it('refuses a timeout above max-revision-timeout-seconds (revision_validation.go:173-184, config/defaults.go:45)', () => {
      expect(
        found(service(o => (o.spec.template.spec.timeoutSeconds = 601))),
      ).toEqual([
        expect.objectContaining({
          path: 'spec.template.spec.timeoutSeconds',
        }),
      ]);
    });
  });

  describe('startupProbe (since 1.23: knative/serving pkg/apis/serving/k8s_validation.go:559-562, 611-612)', () => {
    const probe = (startupProbe: unknown) =>
      found(service(o => (container(o).startupProbe = startupProbe)));
    const sidecar = {
      name: 'log-shipper',
      image: `ghcr.io/atonix/log-shipper@sha256:${'a'.repeat(64)}`,
    };

    it('accepts a startupProbe on the serving port, by number or without a port (validateProbe, :875-929)', () => {
      expect(probe({ httpGet: { path: '/ready', port: 8080 } })).toEqual([]);
      expect(probe({ tcpSocket: {} })).toEqual([]);
      expect(probe({ httpGet: { path: '/ready', port: 'http' } })).toEqual([]);
    });

    it('refuses a startupProbe with no handler or two (:923-927)', () => {
      expect(probe({ periodSeconds: 1 })).toEqual([
        {
          path: 'spec.template.spec.containers.0.startupProbe',
          message: expect.stringContaining('has no handler'),
        },
      ]);
      expect(
        probe({ httpGet: { path: '/' }, exec: { command: ['true'] } }),
      ).toEqual([
        {
          path: 'spec.template.spec.containers.0.startupProbe',
          message: expect.stringContaining('sets httpGet and exec; keep one'),
        },
      ]);
    });

    it('refuses a startupProbe port named other than the serving port (:890-892, 904-906; an unnamed port is http, :522-524)', () => {
      expect(probe({ tcpSocket: { port: 'metrics' } })).toEqual([
        {
          path: 'spec.template.spec.containers.0.startupProbe.tcpSocket.port',
          message: expect.stringContaining('("http")'),
        },
      ]);
    });

    it('refuses a startupProbe on a sidecar while multi-container-probing is off (:559-562)', () => {
      expect(
        found(
          service(o =>
            o.spec.template.spec.containers.push({
              ...sidecar,
              startupProbe: { exec: { command: ['true'] } },
            }),
          ),
        ),
      ).toEqual([
        expect.objectContaining({
          path: 'spec.template.spec.containers.1.startupProbe',
        }),
      ]);
    });
  });

  describe('networking annotations (since 1.21: knative/serving pkg/apis/serving/v1/revision_validation.go:70)', () => {
    const paths = (edit: (a: Record<string, string>) => void) =>
      found(service(o => edit(annotations(o)))).map(f => f.path);

    it('refuses an unknown networking.knative.dev annotation on the revision template (knative.dev/networking pkg/apis/networking/metadata_validation.go:42-49)', () => {
      expect(
        paths(a => (a['networking.knative.dev/visibility'] = 'cluster-local')),
      ).toEqual([
        'spec.template.metadata.annotations.networking.knative.dev/visibility',
      ]);
      expect(paths(a => (a['networking.knative.dev.example/x'] = 'y'))).toEqual(
        ['spec.template.metadata.annotations.networking.knative.dev.example/x'],
      );
    });

    it('accepts the networking annotations Knative knows (metadata_validation.go:27-38)', () => {
      expect(
        paths(a => {
          a['networking.knative.dev/http-protocol'] = 'redirected';
          a['networking.knative.dev/ingress.class'] =
            'kourier.ingress.networking.knative.dev';
          a['networking.knative.dev/disable-external-domain-tls'] = 'true';
          a['networking.internal.knative.dev/rollout'] = '{}';
        }),
      ).toEqual([]);
    });
  });

  describe('autoscaling annotations (knative/serving pkg/apis/autoscaling/annotation_validation.go)', () => {
    const key = (name: string) => `autoscaling.knative.dev/${name}`;
    const paths = (edit: (a: Record<string, string>) => void) =>
      found(service(o => edit(annotations(o)))).map(f => f.path);
    const at = (name: string) =>
      `spec.template.metadata.annotations.${key(name)}`;

    it('refuses an unknown Knative class (:66-73)', () => {
      expect(
        paths(a => (a[key('class')] = 'keda.autoscaling.knative.dev')),
      ).toEqual([at('class')]);
    });

    it('refuses max-scale below min-scale (:183-188)', () => {
      expect(
        paths(a => {
          a[key('min-scale')] = '5';
          a[key('max-scale')] = '2';
        }),
      ).toEqual([at('max-scale')]);
    });

    it('refuses max-scale 0 (unlimited) under the cluster max-scale-limit (:218-235)', () => {
      expect(paths(a => (a[key('max-scale')] = '0'))).toEqual([
        at('max-scale'),
      ]);
    });

    it('refuses a negative or non-integer scale (:33-51)', () => {
      expect(paths(a => (a[key('min-scale')] = '-1'))).toEqual([
        at('min-scale'),
      ]);
      expect(paths(a => (a[key('max-scale')] = 'ten'))).toEqual([
        at('max-scale'),
      ]);
    });

    it('refuses a target below 0.01 and percentages out of range (:93-133)', () => {
      expect(paths(a => (a[key('target')] = '0'))).toEqual([at('target')]);
      expect(
        paths(a => (a[key('target-utilization-percentage')] = '120')),
      ).toEqual([at('target-utilization-percentage')]);
      expect(
        paths(a => (a[key('panic-threshold-percentage')] = '100')),
      ).toEqual([at('panic-threshold-percentage')]);
    });

    it('refuses a window outside 6s..1h or finer than a second (:164-176)', () => {
      expect(paths(a => (a[key('window')] = '5s'))).toEqual([at('window')]);
      expect(paths(a => (a[key('window')] = '10500ms'))).toEqual([
        at('window'),
      ]);
      expect(paths(a => (a[key('window')] = '1m30s'))).toEqual([]);
    });

    it('refuses initial-scale 0 while the cluster does not allow it (:265-277)', () => {
      expect(paths(a => (a[key('initial-scale')] = '0'))).toEqual([
        at('initial-scale'),
      ]);
    });
  });

  describe('Trigger (knative/eventing pkg/apis/eventing/v1/trigger_validation.go)', () => {
    it('refuses a Trigger without a broker (:61-62)', () => {
      expect(found(trigger(o => delete o.spec.broker))).toEqual([
        {
          path: 'spec',
          message:
            "the Trigger names no broker; set spec.broker (the team's Broker is `default`)",
        },
      ]);
    });

    it('refuses broker and brokerRef together (:63-64)', () => {
      expect(
        found(
          trigger(
            o =>
              (o.spec.brokerRef = {
                apiVersion: 'eventing.knative.dev/v1',
                kind: 'Broker',
                name: 'default',
              }),
          ),
        ).map(f => f.path),
      ).toEqual(['spec.brokerRef']);
    });

    it('refuses a filter attribute that is not a CloudEvents name (:38, 179-186)', () => {
      expect(
        found(trigger(o => (o.spec.filter.attributes['Event-Type'] = 'x'))).map(
          f => f.path,
        ),
      ).toEqual(['spec.filter.attributes.Event-Type']);
    });

    it('refuses a subscriber with neither ref nor uri (knative/pkg apis/duck/v1/destination.go:67-69)', () => {
      expect(found(trigger(o => (o.spec.subscriber = {})))).toEqual([
        {
          path: 'spec.subscriber',
          message: expect.stringContaining('names no destination'),
        },
      ]);
    });

    it('refuses an incomplete subscriber ref, or one in another namespace (knative/pkg apis/duck/v1/knative_reference.go:65-104)', () => {
      expect(
        found(
          trigger(o => {
            delete o.spec.subscriber.ref.apiVersion;
            o.spec.subscriber.ref.namespace = 'analytics';
          }),
        ).map(f => f.path),
      ).toEqual([
        'spec.subscriber.ref.apiVersion',
        'spec.subscriber.ref.namespace',
      ]);
    });

    it('refuses a relative subscriber uri without a ref (destination.go:75-77)', () => {
      expect(
        found(trigger(o => (o.spec.subscriber = { uri: '/charge' }))).map(
          f => f.path,
        ),
      ).toEqual(['spec.subscriber.uri']);
    });

    it('refuses bad delivery options (eventing pkg/apis/duck/v1/delivery_types.go:103-132)', () => {
      expect(
        found(
          trigger(
            o =>
              (o.spec.delivery = {
                retry: -1,
                backoffPolicy: 'random',
                backoffDelay: '2s',
              }),
          ),
        ).map(f => f.path),
      ).toEqual([
        'spec.delivery.retry',
        'spec.delivery.backoffPolicy',
        'spec.delivery.backoffDelay',
      ]);
    });
  });

  describe('Broker (knative/eventing pkg/apis/eventing/v1/broker_validation.go)', () => {
    const broker = {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Broker',
      metadata: { name: 'default', namespace: 'payments' },
    };

    it('passes the tenants\u2019 default Broker and refuses a bad config or delivery (:78-94)', () => {
      expect(found(broker)).toEqual([]);
      expect(
        found(
          edited(broker, o => {
            o.spec = {
              config: { kind: 'ConfigMap', name: 'broker-config' },
              delivery: { backoffDelay: 'soon' },
            };
          }),
        ).map(f => f.path),
      ).toEqual(['spec.delivery.backoffDelay', 'spec.config.apiVersion']);
    });
  });

  describe('event sources', () => {
    it('refuses a sink with no destination (knative/pkg apis/duck/v1/source_types.go:196-202, as KafkaSource calls it at eventing-kafka-broker control-plane/pkg/apis/sources/v1beta1/kafka_validation.go:40)', () => {
      expect(found(source(o => (o.spec.sink = {})))).toEqual([
        expect.objectContaining({ path: 'spec.sink' }),
      ]);
    });

    it('refuses a RabbitmqSource without an exchange unless predeclared (eventing-rabbitmq pkg/apis/sources/v1alpha1/rabbitmq_validation.go:52-57)', () => {
      expect(
        found(
          source(o => delete o.spec.rabbitmqResourcesConfig.exchangeName),
        ).map(f => f.path),
      ).toEqual(['spec.rabbitmqResourcesConfig']);
      expect(
        found(
          source(o => {
            delete o.spec.rabbitmqResourcesConfig.exchangeName;
            o.spec.rabbitmqResourcesConfig.predeclared = true;
          }),
        ),
      ).toEqual([]);
    });

    it('refuses a RabbitMQ cluster reference with both a name and a connection secret (eventing-rabbitmq pkg/utils/rabbitmq_validation.go:32-37)', () => {
      expect(
        found(
          source(
            o =>
              (o.spec.rabbitmqClusterReference.connectionSecret = {
                name: 'rabbitmq',
              }),
          ),
        ).map(f => f.path),
      ).toEqual(['spec.rabbitmqClusterReference.connectionSecret']);
    });
  });

  describe('traffic (serving route_validation.go:48-171)', () => {
    const split = (edit: (traffic: any[]) => void) =>
      service(o => {
        o.spec.traffic = [
          {
            revisionName: 'charge-card-v1',
            latestRevision: false,
            percent: 90,
          },
          { latestRevision: true, percent: 10, tag: 'canary' },
        ];
        edit(o.spec.traffic);
      });

    it('passes a rendered canary split', () => {
      expect(found(split(() => {}))).toEqual([]);
    });

    it('refuses percentages that do not sum to 100', () => {
      expect(
        found(
          split(t => {
            t[1].percent = 20;
          }),
        ),
      ).toEqual([
        {
          path: 'spec.traffic',
          message: 'the traffic percentages sum to 110; Knative needs 100',
        },
      ]);
    });

    it('refuses a tag used twice and a tag that is no DNS label', () => {
      expect(
        found(
          split(t => {
            t[0].tag = 'canary';
            t.push({ latestRevision: true, percent: 0, tag: 'Blue' });
          }),
        ).map(f => f.path),
      ).toEqual(['spec.traffic.1.tag', 'spec.traffic.2.tag']);
    });

    it('refuses a pinned revision that also claims to follow the latest', () => {
      expect(
        found(
          split(t => {
            t[0].latestRevision = true;
          }),
        ),
      ).toEqual([
        {
          path: 'spec.traffic.0.latestRevision',
          message:
            'revisionName charge-card-v1 is pinned, so latestRevision must be false',
        },
      ]);
    });
  });
});
