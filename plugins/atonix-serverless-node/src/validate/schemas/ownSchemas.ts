import { z } from 'zod';
import { PackagedSchemaResult, SchemaIssue } from './packagedSchemas';

/**
 * Strict schemas for the kinds no `@kubernetes-models` package carries, written from the
 * upstream CRDs (fields this platform uses; anything else is reported, so a typo never passes).
 */

const metadata = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const resourceList = z.strictObject({
  cpu: z.string().optional(),
  memory: z.string().optional(),
});

const destination = z.strictObject({
  ref: z
    .strictObject({
      apiVersion: z.string(),
      kind: z.string(),
      name: z.string(),
      namespace: z.string().optional(),
    })
    .optional(),
  uri: z.string().optional(),
});

const delivery = z.strictObject({
  retry: z.number().int().optional(),
  backoffPolicy: z.enum(['linear', 'exponential']).optional(),
  backoffDelay: z.string().optional(),
  deadLetterSink: destination.optional(),
});

function kind<Spec extends z.ZodType>(
  apiVersion: string,
  kindName: string,
  spec: Spec,
) {
  return z.strictObject({
    apiVersion: z.literal(apiVersion),
    kind: z.literal(kindName),
    metadata,
    spec,
  });
}

/** Nested structures checked by Kubernetes itself (affinity, tolerations, overrides). */
const opaque = z.unknown();

const OWN_SCHEMAS: Record<string, z.ZodType> = {
  // tigera/operator: api/v1/installation_types.go (InstallationSpec); cluster-scoped.
  'operator.tigera.io/v1/Installation': kind(
    'operator.tigera.io/v1',
    'Installation',
    z.strictObject({
      variant: z.enum(['Calico', 'TigeraSecureEnterprise']).optional(),
      registry: z.string().optional(),
      imagePath: z.string().optional(),
      imagePrefix: z.string().optional(),
      imagePullSecrets: z
        .array(z.strictObject({ name: z.string() }))
        .optional(),
      kubernetesProvider: z.string().optional(),
      cni: z
        .strictObject({
          type: z.enum(['Calico', 'GKE', 'AmazonVPC', 'AzureVNET']),
          ipam: z.strictObject({ type: z.string() }).optional(),
        })
        .optional(),
      calicoNetwork: z
        .strictObject({
          bgp: z.enum(['Enabled', 'Disabled']).optional(),
          ipPools: z
            .array(
              z.strictObject({
                name: z.string().optional(),
                cidr: z.string(),
                encapsulation: z
                  .enum([
                    'IPIPCrossSubnet',
                    'IPIP',
                    'VXLAN',
                    'VXLANCrossSubnet',
                    'None',
                  ])
                  .optional(),
                natOutgoing: z.enum(['Enabled', 'Disabled']).optional(),
                nodeSelector: z.string().optional(),
                blockSize: z.number().int().optional(),
                disableBGPExport: z.boolean().optional(),
                allowedUses: z.array(z.string()).optional(),
              }),
            )
            .optional(),
          mtu: z.number().int().optional(),
          linuxDataplane: z
            .enum(['Iptables', 'BPF', 'VPP', 'Nftables'])
            .optional(),
          nodeAddressAutodetectionV4: opaque.optional(),
          nodeAddressAutodetectionV6: opaque.optional(),
          hostPorts: z.enum(['Enabled', 'Disabled']).optional(),
          containerIPForwarding: z.enum(['Enabled', 'Disabled']).optional(),
          multiInterfaceMode: z.string().optional(),
        })
        .optional(),
      controlPlaneNodeSelector: z.record(z.string(), z.string()).optional(),
      controlPlaneTolerations: opaque.optional(),
      controlPlaneReplicas: z.number().int().optional(),
      nodeMetricsPort: z.number().int().optional(),
      typhaMetricsPort: z.number().int().optional(),
      flexVolumePath: z.string().optional(),
      kubeletVolumePluginPath: z.string().optional(),
      nodeUpdateStrategy: opaque.optional(),
      componentResources: opaque.optional(),
      certificateManagement: opaque.optional(),
      nonPrivileged: z.enum(['Enabled', 'Disabled']).optional(),
      calicoNodeDaemonSet: opaque.optional(),
      calicoKubeControllersDeployment: opaque.optional(),
      typhaDeployment: opaque.optional(),
      csiNodeDriverDaemonSet: opaque.optional(),
      serviceCIDRs: z.array(z.string()).optional(),
      logging: opaque.optional(),
      fipsMode: z.enum(['Enabled', 'Disabled']).optional(),
    }),
  ),
  // rabbitmq/cluster-operator: api/v1beta1/rabbitmqcluster_types.go (RabbitmqClusterSpec).
  'rabbitmq.com/v1beta1/RabbitmqCluster': kind(
    'rabbitmq.com/v1beta1',
    'RabbitmqCluster',
    z.strictObject({
      replicas: z.number().int().min(0).optional(),
      image: z.string().optional(),
      imagePullSecrets: z
        .array(z.strictObject({ name: z.string() }))
        .optional(),
      service: z
        .strictObject({
          type: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort']).optional(),
          annotations: z.record(z.string(), z.string()).optional(),
          ipFamilyPolicy: z.string().optional(),
        })
        .optional(),
      persistence: z
        .strictObject({
          storageClassName: z.string().optional(),
          storage: z.string().optional(),
        })
        .optional(),
      resources: z
        .strictObject({
          requests: resourceList.optional(),
          limits: resourceList.optional(),
        })
        .optional(),
      affinity: opaque.optional(),
      tolerations: opaque.optional(),
      rabbitmq: z
        .strictObject({
          additionalPlugins: z.array(z.string()).optional(),
          additionalConfig: z.string().optional(),
          advancedConfig: z.string().optional(),
          envConfig: z.string().optional(),
          erlangInetConfig: z.string().optional(),
        })
        .optional(),
      tls: z
        .strictObject({
          secretName: z.string().optional(),
          caSecretName: z.string().optional(),
          disableNonTLSListeners: z.boolean().optional(),
        })
        .optional(),
      override: opaque.optional(),
      skipPostDeploySteps: z.boolean().optional(),
      terminationGracePeriodSeconds: z.number().int().optional(),
      delayStartSeconds: z.number().int().optional(),
      secretBackend: opaque.optional(),
    }),
  ),

  // openfaas/faas-netes: pkg/apis/openfaas/v1/types.go (FunctionSpec).
  'openfaas.com/v1/Function': kind(
    'openfaas.com/v1',
    'Function',
    z.strictObject({
      name: z.string().min(1),
      image: z.string().min(1),
      handler: z.string().optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      labels: z.record(z.string(), z.string()).optional(),
      environment: z.record(z.string(), z.string()).optional(),
      constraints: z.array(z.string()).optional(),
      secrets: z.array(z.string()).optional(),
      limits: resourceList.optional(),
      requests: resourceList.optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
    }),
  ),
  // knative-extensions/eventing-rabbitmq: pkg/apis/sources/v1alpha1 (RabbitmqSourceSpec).
  'sources.knative.dev/v1alpha1/RabbitmqSource': kind(
    'sources.knative.dev/v1alpha1',
    'RabbitmqSource',
    z.strictObject({
      rabbitmqClusterReference: z.strictObject({
        name: z.string().optional(),
        namespace: z.string().optional(),
        connectionSecret: z.strictObject({ name: z.string() }).optional(),
      }),
      rabbitmqResourcesConfig: z.strictObject({
        exchangeName: z.string().optional(),
        queueName: z.string().min(1),
        predeclared: z.boolean().optional(),
        vhost: z.string().optional(),
        parallelism: z.number().int().min(1).max(1000).optional(),
      }),
      delivery: delivery.optional(),
      serviceAccountName: z.string().optional(),
      sink: destination,
      ceOverrides: z
        .strictObject({ extensions: z.record(z.string(), z.string()) })
        .optional(),
    }),
  ),
  // knative-extensions/eventing-kafka-broker: control-plane/pkg/apis/sources/v1beta1 (KafkaSourceSpec).
  'sources.knative.dev/v1beta1/KafkaSource': kind(
    'sources.knative.dev/v1beta1',
    'KafkaSource',
    z.strictObject({
      bootstrapServers: z.array(z.string()).min(1),
      topics: z.array(z.string()).min(1),
      consumerGroup: z.string().optional(),
      initialOffset: z.enum(['earliest', 'latest']).optional(),
      consumers: z.number().int().optional(),
      delivery: delivery.optional(),
      sink: destination,
      ceOverrides: z
        .strictObject({ extensions: z.record(z.string(), z.string()) })
        .optional(),
    }),
  ),
};

function pointerOf(path: PropertyKey[]): string {
  return path.map(segment => `/${String(segment)}`).join('');
}

/** Validates against the schemas above; `known` is false for kinds they do not cover. */
export function validateOwnSchema(object: {
  apiVersion?: unknown;
  kind?: unknown;
}): PackagedSchemaResult {
  const schema = OWN_SCHEMAS[`${object.apiVersion}/${object.kind}`];
  if (!schema) {
    return { known: false, issues: [] };
  }
  const result = schema.safeParse(object);
  if (result.success) {
    return { known: true, issues: [] };
  }
  const issues: SchemaIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          pointer: pointerOf([...issue.path, key]),
          keyword: 'unknown',
          message: 'is not a field of this kind',
        });
      }
    } else {
      issues.push({
        pointer: pointerOf(issue.path),
        keyword: issue.code,
        message: issue.message,
      });
    }
  }
  return { known: true, issues };
}
