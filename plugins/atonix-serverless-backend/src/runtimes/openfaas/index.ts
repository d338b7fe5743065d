import type { FunctionRuntimeModule } from '../../extensions';
import { OpenFaaSFunction, deriveOpenFaaSFunction } from './derive';
import { openfaasFunctionName, openfaasQueries } from './queries';
import { OPENFAAS_RESOURCES, OpenFaaSObjects } from './resources';

/** OpenFaaS (Function objects reconciled by its operator) as a runtime of the inventory. */
export const openfaasRuntime: FunctionRuntimeModule = {
  runtime: 'openfaas',
  resources: OPENFAAS_RESOURCES,
  functionKind: 'openfaasFunction',
  affectedFunctions(kind, object) {
    const { namespace } = object;
    const name =
      kind === 'openfaasFunction'
        ? object.name
        : (object.function as string | undefined);
    return name ? [{ runtime: 'openfaas', namespace, name }] : [];
  },
  deriveFunction: (objects, fn, cluster) =>
    // The watcher built these records from OPENFAAS_RESOURCES' and Flux's fields.
    deriveOpenFaaSFunction(
      objects as OpenFaaSObjects,
      fn as OpenFaaSFunction,
      cluster.openfaasGateway,
    ),
  // OpenFaaS CE runs every function in `openfaas-fn`, while the entity names the team (as the
  // catalog module writes it, and as its drift check matches: by team and name); the namespace it
  // actually runs in (what the stock Kubernetes plugin needs) matches too.
  entityNamespaces: fn =>
    fn.team !== fn.namespace ? [fn.team, fn.namespace] : [fn.namespace],
  functionQueries: fn =>
    openfaasQueries({ function_name: openfaasFunctionName(fn) }),
  fleetQueries: {
    queries: openfaasQueries({}, ['function_name']),
    // `<name>.<namespace>`: a function name is a DNS label, so the first dot splits them.
    keyOf: labels => {
      const [name, ...namespace] = (labels.function_name ?? '').split('.');
      return { runtime: 'openfaas', namespace: namespace.join('.'), name };
    },
  },
};
