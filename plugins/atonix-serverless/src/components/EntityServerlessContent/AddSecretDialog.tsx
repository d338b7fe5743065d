import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Link } from '@backstage/core-components';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { atonixServerlessApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';

type Fields = { name: string; key: string; value: string; envName: string };

const EMPTY: Fields = { name: '', key: 'value', value: '', envName: '' };

/**
 * "Add secret" on a function's Serverless tab: a name, a key and its value, and optionally the env
 * var that reads it. The backend encrypts the value to the team's public keys and commits it through
 * GitOps; the value is kept only in this form's state until it is sent, and cleared after.
 */
export function AddSecretDialog(props: { fn: FunctionStatus }) {
  const { fn } = props;
  const api = useApi(atonixServerlessApiRef);
  const [open, setOpen] = useState(false);
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [sending, setSending] = useState(false);
  const [taskId, setTaskId] = useState<string>();
  const [error, setError] = useState<Error>();

  const close = () => {
    setOpen(false);
    setFields(EMPTY);
    setTaskId(undefined);
    setError(undefined);
  };
  const field = (name: keyof Fields) => ({
    id: `atonix-add-secret-${name}`,
    value: fields[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) =>
      setFields({ ...fields, [name]: e.target.value }),
  });
  const submit = async () => {
    setSending(true);
    setError(undefined);
    try {
      const { taskId: started } = await api.writeFunctionSecret(
        { cluster: fn.cluster, namespace: fn.namespace, name: fn.name },
        {
          name: fields.name,
          key: fields.key,
          value: fields.value,
          ...(fields.envName ? { envName: fields.envName } : {}),
        },
      );
      setTaskId(started);
      setFields({ ...fields, value: '' });
    } catch (e) {
      setError(e as Error);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <Button variant="outlined" color="primary" onClick={() => setOpen(true)}>
        Add secret
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="sm">
        <DialogTitle>Add or rotate a secret of {fn.name}</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The value is encrypted with SOPS to team {fn.namespace}'s public
            keys and committed to the GitOps repository; only Flux in the
            cluster can decrypt it. A Secret of the same name is replaced.
          </DialogContentText>
          {taskId ? (
            <Alert severity="success">
              Encrypting and committing:{' '}
              <Link to={`/create/tasks/${taskId}`}>follow the task</Link>.
            </Alert>
          ) : (
            <>
              <TextField
                label="Secret name"
                helperText="e.g. charge-card-provider"
                fullWidth
                margin="dense"
                required
                {...field('name')}
              />
              <TextField
                label="Key"
                fullWidth
                margin="dense"
                required
                {...field('key')}
              />
              <TextField
                label="Value"
                type="password"
                autoComplete="off"
                fullWidth
                margin="dense"
                required
                {...field('value')}
              />
              <TextField
                label="Environment variable (optional)"
                helperText="Give the function this key as an env var, e.g. PROVIDER_API_KEY"
                fullWidth
                margin="dense"
                {...field('envName')}
              />
            </>
          )}
          {error && <ErrorState error={error} what="writing this secret" />}
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{taskId ? 'Close' : 'Cancel'}</Button>
          {!taskId && (
            <Button
              color="primary"
              variant="contained"
              disabled={sending || !fields.name || !fields.key || !fields.value}
              onClick={submit}
            >
              Encrypt and commit
            </Button>
          )}
        </DialogActions>
      </Dialog>
    </>
  );
}
