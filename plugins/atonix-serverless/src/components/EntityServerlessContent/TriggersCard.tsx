import { InfoCard } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { HealthStatus } from '../common/StatusBadges';

/** What besides HTTP makes the function run: Knative Triggers and event sources. */
export function TriggersCard(props: { fn: FunctionStatus }) {
  const { triggers } = props.fn;
  return (
    <InfoCard title="Event triggers">
      {triggers.length === 0 ? (
        <Typography>
          HTTP only: no Trigger or event source targets this function.
        </Typography>
      ) : (
        <Table size="small" aria-label="Event triggers">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>Broker</TableCell>
              <TableCell>Filters</TableCell>
              <TableCell>Source</TableCell>
              <TableCell>Ready</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {triggers.map(trigger => (
              <TableRow key={`${trigger.kind}/${trigger.name}`}>
                <TableCell>{trigger.name}</TableCell>
                <TableCell>{trigger.kind}</TableCell>
                <TableCell>{trigger.broker ?? '–'}</TableCell>
                <TableCell>
                  {Object.entries(trigger.filters ?? {})
                    .map(([key, value]) => `${key}=${value}`)
                    .join(', ') || '–'}
                </TableCell>
                <TableCell>{trigger.source ?? '–'}</TableCell>
                <TableCell>
                  <HealthStatus fn={trigger} showReason />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
