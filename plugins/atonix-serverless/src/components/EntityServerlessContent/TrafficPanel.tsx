import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { InfoCard } from '@backstage/core-components';
import { Button, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  FunctionStatus,
  describeTraffic,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { atonixServerlessApiRef } from '../../api';
import { Loaded } from '../common/Loaded';
import { ManageTrafficDialog } from './ManageTrafficDialog';

/** What the cluster routes now, from the Knative Service's `status.traffic`. */
function appliedSplit(fn: FunctionStatus): string {
  return (
    fn.traffic
      .map(
        t =>
          `${t.revisionName}${t.latest ? ' (latest)' : ''} ${t.percent} %${
            t.tag ? ` (${t.tag})` : ''
          }`,
      )
      .join(', ') || 'no traffic'
  );
}

/**
 * The traffic split as git asks for it and as the cluster applies it, the portal's change Flux has
 * not applied yet, and "Manage traffic". For Knative functions (OpenFaaS has no revisions).
 */
export function TrafficPanel(props: { fn: FunctionStatus }) {
  const { fn } = props;
  const api = useApi(atonixServerlessApiRef);
  const fnRef = { cluster: fn.cluster, namespace: fn.namespace, name: fn.name };
  const [open, setOpen] = useState(false);
  const view = useAsyncRetry(
    () => api.getTraffic(fnRef),
    // Read again when the cluster reports news: Flux may have applied the pending change.
    [api, fn.cluster, fn.namespace, fn.name, fn.observedAt, fn.flux?.revision],
  );

  const body = (
    <Loaded value={view.value} error={view.error} what="the traffic in git">
      {value => {
        const { pending } = value;
        return (
          <>
            <Typography variant="body2">
              In git ({value.file}):{' '}
              <strong>{describeTraffic(value.traffic)}</strong>
            </Typography>
            <Typography variant="body2">
              Applied in {fn.cluster}: <strong>{appliedSplit(fn)}</strong>
              {fn.flux?.revision && ` (Flux applied ${fn.flux.revision})`}
            </Typography>
            {pending && (
              <Alert severity="info" style={{ marginTop: 8 }}>
                Pending: “{pending.subject}”, commit{' '}
                {pending.commit.slice(0, 7)} by {pending.requestedBy} at{' '}
                {pending.committedAt}. Flux has not applied it yet
                {fn.flux?.kustomization &&
                  ` (Kustomization ${fn.flux.namespace}/${fn.flux.kustomization})`}
                .
              </Alert>
            )}
            <Button
              variant="outlined"
              color="primary"
              style={{ marginTop: 8 }}
              onClick={() => setOpen(true)}
            >
              Manage traffic
            </Button>
            {open && (
              <ManageTrafficDialog
                fnRef={fnRef}
                view={value}
                open={open}
                onClose={() => setOpen(false)}
                onCommitted={() => {
                  setOpen(false);
                  view.retry();
                }}
              />
            )}
          </>
        );
      }}
    </Loaded>
  );
  return <InfoCard title="Traffic through GitOps">{body}</InfoCard>;
}
