import {
  ConditionStatus,
  TrafficTarget,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { DerivedFunction, RecordOf } from '../../extensions';
import { commonStatus } from '../objects';
import { OPENFAAS_RESOURCES, OpenFaaSObjects } from './resources';

/** An OpenFaaS Function as the cache keeps it. */
export type OpenFaaSFunction = RecordOf<
  typeof OPENFAAS_RESOURCES.openfaasFunction
>;

/** An OpenFaaS function's traffic: none to split, one frozen empty list for every function. */
const NO_TRAFFIC = Object.freeze<TrafficTarget[]>([]);

/** One OpenFaaS function from its Function object and the Deployment the operator made. */
export function deriveOpenFaaSFunction(
  objects: OpenFaaSObjects,
  fn: OpenFaaSFunction,
  gateway: string | undefined,
): DerivedFunction {
  const base = commonStatus(objects, fn);
  const { namespace, name } = base;
  const deployment = objects.get('openfaasDeployment', namespace, name);
  const desired = deployment?.replicas ?? 0;
  const actual = deployment?.availableReplicas ?? 0;
  const available = deployment?.available;
  const fnReady = fn.ready;
  let ready: ConditionStatus = 'Unknown';
  let reason: string | undefined;
  let message: string | undefined;
  if (fnReady?.status === 'False') {
    ({ status: ready, reason, message } = fnReady);
  } else if (deployment) {
    ready = desired === 0 || actual > 0 ? 'True' : 'False';
    if (ready === 'False') {
      reason = available?.reason ?? 'NoAvailableReplicas';
      message = available?.message ?? 'The function has no available replica';
    } else if (fnReady?.status === 'True') {
      // The Function's own word on a ready function (e.g. `Reconciled`) is kept, as Knative's is.
      ({ reason, message } = fnReady);
    }
  } else {
    reason = 'DeploymentMissing';
    message = `OpenFaaS has not created the Deployment ${namespace}/${name} yet`;
  }
  return {
    ...base,
    runtime: 'openfaas',
    ready,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    ...(gateway ? { url: `${gateway}/function/${name}` } : {}),
    traffic: NO_TRAFFIC as DerivedFunction['traffic'],
    replicas: { desired, actual },
    scaledToZero: ready === 'True' && desired === 0,
    autoscaling: fn.autoscaling,
    triggers: [],
    image: fn.image,
    env: fn.env,
    revisions: deployment
      ? [
          {
            name,
            ready,
            image: fn.image,
            actualReplicas: actual,
            desiredReplicas: desired,
            trafficPercent: 100,
          },
        ]
      : [],
  };
}
