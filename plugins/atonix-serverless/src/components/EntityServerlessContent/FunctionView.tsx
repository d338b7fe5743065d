import { useState } from 'react';
import { Grid } from '@material-ui/core';
import {
  FunctionMetricsResponse,
  FunctionStatus,
  MetricsWindow,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionRefOf } from '../../api';
import { Loaded } from '../common/Loaded';
import { useFunctionRead } from '../common/useFunctionRead';
import { AddSecretDialog } from './AddSecretDialog';
import { AlertsCard } from './AlertsCard';
import { HealthHeader } from './HealthHeader';
import { LogsPanel } from './LogsPanel';
import { MetricsPanel } from './MetricsPanel';
import { RevisionsCard } from './RevisionsCard';
import { ScalingCard } from './ScalingCard';
import { TrafficPanel } from './TrafficPanel';
import { TriggersCard } from './TriggersCard';
import { TestPanel } from './TestPanel';
import { TracePanel } from './TracePanel';

/**
 * Seconds since the newest sample with traffic: how long a scaled-to-zero function has been idle.
 * Undefined without metrics or without a request in the window.
 */
export function secondsSinceLastRequest(
  metrics: FunctionMetricsResponse | undefined,
  now = Date.now(),
): number | undefined {
  if (!metrics || isUnavailable(metrics)) {
    return undefined;
  }
  const busy = metrics.series.requestRate.flatMap(series =>
    series.points.filter(([, rate]) => rate > 0).map(([t]) => t),
  );
  return busy.length ? now / 1000 - Math.max(...busy) : undefined;
}

/** Everything about one function in one cluster. */
export function FunctionView(props: { fn: FunctionStatus }) {
  const { fn } = props;
  const [window, setWindow] = useState<MetricsWindow>('1h');
  const fnRef = functionRefOf(fn);

  const details = useFunctionRead(
    fn,
    (backend, ref) => backend.getFunction(ref),
    // Refetch whenever the status refresh brings news.
    [fn.observedAt, fn.stale],
  );
  const metrics = useFunctionRead(
    fn,
    (backend, ref) => backend.getFunctionMetrics(ref, { window }),
    [window],
  );
  const alerts = useFunctionRead(
    fn,
    (backend, ref) => backend.getFunctionAlerts(ref),
    [fn.observedAt],
  );
  const idleSeconds = secondsSinceLastRequest(metrics.value);

  const revisions = (
    <Loaded value={details.value} error={details.error} what="revisions">
      {value => {
        return <RevisionsCard fn={value} />;
      }}
    </Loaded>
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <HealthHeader fn={fn} idleSeconds={idleSeconds} />
      </Grid>
      <Grid item xs={12}>
        <AlertsCard alerts={alerts.value} error={alerts.error} />
      </Grid>
      <Grid item xs={12}>
        {revisions}
      </Grid>
      <Grid item xs={12}>
        <TracePanel fn={fn} />
      </Grid>
      {details.value && (
        <Grid item xs={12}>
          <TestPanel fn={details.value} />
        </Grid>
      )}
      {fn.runtime === 'knative' && (
        <Grid item xs={12}>
          <TrafficPanel fn={fn} />
        </Grid>
      )}
      <Grid item xs={12} md={5}>
        <ScalingCard fn={fn} idleSeconds={idleSeconds} />
      </Grid>
      <Grid item xs={12} md={7}>
        <TriggersCard fn={fn} />
      </Grid>
      <Grid item xs={12}>
        <MetricsPanel
          window={window}
          onWindowChange={setWindow}
          metrics={metrics.value}
          error={metrics.error}
          critical={fn.critical}
        />
      </Grid>
      <Grid item xs={12}>
        <AddSecretDialog fn={fn} />
      </Grid>
      <Grid item xs={12}>
        <LogsPanel
          fnRef={fnRef}
          revisions={details.value?.revisions.map(r => r.name) ?? []}
        />
      </Grid>
    </Grid>
  );
}
