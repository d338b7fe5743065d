import type { FunctionAutoscaling } from '@internal/backstage-plugin-atonix-serverless-common';
import { OPENFAAS_SCALE } from '@internal/backstage-plugin-atonix-serverless-node';
import type { ReadField, WatchedResource } from '../../extensions';
import {
  condition,
  label,
  number,
  numberOr,
  text,
} from '../../inventory/fields';
import { FUNCTION_OBJECT_FIELDS, RuntimeObjects, redactEnv } from '../objects';

/** The label OpenFaaS's provider puts on the Deployment it makes for a function. */
export const OPENFAAS_FUNCTION_LABEL = 'faas_function';

/** The autoscaling settings of a Function's scale labels (`spec.labels`), shared. */
const autoscaling: ReadField<FunctionAutoscaling> = (o, keep) => {
  const scaleLabels = o.spec?.labels ?? {};
  return keep.share({
    class: 'openfaas',
    metric: scaleLabels[OPENFAAS_SCALE.type] ?? 'rps',
    target: numberOr(scaleLabels[OPENFAAS_SCALE.target], undefined),
    minScale: numberOr(scaleLabels[OPENFAAS_SCALE.min], 1),
    maxScale: numberOr(scaleLabels[OPENFAAS_SCALE.max], undefined),
  });
};

/** What the OpenFaaS runtime watches: Function objects and the Deployments made for them. */
export const OPENFAAS_RESOURCES = {
  openfaasFunction: {
    group: 'openfaas.com',
    version: 'v1',
    plural: 'functions',
    fields: {
      ...FUNCTION_OBJECT_FIELDS,
      ready: condition('Ready'),
      image: text(o => o.spec?.image),
      autoscaling,
      env: (o, keep) =>
        keep.share(
          redactEnv(
            Object.entries(o.spec?.environment ?? {}).map(([k, v]) => ({
              name: k,
              value: v,
            })),
          ),
        ),
    },
  },
  // Only the Deployments OpenFaaS makes for functions; not the pod template, the bulk of one.
  openfaasDeployment: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    labelSelector: OPENFAAS_FUNCTION_LABEL,
    fields: {
      /** Whose it is (affectedFunctions). */
      function: label(OPENFAAS_FUNCTION_LABEL),
      replicas: number(o => o.spec?.replicas, 0),
      availableReplicas: number(o => o.status?.availableReplicas, 0),
      available: condition('Available'),
    },
  },
} as const satisfies Record<string, WatchedResource>;

/** A cluster's objects as the OpenFaaS runtime reads them. */
export type OpenFaaSObjects = RuntimeObjects<typeof OPENFAAS_RESOURCES>;
