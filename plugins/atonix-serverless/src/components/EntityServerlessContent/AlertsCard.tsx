import { InfoCard } from '@backstage/core-components';
import { TableCell, TableRow, Typography } from '@material-ui/core';
import {
  FunctionAlert,
  FunctionAlertsResponse,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { CardTable } from '../common/CardTable';
import { Loaded } from '../common/Loaded';
import { formatAge, secondsSince } from '../common/format';

function AlertRows(props: { alerts: FunctionAlert[]; resolved?: boolean }) {
  return (
    <>
      {props.alerts.map(alert => (
        <TableRow key={`${alert.fingerprint}-${alert.startsAt}`}>
          <TableCell>{alert.name}</TableCell>
          <TableCell>{alert.severity}</TableCell>
          <TableCell>{alert.summary ?? '–'}</TableCell>
          <TableCell>
            {props.resolved
              ? `resolved ${formatAge(secondsSince(alert.endsAt!))} ago`
              : `firing for ${formatAge(secondsSince(alert.startsAt))}`}
          </TableCell>
        </TableRow>
      ))}
    </>
  );
}

/**
 * The function's alerts from its cluster's Alertmanager: those firing now and those resolved
 * recently (the rules come from the objectives in its function.yaml).
 */
export function AlertsCard(props: {
  alerts?: FunctionAlertsResponse;
  error?: Error;
}) {
  const content = (
    <Loaded value={props.alerts} error={props.error} what="alerts">
      {alerts => {
        if (isUnavailable(alerts)) {
          return (
            <Typography>
              Alerts are unavailable: {alerts.unavailable}
            </Typography>
          );
        }
        if (alerts.firing.length === 0 && alerts.resolved.length === 0) {
          return (
            <Typography>
              No alert fired recently: the function meets its objectives.
            </Typography>
          );
        }
        return (
          <CardTable
            label="Alerts"
            columns={['Alert', 'Severity', 'Summary', 'When']}
          >
            <AlertRows alerts={alerts.firing} />
            <AlertRows alerts={alerts.resolved} resolved />
          </CardTable>
        );
      }}
    </Loaded>
  );
  const firing =
    props.alerts && !isUnavailable(props.alerts)
      ? props.alerts.firing.length
      : undefined;
  return (
    <InfoCard
      title="Alerts"
      subheader={firing === undefined ? undefined : `${firing} firing`}
    >
      {content}
    </InfoCard>
  );
}
