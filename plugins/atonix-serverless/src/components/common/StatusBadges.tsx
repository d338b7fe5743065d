import { Chip, Tooltip } from '@material-ui/core';
import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { formatAge } from './format';

const LABELS = { True: 'Ready', False: 'Not ready', Unknown: 'Unknown' };

/** Ready / Not ready / Unknown, with the controller's reason where it gave one. */
export function HealthStatus(props: {
  fn: Pick<FunctionStatus, 'ready' | 'reason' | 'message'>;
  showReason?: boolean;
}) {
  const { ready, reason, message } = props.fn;
  const Status = { True: StatusOK, False: StatusError, Unknown: StatusWarning }[
    ready
  ];
  return (
    <Tooltip title={message ?? ''}>
      <span>
        <Status>{LABELS[ready]}</Status>
        {props.showReason && reason && ready !== 'True' ? ` (${reason})` : ''}
      </span>
    </Tooltip>
  );
}

/** Marks a status the backend could not refresh: the cluster is unreachable, this is its last known state. */
export function StaleBadge(props: { staleSeconds?: number }) {
  const age =
    props.staleSeconds === undefined
      ? ''
      : ` · ${formatAge(props.staleSeconds)} old`;
  return (
    <Tooltip title="The cluster is unreachable; this is the last known state.">
      <Chip
        size="small"
        color="secondary"
        label={`Stale${age}`}
        data-testid="stale-badge"
      />
    </Tooltip>
  );
}

/** A function idle by design: no pods because nothing called it, not because it is broken. */
export function ScaledToZeroBadge(props: { idleSeconds?: number }) {
  const idle =
    props.idleSeconds === undefined
      ? ''
      : ` · last request ${formatAge(props.idleSeconds)} ago`;
  return (
    <Chip size="small" variant="outlined" label={`Scaled to zero${idle}`} />
  );
}

/** Alerts firing on a function: how many, and the most urgent severity among them. */
export function AlertingBadge(props: { firing: number; severity?: string }) {
  const { firing, severity } = props;
  return (
    <Chip
      size="small"
      color={severity === 'critical' ? 'secondary' : 'default'}
      label={`${firing} alert${firing === 1 ? '' : 's'} firing${
        severity ? ` · ${severity}` : ''
      }`}
    />
  );
}
