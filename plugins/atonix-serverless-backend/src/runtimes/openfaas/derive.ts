import { ConditionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { OPENFAAS_SCALE } from '@internal/backstage-plugin-atonix-serverless-node';
import type {
  ClusterObjects,
  DerivedFunction,
  KubeObject,
} from '../../extensions';
import { commonStatus, condition, numberOr, redactEnv } from '../objects';

/** One OpenFaaS function from its Function object and the Deployment the operator made. */
export function deriveOpenFaaSFunction(
  objects: ClusterObjects,
  fn: KubeObject,
  gateway: string | undefined,
): DerivedFunction {
  const base = commonStatus(objects, fn);
  const { namespace, name } = base;
  const deployment = objects.get('openfaasDeployment', namespace, name);
  const desired = numberOr(deployment?.spec?.replicas, 0);
  const actual = numberOr(deployment?.status?.availableReplicas, 0);
  const available = condition(deployment, 'Available');
  const fnReady = condition(fn, 'Ready');
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
  const scaleLabels = fn.spec?.labels ?? {};
  const environment: Record<string, string> = fn.spec?.environment ?? {};
  return {
    ...base,
    runtime: 'openfaas',
    ready,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    ...(gateway ? { url: `${gateway}/function/${name}` } : {}),
    traffic: [],
    replicas: { desired, actual },
    scaledToZero: ready === 'True' && desired === 0,
    autoscaling: {
      class: 'openfaas',
      metric: scaleLabels[OPENFAAS_SCALE.type] ?? 'rps',
      target: numberOr(scaleLabels[OPENFAAS_SCALE.target], undefined),
      minScale: numberOr(scaleLabels[OPENFAAS_SCALE.min], 1),
      maxScale: numberOr(scaleLabels[OPENFAAS_SCALE.max], undefined),
    },
    triggers: [],
    image: fn.spec?.image,
    env: redactEnv(
      Object.entries(environment).map(([k, v]) => ({ name: k, value: v })),
    ),
    revisions: deployment
      ? [
          {
            name,
            ready,
            image: fn.spec?.image,
            actualReplicas: actual,
            desiredReplicas: desired,
            trafficPercent: 100,
          },
        ]
      : [],
  };
}
