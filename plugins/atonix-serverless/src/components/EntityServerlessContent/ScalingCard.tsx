import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { ScaledToZeroBadge } from '../common/StatusBadges';

const CLASS_LABELS: Record<string, string> = {
  'kpa.autoscaling.knative.dev': 'KPA (Knative)',
  'hpa.autoscaling.knative.dev': 'HPA (Knative)',
  openfaas: 'OpenFaaS autoscaler',
};

/** How many pods run, how many the autoscaler wants, and the rule it follows. */
export function ScalingCard(props: {
  fn: FunctionStatus;
  idleSeconds?: number;
}) {
  const { fn, idleSeconds } = props;
  const { autoscaling } = fn;
  return (
    <InfoCard title="Scaling">
      {fn.scaledToZero && <ScaledToZeroBadge idleSeconds={idleSeconds} />}
      <StructuredMetadataTable
        metadata={{
          Replicas: `${fn.replicas.actual} running, ${fn.replicas.desired} desired`,
          Class: CLASS_LABELS[autoscaling.class] ?? autoscaling.class,
          Metric: autoscaling.metric,
          Target: autoscaling.target ?? 'default',
          'Min / max': `${autoscaling.minScale} / ${
            autoscaling.maxScale ?? 'unbounded'
          }`,
          'Scale to zero': scaleToZero(fn),
        }}
      />
    </InfoCard>
  );
}

function scaleToZero(fn: FunctionStatus): string {
  if (fn.critical) {
    return 'no (critical)';
  }
  return fn.autoscaling.minScale === 0 ? 'yes' : 'no';
}
