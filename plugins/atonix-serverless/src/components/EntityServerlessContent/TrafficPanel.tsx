import { useEffect, useState } from 'react';
import { InfoCard, Link } from '@backstage/core-components';
import { Button, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  FunctionStatus,
  FunctionTrafficView,
  describeTraffic,
  formatAge,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionRefOf } from '../../api';
import { Loaded } from '../common/Loaded';
import { useFunctionRead } from '../common/useFunctionRead';
import { ManageTrafficDialog } from './ManageTrafficDialog';

/**
 * How often, and how long, the card reads the split in git again after starting a change: a local
 * commit lands in seconds; a pull request waits for a reviewer, and the task link says where it is.
 */
const TASK_POLL_MS = 2000;
const TASK_POLL_LIMIT_MS = 120_000;

/** A change the card started: its task, and what git said before it. */
interface StartedChange {
  taskId: string;
  gitBefore: string;
}

/** What a change alters in the view: the split, the pending commit, the open pull request's split. */
const gitState = (view: FunctionTrafficView) =>
  JSON.stringify([
    view.traffic,
    view.pending?.commit,
    view.pullRequest?.number,
    view.pullRequest?.traffic,
  ]);

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
 * not applied yet (on GitHub: the open pull request, before that), and "Manage traffic". A change is a scaffolder task: the card links it and reads
 * git again until the change is there (locally, seconds; on GitHub, once the pull request is
 * merged). For Knative functions (OpenFaaS has no revisions).
 */
export function TrafficPanel(props: { fn: FunctionStatus }) {
  const { fn } = props;
  const fnRef = functionRefOf(fn);
  const [open, setOpen] = useState(false);
  const [started, setStarted] = useState<StartedChange>();
  const view = useFunctionRead(
    fn,
    (backend, ref) => backend.getTraffic(ref),
    // Read again when the cluster reports news: Flux may have applied the pending change.
    [fn.observedAt, fn.flux?.revision],
  );
  const landed =
    started !== undefined &&
    view.value !== undefined &&
    gitState(view.value) !== started.gitBefore;
  const { retry } = view;
  useEffect(() => {
    if (!started || landed) return undefined;
    const timer = setInterval(retry, TASK_POLL_MS);
    const stop = setTimeout(() => clearInterval(timer), TASK_POLL_LIMIT_MS);
    return () => {
      clearInterval(timer);
      clearTimeout(stop);
    };
  }, [started, landed, retry]);

  const body = (
    <Loaded value={view.value} error={view.error} what="the traffic in git">
      {value => {
        const { pending, applied } = value;
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
            {value.pullRequest && (
              <Alert severity="info" style={{ marginTop: 8 }}>
                <Link to={value.pullRequest.url}>
                  Pull request #{value.pullRequest.number} open
                </Link>
                : “{value.pullRequest.title}”, proposes{' '}
                <strong>{describeTraffic(value.pullRequest.traffic)}</strong>;
                opened{' '}
                {formatAge(
                  (Date.now() - Date.parse(value.pullRequest.openedAt)) / 1000,
                )}{' '}
                ago. Flux applies it once it is merged.
              </Alert>
            )}
            {value.pullRequestUnknown && (
              <Alert severity="warning" style={{ marginTop: 8 }}>
                Pull request state unknown: {value.pullRequestUnknown}
              </Alert>
            )}
            {applied && (
              <Alert severity="success" style={{ marginTop: 8 }}>
                Applied: “{applied.subject}”, commit{' '}
                {applied.commit.slice(0, 7)} by {applied.requestedBy}; Flux
                applied {fn.flux?.revision}.
              </Alert>
            )}
            {started && !landed && (
              <Alert severity="info" style={{ marginTop: 8 }}>
                Change requested: writing, validating and committing it (a pull
                request in production);{' '}
                <Link to={`/create/tasks/${started.taskId}`}>
                  follow the task
                </Link>
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
                onStarted={({ taskId }) => {
                  setOpen(false);
                  setStarted({ taskId, gitBefore: gitState(value) });
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
