import {
  ANNOTATION_KUBERNETES_ID,
  FunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { functionMetadata } from './knative';

/**
 * The NetworkPolicy that lets the teams of `allowedCallers` reach the function's pods directly
 * (the team namespace denies every other namespace: tenants/base/network-policies.yaml). Pods are
 * selected by `backstage.io/kubernetes-id`, which both runtimes put on them: Knative copies the
 * revision template's labels, OpenFaaS the Function's `spec.labels` (faas-netes
 * `pkg/handlers/deploy.go:142-199`). Ingress only, and only namespaces by name: what the
 * `atonix-tenant-network-policies` admission policy lets a team's reconciler apply.
 */
export function renderCallersPolicy(spec: FunctionSpec): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: functionMetadata(spec, `${spec.name}-callers`),
    spec: {
      podSelector: { matchLabels: { [ANNOTATION_KUBERNETES_ID]: spec.name } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchExpressions: [
                  {
                    key: 'kubernetes.io/metadata.name',
                    operator: 'In',
                    values: [...spec.allowedCallers].sort(),
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  };
}
