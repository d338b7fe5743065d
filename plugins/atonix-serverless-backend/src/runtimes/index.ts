import type { FunctionRuntimeModule } from '../extensions';
import { knativeRuntime } from './knative';
import { openfaasRuntime } from './openfaas';

/** The runtimes the plugin brings itself; others come through the runtimes extension point. */
export const BUILT_IN_RUNTIMES: FunctionRuntimeModule[] = [
  knativeRuntime,
  openfaasRuntime,
];

export { knativeRuntime, openfaasRuntime };
