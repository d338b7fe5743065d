import { useState } from 'react';
import { InfoCard, LogViewer } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Box,
  FormControl,
  FormControlLabel,
  InputLabel,
  MenuItem,
  Select,
  Switch,
  Typography,
} from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { isUnavailable } from '@internal/backstage-plugin-atonix-serverless-common';
import { FunctionRef, atonixServerlessApiRef } from '../../api';
import { Loaded } from '../common/Loaded';
import { UnavailableState } from '../common/ErrorState';

/** Loki has no push channel to the browser here, so live tail polls. */
export const LIVE_TAIL_INTERVAL_MS = 3_000;
const LINE_LIMIT = 500;

/** The function's recent log lines from the cluster's Loki, per revision, optionally tailing. */
export function LogsPanel(props: { fnRef: FunctionRef; revisions: string[] }) {
  const { fnRef, revisions } = props;
  const api = useApi(atonixServerlessApiRef);
  const [revision, setRevision] = useState('');
  const [live, setLive] = useState(false);
  const logs = useAsyncRetry(
    () =>
      api.getFunctionLogs(fnRef, {
        since: '1h',
        limit: LINE_LIMIT,
        revision: revision || undefined,
      }),
    [api, fnRef.cluster, fnRef.namespace, fnRef.name, revision],
  );
  useInterval(logs.retry, live ? LIVE_TAIL_INTERVAL_MS : null);

  const body = (
    <Loaded value={logs.value} error={logs.error} what="logs">
      {value => {
        if (isUnavailable(value)) {
          return <UnavailableState source="Loki" reason={value.unavailable} />;
        }
        if (value.lines.length === 0) {
          return <Typography>No log lines in the last hour.</Typography>;
        }
        // Loki answers newest first; a log reads top to bottom, oldest first. The pod name says which
        // revision wrote a line (Knative names pods after their revision).
        const text = [...value.lines]
          .reverse()
          .map(
            ({ timestamp, line, labels }) =>
              `${timestamp} ${labels.pod ? `[${labels.pod}] ` : ''}${line}`,
          )
          .join('\n');
        return (
          <>
            {value.truncated && (
              <Typography variant="caption" paragraph>
                Showing the newest {value.lines.length} lines. LogQL:{' '}
                {value.query}
              </Typography>
            )}
            <Box height={360}>
              <LogViewer text={text} />
            </Box>
          </>
        );
      }}
    </Loaded>
  );

  return (
    <InfoCard
      title="Recent logs"
      action={
        <Box
          display="flex"
          alignItems="center"
          mt={1}
          mr={1}
          style={{ gap: 16 }}
        >
          <FormControl
            size="small"
            variant="outlined"
            style={{ minWidth: 200 }}
          >
            <InputLabel id="logs-revision">Revision</InputLabel>
            <Select
              labelId="logs-revision"
              label="Revision"
              value={revision}
              onChange={event => setRevision(event.target.value as string)}
            >
              <MenuItem value="">All revisions</MenuItem>
              {revisions.map(name => (
                <MenuItem key={name} value={name}>
                  {name}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControlLabel
            label="Live tail"
            control={
              <Switch
                checked={live}
                onChange={(_, checked) => setLive(checked)}
              />
            }
          />
        </Box>
      }
    >
      {body}
    </InfoCard>
  );
}
