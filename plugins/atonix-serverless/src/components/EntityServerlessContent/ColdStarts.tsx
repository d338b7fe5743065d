import { Box, Grid, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  FunctionColdStarts,
  coldStartAdvice,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { formatMs } from '../common/format';
import { MetricChart } from './MetricChart';

const COUNT_LINE = 'starts in 1h';

/**
 * Starts from zero of a function: how many in the last hour and how long requests waited (the highest p95 of the hour, the
 * slowest revision's) against the objective, per revision, and both over the metrics window. When
 * the wait exceeds the objective it says what to do about it.
 */
export function ColdStarts(props: {
  coldStart: FunctionColdStarts;
  critical: boolean;
}) {
  const { count1h, p95Ms, objectiveMs, revisions, series } = props.coldStart;
  const tooSlow = p95Ms !== null && p95Ms > objectiveMs;
  return (
    <section aria-label="Starts from zero">
      <Typography variant="subtitle2">Starts from zero</Typography>
      <Typography variant="body2" aria-label="Cold start summary">
        {count1h} in the last hour;{' '}
        {p95Ms === null
          ? 'no request waited for a start'
          : `requests waited up to ${formatMs(p95Ms)} at p95`}{' '}
        (objective {formatMs(objectiveMs)}).
      </Typography>
      {revisions.length > 1 && (
        <Typography variant="body2" color="textSecondary">
          {revisions
            .map(r => `${r.revision}: ${r.count1h}, ${formatMs(r.p95Ms)}`)
            .join(' · ')}
        </Typography>
      )}
      {tooSlow && (
        <Box my={1}>
          <Alert severity={props.critical ? 'warning' : 'info'}>
            The p95 wait for a start from zero exceeds the objective.{' '}
            {coldStartAdvice(props.critical)}
          </Alert>
        </Box>
      )}
      <Grid container spacing={2}>
        <Grid item xs={12} md={6}>
          <Typography variant="caption">Starts in the hour before</Typography>
          <MetricChart
            series={series.filter(s => s.label === COUNT_LINE)}
            format={String}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <Typography variant="caption">
            Wait for a start, highest p95 in the hour before
          </Typography>
          <MetricChart
            series={series.filter(s => s.label !== COUNT_LINE)}
            format={formatMs}
          />
        </Grid>
      </Grid>
    </section>
  );
}
