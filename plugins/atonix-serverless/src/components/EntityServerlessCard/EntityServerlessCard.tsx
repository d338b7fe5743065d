import {
  InfoCard,
  Link,
  Progress,
  StructuredMetadataTable,
  TrendLine,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import {
  FunctionStatus,
  MetricSeries,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { ErrorState } from '../common/ErrorState';
import { Loaded } from '../common/Loaded';
import {
  HealthStatus,
  ScaledToZeroBadge,
  StaleBadge,
} from '../common/StatusBadges';
import { formatPercent, formatRate } from '../common/format';
import { useFunctionRead } from '../common/useFunctionRead';
import { useEntityFunctions } from '../EntityServerlessContent/useEntityFunctions';

/** The overview card of a function's entity page: health and the last hour's traffic. */
export function EntityServerlessCard() {
  const { value, error } = useEntityFunctions();
  return (
    <InfoCard title="Serverless">
      <Loaded value={value} error={error} what="this function's status">
        {({ items }) =>
          items.length === 0 ? (
            <Typography>Not running in any cluster.</Typography>
          ) : (
            <FunctionSummary fn={items[0]} />
          )
        }
      </Loaded>
    </InfoCard>
  );
}

function FunctionSummary(props: { fn: FunctionStatus }) {
  const { fn } = props;
  const metrics = useFunctionRead(fn, (backend, ref) =>
    backend.getFunctionMetrics(ref, { window: '1h' }),
  );
  const alerts = useFunctionRead(fn, (backend, ref) =>
    backend.getFunctionAlerts(ref),
  );
  let alertSummary: string;
  if (alerts.error) {
    alertSummary = `not shown: ${alerts.error.message}`;
  } else if (!alerts.value) {
    alertSummary = '…';
  } else if (isUnavailable(alerts.value)) {
    alertSummary = `unavailable: ${alerts.value.unavailable}`;
  } else {
    const { firing, resolved } = alerts.value;
    alertSummary = firing.length
      ? `firing: ${firing.map(a => `${a.name} (${a.severity})`).join(', ')}`
      : 'none firing';
    if (resolved.length)
      alertSummary += `; ${resolved.length} resolved recently`;
  }

  let traffic;
  if (metrics.error) {
    traffic = <ErrorState error={metrics.error} what="metrics" />;
  } else if (!metrics.value) {
    traffic = <Progress />;
  } else if (isUnavailable(metrics.value)) {
    traffic = `Prometheus is unavailable: ${metrics.value.unavailable}`;
  } else {
    const { requestRate, errorRate, series } = metrics.value;
    traffic = (
      <>
        <Sparkline
          label={`Request rate ${formatRate(requestRate)}`}
          title="Request rate over the last hour"
          series={series.requestRate}
          color="#1f77b4"
        />
        <Sparkline
          label={`Error rate ${formatPercent(errorRate)}`}
          title="Error rate over the last hour"
          series={series.errorRate}
          color="#d62728"
        />
      </>
    );
  }

  return (
    <>
      <Box display="flex" alignItems="center" style={{ gap: 8 }} mb={1}>
        <HealthStatus fn={fn} showReason />
        {fn.scaledToZero && <ScaledToZeroBadge />}
        {fn.stale && <StaleBadge staleSeconds={fn.staleSeconds} />}
      </Box>
      <StructuredMetadataTable
        dense
        metadata={{
          URL: fn.url ? <Link to={fn.url}>{fn.url}</Link> : 'none yet',
          Replicas: `${fn.replicas.actual}/${fn.replicas.desired}`,
          Cluster: `${fn.cluster}/${fn.namespace}`,
          Alerts: alertSummary,
          'Last hour': traffic,
        }}
      />
    </>
  );
}

function Sparkline(props: {
  label: string;
  title: string;
  series: MetricSeries[];
  color: string;
}) {
  const values = props.series[0]?.points.map(([, value]) => value) ?? [];
  return (
    <Box mb={1}>
      <Typography variant="body2">{props.label}</Typography>
      {/* TrendLine scales to 0..1 unless told otherwise; rates are not shares. */}
      <TrendLine
        data={values}
        title={props.title}
        color={props.color}
        min={0}
        max={Math.max(...values, Number.MIN_VALUE)}
        width={160}
        height={30}
      />
    </Box>
  );
}
