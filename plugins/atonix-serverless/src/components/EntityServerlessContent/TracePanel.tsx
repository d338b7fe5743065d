import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { InfoCard, Link } from '@backstage/core-components';
import {
  Box,
  Button,
  Chip,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import CheckCircle from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpOutline from '@material-ui/icons/HelpOutline';
import {
  FunctionStatus,
  FunctionTrace,
  SyncResponse,
  TraceKustomization,
  TraceLinkId,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { atonixServerlessApiRef, functionRefOf } from '../../api';
import { Loaded } from '../common/Loaded';
import { ErrorState } from '../common/ErrorState';
import { useFunctionRead } from '../common/useFunctionRead';

const LINK_TITLES: Record<TraceLinkId, string> = {
  'repository-commit': 'Repository commit',
  image: 'Image',
  'gitops-commit': 'GitOps commit',
  'flux-applied': 'Applied by Flux',
  revisions: 'Revisions with that image',
  traffic: 'Traffic',
};

/** How often the trace is read again while a sync is awaited. */
export const SYNC_POLL_MS = 2000;
/** How long a sync's outcome is awaited before the panel says it is still pending. */
export const SYNC_WAIT_MS = 120_000;

const ICONS = {
  ok: <CheckCircle style={{ color: '#2e7d32' }} />,
  broken: <ErrorIcon color="error" />,
  unknown: <HelpOutline color="disabled" />,
};

/** The outcome of a sync: the Kustomization handled the request (its status changed), or not yet. */
export function syncOutcome(
  sync: SyncResponse,
  trace: FunctionTrace | undefined,
): { done: boolean; own?: TraceKustomization } {
  const own = trace?.kustomizations[0];
  return {
    done:
      own?.lastHandledReconcileAt !== undefined &&
      own.lastHandledReconcileAt !== sync.previousReconcileAt,
    own,
  };
}

/**
 * "What runs, and why": the chain from the function repository's commit to the traffic its
 * revisions get, the first broken link called out, the Flux Kustomizations the function waits for,
 * and "Sync now" (asks Flux through the team's Receiver, then shows the reconcile's outcome).
 */
export function TracePanel(props: { fn: FunctionStatus }) {
  const { fn } = props;
  const api = useApi(atonixServerlessApiRef);
  const fnRef = functionRefOf(fn);
  const trace = useFunctionRead(
    fn,
    (backend, ref) => backend.getFunctionTrace(ref),
    [fn.observedAt],
  );
  const [sync, setSync] = useState<{
    response?: SyncResponse;
    error?: Error;
    sending?: boolean;
    since?: number;
  }>({});

  const outcome = sync.response
    ? syncOutcome(sync.response, trace.value)
    : undefined;
  const waiting =
    outcome && !outcome.done && Date.now() - (sync.since ?? 0) < SYNC_WAIT_MS;
  const { retry } = trace;
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setTimeout(retry, SYNC_POLL_MS);
    return () => clearTimeout(timer);
  }, [waiting, retry, trace.value]);

  const syncNow = async () => {
    setSync({ sending: true });
    try {
      const response = await api.syncFunction(fnRef);
      setSync({ response, since: Date.now() });
      retry();
    } catch (error) {
      setSync({ error: error as Error });
    }
  };

  const body = (
    <Loaded value={trace.value} error={trace.error} what="the trace">
      {value => {
        const { links, firstBroken, kustomizations, blockedBy } = value;
        return (
          <>
            {firstBroken !== undefined && (
              <Alert severity="error" data-testid="trace-broken">
                {LINK_TITLES[links[firstBroken].id]}:{' '}
                {links[firstBroken].message}
              </Alert>
            )}
            <List dense aria-label="Trace">
              {links.map((link, index) => (
                <ListItem
                  key={link.id}
                  selected={index === firstBroken}
                  aria-label={`${LINK_TITLES[link.id]}: ${link.state}`}
                >
                  <ListItemIcon>{ICONS[link.state]}</ListItemIcon>
                  <ListItemText
                    primary={
                      <>
                        {LINK_TITLES[link.id]}
                        {link.value && (
                          <Typography
                            component="span"
                            variant="body2"
                            style={{ marginLeft: 8, fontFamily: 'monospace' }}
                          >
                            {link.value}
                          </Typography>
                        )}
                        {link.href && (
                          <Link to={link.href} style={{ marginLeft: 8 }}>
                            CI run
                          </Link>
                        )}
                      </>
                    }
                    secondary={link.message}
                  />
                </ListItem>
              ))}
            </List>
            {kustomizations.length > 0 && (
              <Box mt={2}>
                <Typography variant="subtitle2">
                  Flux dependency chain
                </Typography>
                {blockedBy && (
                  <Alert severity="warning" data-testid="trace-blocked">
                    Blocked by Kustomization {blockedBy}:{' '}
                    {kustomizations.find(
                      k => `${k.namespace}/${k.name}` === blockedBy,
                    )?.message ?? 'not ready'}
                  </Alert>
                )}
                <List dense aria-label="Flux dependency chain">
                  {kustomizations.map(k => (
                    <ListItem key={`${k.namespace}/${k.name}`}>
                      <ListItemIcon>
                        {ICONS[k.ready === 'True' ? 'ok' : 'broken']}
                      </ListItemIcon>
                      <ListItemText
                        primary={`${k.namespace}/${k.name}${
                          k.dependsOn.length
                            ? ` → depends on ${k.dependsOn.join(', ')}`
                            : ''
                        }${k.appliedBy ? ` (applied by ${k.appliedBy})` : ''}`}
                        secondary={
                          k.ready === 'True'
                            ? `Ready, applied ${k.lastAppliedRevision ?? '—'}`
                            : `${k.reason ?? 'Not ready'}: ${k.message ?? ''}`
                        }
                      />
                    </ListItem>
                  ))}
                </List>
              </Box>
            )}
          </>
        );
      }}
    </Loaded>
  );

  return (
    <InfoCard
      title="What runs, and why"
      action={
        <Button
          variant="outlined"
          color="primary"
          disabled={sync.sending || !!waiting || !fn.flux}
          onClick={syncNow}
        >
          Sync now
        </Button>
      }
    >
      {sync.error && <ErrorState error={sync.error} what="a sync" />}
      {sync.response && outcome && (
        <Box mb={2} data-testid="sync-outcome">
          {waiting && (
            <Alert severity="info">
              Asked Flux to reconcile {sync.response.kustomization} through
              Receiver {sync.response.receiver}; waiting for its status to
              change…
            </Alert>
          )}
          {outcome.done && outcome.own && (
            <Alert
              severity={outcome.own.ready === 'True' ? 'success' : 'error'}
            >
              Flux reconciled {sync.response.kustomization}:{' '}
              {outcome.own.ready === 'True'
                ? `Ready, applied ${outcome.own.lastAppliedRevision ?? '—'}`
                : `${outcome.own.reason ?? 'not ready'}: ${
                    outcome.own.message ?? ''
                  }`}
            </Alert>
          )}
          {!waiting && !outcome.done && (
            <Alert severity="warning">
              Flux has not handled the request within {SYNC_WAIT_MS / 1000} s;
              check the Receiver {sync.response.receiver} and the
              notification-controller's logs.
            </Alert>
          )}
          <Chip size="small" label={`requested ${sync.response.requestedAt}`} />
        </Box>
      )}
      {body}
    </InfoCard>
  );
}
