import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { functionMetadata } from './knative';

/** A typed Kubernetes object for kinds no `@kubernetes-models` package carries. */
export interface KubernetesObject<Spec> {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
  };
  spec: Spec;
}

interface BrokerSink {
  ref: { apiVersion: 'eventing.knative.dev/v1'; kind: 'Broker'; name: string };
}

/** RabbitmqSource `spec` (knative-extensions/eventing-rabbitmq, sources.knative.dev/v1alpha1). */
export interface RabbitmqSourceSpec {
  rabbitmqClusterReference: {
    name?: string;
    namespace?: string;
    connectionSecret?: { name: string };
  };
  rabbitmqResourcesConfig: {
    exchangeName: string;
    queueName: string;
    predeclared: boolean;
    vhost?: string;
    parallelism?: number;
  };
  sink: BrokerSink;
}

/** KafkaSource `spec` (knative-extensions/eventing-kafka-broker, sources.knative.dev/v1beta1). */
export interface KafkaSourceSpec {
  bootstrapServers: string[];
  topics: string[];
  consumerGroup: string;
  initialOffset: 'earliest' | 'latest';
  sink: BrokerSink;
}

export type RabbitmqSource = KubernetesObject<RabbitmqSourceSpec>;
export type KafkaSource = KubernetesObject<KafkaSourceSpec>;

/**
 * The source feeding the function's events. It delivers to the team's Broker rather than to the
 * function, so the Trigger's filters apply and other functions can subscribe to the same events.
 */
export function renderEventSource(
  spec: FunctionSpec,
): RabbitmqSource | KafkaSource | undefined {
  if (spec.trigger.type !== 'cloudevents' || !spec.trigger.source) {
    return undefined;
  }
  const { source, broker } = spec.trigger;
  const metadata = functionMetadata(spec, `${spec.name}-${source.type}`);
  const sink: BrokerSink = {
    ref: {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Broker',
      name: broker,
    },
  };
  if (source.type === 'rabbitmq') {
    return {
      apiVersion: 'sources.knative.dev/v1alpha1',
      kind: 'RabbitmqSource',
      metadata,
      spec: {
        rabbitmqClusterReference: source.cluster
          ? { ...source.cluster }
          : { connectionSecret: { name: source.connectionSecret! } },
        rabbitmqResourcesConfig: {
          exchangeName: source.exchange,
          queueName: source.queue,
          predeclared: source.predeclared,
          ...(source.vhost ? { vhost: source.vhost } : {}),
          ...(source.parallelism ? { parallelism: source.parallelism } : {}),
        },
        sink,
      },
    };
  }
  return {
    apiVersion: 'sources.knative.dev/v1beta1',
    kind: 'KafkaSource',
    metadata,
    spec: {
      bootstrapServers: source.bootstrapServers,
      topics: source.topics,
      consumerGroup: source.consumerGroup ?? `${spec.team}-${spec.name}`,
      initialOffset: source.initialOffset,
      sink,
    },
  };
}
