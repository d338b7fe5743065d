import type { FunctionKey, FunctionRuntimeModule } from '../../extensions';
import { deriveKnativeFunction, eventTarget } from './derive';
import { knativeQueries } from './queries';
import { KNATIVE_RESOURCES, KNATIVE_SERVICE_LABEL } from './resources';

const FLEET_LABELS = ['k8s_namespace_name', 'kn_configuration_name'];

/** Knative Serving (and Eventing, for triggers) as a runtime of the inventory. */
export const knativeRuntime: FunctionRuntimeModule = {
  runtime: 'knative',
  resources: KNATIVE_RESOURCES,
  functionKind: 'knativeService',
  affectedFunctions(kind, object) {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    const service = (serviceName?: string): FunctionKey[] =>
      serviceName ? [{ runtime: 'knative', namespace, name: serviceName }] : [];
    switch (kind) {
      case 'knativeService':
        return service(name);
      case 'revision':
      case 'route':
        return service(object.metadata?.labels?.[KNATIVE_SERVICE_LABEL]);
      case 'trigger':
      case 'rabbitmqSource':
      case 'kafkaSource':
        return service(eventTarget(kind, object));
      case 'broker':
        return fn =>
          fn.namespace === namespace &&
          fn.triggers.some(t => t.broker === name);
      default:
        return [];
    }
  },
  deriveFunction: (objects, service) => deriveKnativeFunction(objects, service),
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
