import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { functionLabels, functionMetadata } from './knative';
import { KubernetesObject } from './sources';

/** Where OpenFaaS mounts each Secret key as a file. */
export const OPENFAAS_SECRETS_PATH = '/var/openfaas/secrets';

/** OpenFaaS's autoscaling labels (read by the OpenFaaS Pro autoscaler and idler). */
export const OPENFAAS_SCALE = {
  min: 'com.openfaas.scale.min',
  max: 'com.openfaas.scale.max',
  target: 'com.openfaas.scale.target',
  type: 'com.openfaas.scale.type',
  zero: 'com.openfaas.scale.zero',
} as const;

/** `spec` of an OpenFaaS Function (openfaas.com/v1), the CRD the OpenFaaS operator reconciles. */
export interface OpenFaasFunctionSpec {
  name: string;
  image: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  environment?: Record<string, string>;
  secrets?: string[];
  constraints?: string[];
  handler?: string;
  readOnlyRootFilesystem?: boolean;
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

export type OpenFaasFunction = KubernetesObject<OpenFaasFunctionSpec>;

/** The OpenFaaS scaling type for each spec metric the OpenFaaS runtime accepts. */
const SCALE_TYPE: Record<string, string> = {
  rps: 'rps',
  concurrency: 'capacity',
  cpu: 'cpu',
};

/**
 * The OpenFaaS Function of a function. OpenFaaS cannot read env vars from a Secret: it mounts
 * each listed Secret as files under /var/openfaas/secrets/<key>. So every `secretEnv` entry
 * becomes a mounted Secret plus an env var `<NAME>_FILE` holding the file's path. OpenFaaS has
 * no min-scale of 0; scale to zero is the `com.openfaas.scale.zero` label (OpenFaaS Pro idler).
 */
export function renderOpenFaasFunction(spec: FunctionSpec): OpenFaasFunction {
  const { scaling } = spec;
  const environment: Record<string, string> = {};
  for (const { name, value } of spec.env) {
    environment[name] = value;
  }
  const secretNames = new Set<string>();
  for (const [name, ref] of Object.entries(spec.secretEnv).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    environment[`${name}_FILE`] = `${OPENFAAS_SECRETS_PATH}/${ref.key}`;
    secretNames.add(ref.secretName);
  }
  return {
    apiVersion: 'openfaas.com/v1',
    kind: 'Function',
    metadata: functionMetadata(spec),
    spec: {
      name: spec.name,
      image: spec.image,
      labels: {
        ...functionLabels(spec),
        [OPENFAAS_SCALE.min]: String(Math.max(scaling.minScale, 1)),
        [OPENFAAS_SCALE.max]: String(scaling.maxScale),
        [OPENFAAS_SCALE.target]: String(scaling.target),
        [OPENFAAS_SCALE.type]: SCALE_TYPE[scaling.metric],
        [OPENFAAS_SCALE.zero]: String(scaling.minScale === 0),
      },
      ...(Object.keys(environment).length > 0 ? { environment } : {}),
      ...(secretNames.size > 0 ? { secrets: [...secretNames].sort() } : {}),
      ...(spec.resources?.requests
        ? { requests: spec.resources.requests }
        : {}),
      ...(spec.resources?.limits ? { limits: spec.resources.limits } : {}),
    },
  };
}
