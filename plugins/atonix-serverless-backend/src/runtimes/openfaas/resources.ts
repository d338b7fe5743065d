import type { WatchedResource } from '../../extensions';

/** The label OpenFaaS's provider puts on the Deployment it makes for a function. */
export const OPENFAAS_FUNCTION_LABEL = 'faas_function';

/** What the OpenFaaS runtime watches: Function objects and the Deployments made for them. */
export const OPENFAAS_RESOURCES = {
  openfaasFunction: {
    group: 'openfaas.com',
    version: 'v1',
    plural: 'functions',
    reads: {
      spec: ['image', 'labels', 'environment'],
      status: ['conditions'],
      conditions: ['Ready'],
    },
  },
  // Only the Deployments OpenFaaS makes for functions.
  openfaasDeployment: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    labelSelector: OPENFAAS_FUNCTION_LABEL,
    // Not the pod template, the bulk of a Deployment.
    reads: {
      spec: ['replicas'],
      status: ['conditions', 'availableReplicas'],
      conditions: ['Available'],
    },
  },
} as const satisfies Record<string, WatchedResource>;
