import {
  InfoCard,
  Link,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import {
  FUNCTION_RUNTIME_TITLES,
  FunctionStatus,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  HealthStatus,
  ScaledToZeroBadge,
  StaleBadge,
} from '../common/StatusBadges';

/** The function at a glance: is it serving, where, and is Flux in sync with Git. */
export function HealthHeader(props: {
  fn: FunctionStatus;
  idleSeconds?: number;
}) {
  const { fn, idleSeconds } = props;
  return (
    <InfoCard
      title={
        <Box display="flex" alignItems="center" style={{ gap: 12 }}>
          <span>{fn.name}</span>
          <Typography component="span" variant="h6">
            <HealthStatus fn={fn} />
          </Typography>
          {fn.scaledToZero && <ScaledToZeroBadge idleSeconds={idleSeconds} />}
          {fn.stale && <StaleBadge staleSeconds={fn.staleSeconds} />}
        </Box>
      }
    >
      {fn.ready !== 'True' && (fn.reason || fn.message) && (
        <Typography color="error" paragraph>
          {[fn.reason, fn.message].filter(Boolean).join(': ')}
        </Typography>
      )}
      <StructuredMetadataTable
        metadata={{
          URL: fn.url ? <Link to={fn.url}>{fn.url}</Link> : 'none yet',
          Runtime: FUNCTION_RUNTIME_TITLES[fn.runtime],
          Cluster: fn.cluster,
          Namespace: fn.namespace,
          'Flux sync': fn.flux ? (
            <FluxSync flux={fn.flux} />
          ) : (
            'not managed by Flux'
          ),
        }}
      />
    </InfoCard>
  );
}

function FluxSync(props: { flux: NonNullable<FunctionStatus['flux']> }) {
  const { flux } = props;
  const state = { True: 'In sync', False: 'Failing', Unknown: 'Reconciling' }[
    flux.ready
  ];
  return (
    <span>
      <HealthStatus fn={{ ready: flux.ready }} /> {state}
      {flux.revision && ` at ${flux.revision}`} ({flux.namespace}/
      {flux.kustomization}){flux.message && `: ${flux.message}`}
    </span>
  );
}
