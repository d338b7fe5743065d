import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  IconButton,
  MenuItem,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import DeleteIcon from '@material-ui/icons/Delete';
import {
  FunctionTrafficTarget,
  FunctionTrafficView,
  TrafficChange,
  GitopsChangeTask,
  applyTrafficChange,
  describeTraffic,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { FunctionRef, atonixServerlessApiRef } from '../../api';

/** The choice in the revision menus that follows the spec's newest revision. */
const LATEST = '(latest)';

type Mode = TrafficChange['action'];

const MODES: Array<{ mode: Mode; label: string }> = [
  { mode: 'rollback', label: 'Roll back to a revision' },
  { mode: 'promote', label: 'Promote the candidate to 100 %' },
  { mode: 'split', label: 'Split between revisions' },
  { mode: 'tag', label: 'Tag a revision' },
];

function targetChoice(target: FunctionTrafficTarget): string {
  return target.revisionName ?? LATEST;
}

function fromChoice(
  choice: string,
): Pick<FunctionTrafficTarget, 'revisionName' | 'latestRevision'> {
  return choice === LATEST
    ? { latestRevision: true }
    : { revisionName: choice };
}

function errorMessage(error: Error): string {
  return (error as ResponseError).body?.error?.message ?? error.message;
}

/**
 * "Manage traffic": the backend starts the function-traffic template, which writes the change into
 * the function's `function.yaml`, renders and validates it, and commits it (local portal) or opens
 * the pull request (GitHub); Flux applies it.
 */
export function ManageTrafficDialog(props: {
  fnRef: FunctionRef;
  view: FunctionTrafficView;
  open: boolean;
  onClose: () => void;
  onStarted: (task: GitopsChangeTask) => void;
}) {
  const { fnRef, view, open, onClose, onStarted } = props;
  const api = useApi(atonixServerlessApiRef);
  const revisions = view.namedRevisions;
  const [mode, setMode] = useState<Mode>('rollback');
  const [revision, setRevision] = useState(
    revisions.find(name => name !== view.revisionName) ?? revisions[0] ?? '',
  );
  const [tag, setTag] = useState('canary');
  const [split, setSplit] = useState<FunctionTrafficTarget[]>(view.traffic);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const change: TrafficChange = (() => {
    switch (mode) {
      case 'rollback':
        return { action: 'rollback', revisionName: revision };
      case 'promote':
        return { action: 'promote' };
      case 'tag':
        return { action: 'tag', revisionName: revision, tag };
      default:
        return { action: 'split', traffic: split };
    }
  })();
  const preview = describeTraffic(applyTrafficChange(view, change));
  const sum = split.reduce((total, target) => total + target.percent, 0);

  const updateTarget = (index: number, patch: Partial<FunctionTrafficTarget>) =>
    setSplit(targets =>
      targets.map((target, i) => {
        if (i !== index) return target;
        const { revisionName, latestRevision, ...rest } = target;
        const route =
          'revisionName' in patch || 'latestRevision' in patch
            ? {}
            : { revisionName, latestRevision };
        return Object.fromEntries(
          Object.entries({ ...rest, ...route, ...patch }).filter(
            ([, value]) => value !== undefined && value !== '',
          ),
        ) as FunctionTrafficTarget;
      }),
    );

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onStarted(await api.changeTraffic(fnRef, change));
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  const revisionMenu = (
    label: string,
    value: string,
    onChange: (value: string) => void,
    withLatest = false,
  ) => (
    <TextField
      select
      label={label}
      value={value}
      onChange={event => onChange(event.target.value as string)}
      style={{ minWidth: 220 }}
    >
      {withLatest && (
        <MenuItem value={LATEST}>
          latest ({view.revisionName ?? 'newest'})
        </MenuItem>
      )}
      {revisions.map(name => (
        <MenuItem key={name} value={name}>
          {name}
        </MenuItem>
      ))}
    </TextField>
  );

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Manage traffic</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          The change is written to {view.file} and committed to the GitOps
          repository (a pull request in production); Flux applies it. Revisions
          named in git can be routed to: {revisions.join(', ') || 'none yet'}.
        </Typography>
        <RadioGroup
          row
          value={mode}
          onChange={event => setMode(event.target.value as Mode)}
        >
          {MODES.map(({ mode: value, label }) => (
            <FormControlLabel
              key={value}
              value={value}
              control={<Radio />}
              label={label}
            />
          ))}
        </RadioGroup>
        {(mode === 'rollback' || mode === 'tag') &&
          revisionMenu('Revision', revision, setRevision)}
        {mode === 'tag' && (
          <TextField
            label="Tag"
            value={tag}
            onChange={event => setTag(event.target.value)}
            helperText="Gives the revision its own URL: <tag>-<function>..."
            style={{ marginLeft: 16 }}
          />
        )}
        {mode === 'promote' && (
          <Typography variant="body2">
            All traffic goes to {view.revisionName ?? 'the latest revision'},
            the revision the spec creates now.
          </Typography>
        )}
        {mode === 'split' && (
          <div aria-label="Traffic split">
            {split.map((target, index) => (
              <div
                key={index}
                style={{ display: 'flex', gap: 16, marginTop: 8 }}
              >
                {revisionMenu(
                  `Target ${index + 1}`,
                  targetChoice(target),
                  value => updateTarget(index, fromChoice(value)),
                  true,
                )}
                <TextField
                  label="Percent"
                  type="number"
                  value={target.percent}
                  inputProps={{ min: 0, max: 100 }}
                  onChange={event =>
                    updateTarget(index, {
                      percent: Number(event.target.value),
                    })
                  }
                />
                <TextField
                  label="Tag"
                  value={target.tag ?? ''}
                  onChange={event =>
                    updateTarget(index, { tag: event.target.value })
                  }
                />
                <IconButton
                  aria-label={`Remove target ${index + 1}`}
                  onClick={() =>
                    setSplit(targets => targets.filter((_, i) => i !== index))
                  }
                >
                  <DeleteIcon />
                </IconButton>
              </div>
            ))}
            <Button
              onClick={() =>
                setSplit(targets => [
                  ...targets,
                  { revisionName: revisions[0], percent: 0 },
                ])
              }
            >
              Add target
            </Button>
            <Typography
              variant="body2"
              color={sum === 100 ? 'textPrimary' : 'error'}
            >
              Total: {sum} % (must be 100 %)
            </Typography>
          </div>
        )}
        <Typography variant="body2" style={{ marginTop: 16 }}>
          New split: <strong>{preview}</strong>
        </Typography>
        {error && (
          <Alert
            severity="error"
            style={{ whiteSpace: 'pre-wrap', marginTop: 16 }}
          >
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy}
          onClick={submit}
        >
          Commit to GitOps
        </Button>
      </DialogActions>
    </Dialog>
  );
}
