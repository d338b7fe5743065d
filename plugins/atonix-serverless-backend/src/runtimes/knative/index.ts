import type { FunctionKey, FunctionRuntimeModule } from '../../extensions';
import { KnativeService, deriveKnativeFunction } from './derive';
import { knativeQueries } from './queries';
import { KNATIVE_RESOURCES, KnativeObjects } from './resources';

const FLEET_LABELS = ['k8s_namespace_name', 'kn_configuration_name'];

/** Knative Serving (and Eventing, for triggers) as a runtime of the inventory. */
export const knativeRuntime: FunctionRuntimeModule = {
  runtime: 'knative',
  resources: KNATIVE_RESOURCES,
  functionKind: 'knativeService',
  affectedFunctions(kind, object) {
    const { namespace, name } = object;
    const service = (serviceName?: string): FunctionKey[] =>
      serviceName ? [{ runtime: 'knative', namespace, name: serviceName }] : [];
    switch (kind) {
      case 'knativeService':
        return service(name);
      case 'revision':
      case 'route':
        return service(object.service as string | undefined);
      case 'trigger':
      case 'rabbitmqSource':
      case 'kafkaSource':
        return service(object.target as string | undefined);
      case 'broker':
        return fn =>
          fn.namespace === namespace &&
          fn.triggers.some(t => t.broker === name);
      default:
        return [];
    }
  },
  // The watcher built these records from KNATIVE_RESOURCES' and Flux's fields.
  deriveFunction: (objects, service) =>
    deriveKnativeFunction(objects as KnativeObjects, service as KnativeService),
  entityNamespaces: fn => [fn.namespace],
  functionQueries: fn =>
    knativeQueries({
      k8s_namespace_name: fn.namespace,
      kn_configuration_name: fn.name,
    }),
  fleetQueries: {
    queries: knativeQueries({}, FLEET_LABELS),
    keyOf: labels => ({
      runtime: 'knative',
      namespace: labels.k8s_namespace_name ?? '',
      name: labels.kn_configuration_name ?? '',
    }),
  },
};
