import { InfoCard } from '@backstage/core-components';
import { Box, Grid, Typography } from '@material-ui/core';
import {
  FunctionMetricsResponse,
  METRICS_WINDOWS,
  MetricsWindow,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { Loaded } from '../common/Loaded';
import { UnavailableState } from '../common/ErrorState';
import { SelectControl } from '../common/SelectControl';
import { formatMs, formatPercent, formatRate } from '../common/format';
import { ColdStarts } from './ColdStarts';
import { MetricChart } from './MetricChart';

/** Request rate, latency, errors and replicas over a window, from the cluster's Prometheus. */
export function MetricsPanel(props: {
  window: MetricsWindow;
  onWindowChange: (window: MetricsWindow) => void;
  metrics?: FunctionMetricsResponse;
  error?: Error;
  /** Whether the function is critical: what the cold-start suggestion advises depends on it. */
  critical: boolean;
}) {
  const { window, onWindowChange } = props;
  const selector = (
    <SelectControl
      id="metrics-window"
      label="Window"
      value={window}
      onChange={selected => onWindowChange(selected as MetricsWindow)}
      options={METRICS_WINDOWS.map(option => ({
        value: option,
        label: `Last ${option}`,
      }))}
    />
  );

  const body = (
    <Loaded value={props.metrics} error={props.error} what="metrics">
      {metrics => {
        if (isUnavailable(metrics)) {
          return (
            <UnavailableState
              source="Prometheus"
              reason={metrics.unavailable}
            />
          );
        }
        const figures: Array<[string, string]> = [
          ['Request rate', formatRate(metrics.requestRate)],
          ['p50', formatMs(metrics.latency.p50)],
          ['p95', formatMs(metrics.latency.p95)],
          ['p99', formatMs(metrics.latency.p99)],
          ['Error rate', formatPercent(metrics.errorRate)],
          ['Replicas', String(metrics.replicas)],
          ['Cold starts', String(metrics.coldStarts)],
        ];
        const charts = [
          {
            title: 'Request rate',
            series: metrics.series.requestRate,
            format: formatRate,
          },
          {
            title: 'Latency',
            series: metrics.series.latency,
            format: formatMs,
          },
          {
            title: 'Error rate',
            series: metrics.series.errorRate,
            format: formatPercent,
          },
          {
            title: 'Replicas',
            series: metrics.series.replicas,
            format: String,
          },
        ];
        return (
          <>
            <Box display="flex" flexWrap="wrap" style={{ gap: 32 }} mb={2}>
              {figures.map(([label, figure]) => (
                <div key={label} aria-label={label}>
                  <Typography variant="overline" display="block">
                    {label}
                  </Typography>
                  <Typography variant="h6">{figure}</Typography>
                </div>
              ))}
            </Box>
            <Grid container spacing={2}>
              {charts.map(chart => (
                <Grid item xs={12} md={6} key={chart.title}>
                  <Typography variant="subtitle2">{chart.title}</Typography>
                  <MetricChart series={chart.series} format={chart.format} />
                </Grid>
              ))}
              {metrics.coldStart && (
                <Grid item xs={12}>
                  <ColdStarts
                    coldStart={metrics.coldStart}
                    critical={props.critical}
                  />
                </Grid>
              )}
            </Grid>
          </>
        );
      }}
    </Loaded>
  );

  return (
    <InfoCard
      title="Metrics"
      action={
        <Box mt={1} mr={1}>
          {selector}
        </Box>
      }
    >
      {body}
    </InfoCard>
  );
}
