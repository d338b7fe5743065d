import { InfoCard } from '@backstage/core-components';
import { TableCell, TableRow, Typography } from '@material-ui/core';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { CardTable } from '../common/CardTable';
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
        <CardTable
          label="Event triggers"
          columns={['Name', 'Kind', 'Broker', 'Filters', 'Source', 'Ready']}
        >
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
        </CardTable>
      )}
    </InfoCard>
  );
}
