import { useState } from 'react';
import { InfoCard, LogViewer } from '@backstage/core-components';
import { Box, FormControlLabel, Switch, Typography } from '@material-ui/core';
import useInterval from 'react-use/esm/useInterval';
import { isUnavailable } from '@internal/backstage-plugin-atonix-serverless-common';
import { FunctionRef } from '../../api';
import { Loaded } from '../common/Loaded';
import { useFunctionRead } from '../common/useFunctionRead';
import { UnavailableState } from '../common/ErrorState';
import { SelectControl } from '../common/SelectControl';

/** Loki has no push channel to the browser here, so live tail polls. */
export const LIVE_TAIL_INTERVAL_MS = 3_000;
const LINE_LIMIT = 500;

/** The function's recent log lines from the cluster's Loki, per revision, optionally tailing. */
export function LogsPanel(props: { fnRef: FunctionRef; revisions: string[] }) {
  const { fnRef, revisions } = props;
  const [revision, setRevision] = useState('');
  const [live, setLive] = useState(false);
  const logs = useFunctionRead(
    fnRef,
    (backend, ref) =>
      backend.getFunctionLogs(ref, {
        since: '1h',
        limit: LINE_LIMIT,
        revision: revision || undefined,
      }),
    [revision],
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
          <SelectControl
            id="logs-revision"
            label="Revision"
            style={{ minWidth: 200 }}
            value={revision}
            onChange={setRevision}
            options={[
              { value: '', label: 'All revisions' },
              ...revisions.map(name => ({ value: name, label: name })),
            ]}
          />
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
