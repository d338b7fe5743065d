import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { InfoCard } from '@backstage/core-components';
import {
  Box,
  Button,
  Chip,
  Grid,
  GridSize,
  MenuItem,
  StandardTextFieldProps,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  CLOUDEVENT_MODES,
  FunctionDetails,
  InvokeRequest,
  InvokeResult,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { atonixServerlessApiRef, functionRefOf } from '../../api';
import { ErrorState } from '../common/ErrorState';
import { useFunctionRead } from '../common/useFunctionRead';

const CUSTOM_HTTP = 'custom-http';
const CUSTOM_CLOUDEVENT = 'custom-cloudevent';
const FUNCTION_URL = 'function-url';
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The JSON a text field holds, or the text itself when it is not JSON. */
function jsonOrText(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The test form's fields, as the user typed them. */
interface InvokeForm {
  source: string;
  target: string;
  method: string;
  path: string;
  headers: string;
  body: string;
  ceType: string;
  ceSource: string;
  ceMode: string;
}

/** A test request's body from the form, or why the form is not valid. */
export function invokeBodyOf(
  form: InvokeForm,
): InvokeRequest | { problem: string } {
  const target = form.target === FUNCTION_URL ? {} : { revision: form.target };
  if (form.source === CUSTOM_HTTP) {
    const headers = jsonOrText(form.headers) ?? {};
    if (typeof headers !== 'object' || Array.isArray(headers)) {
      return { problem: 'Headers must be a JSON object of names to values' };
    }
    return {
      target,
      request: {
        method: form.method as 'POST',
        path: form.path || '/',
        headers: headers as Record<string, string>,
        body: jsonOrText(form.body),
      },
    };
  }
  if (form.source === CUSTOM_CLOUDEVENT) {
    if (!form.ceType || !form.ceSource) {
      return { problem: 'A CloudEvent needs a type and a source' };
    }
    return {
      target,
      cloudEvent: {
        mode: form.ceMode as 'binary',
        type: form.ceType,
        source: form.ceSource,
        data: jsonOrText(form.body),
      },
    };
  }
  return { target, savedEvent: form.source };
}

/** One field of the test form in its grid cell: a select of `options` when it has them. */
function FormField(
  props: Omit<StandardTextFieldProps, 'fullWidth'> & {
    xs: GridSize;
    md?: GridSize;
    options?: readonly string[];
  },
) {
  const { xs, md, options, children, ...field } = props;
  return (
    <Grid item xs={xs} md={md}>
      <TextField fullWidth select={options !== undefined} {...field}>
        {options?.map(option => (
          <MenuItem key={option} value={option}>
            {option}
          </MenuItem>
        )) ?? children}
      </TextField>
    </Grid>
  );
}

function ResultView(props: { result: InvokeResult }) {
  const { result } = props;
  return (
    <Box mt={2} data-testid="test-result">
      <Box display="flex" style={{ gap: 8 }} mb={1} flexWrap="wrap">
        {result.response && (
          <Chip
            color={result.response.status < 400 ? 'primary' : 'secondary'}
            label={`HTTP ${result.response.status}`}
          />
        )}
        <Chip label={`${result.latencyMs} ms`} />
        {result.coldStart && (
          <Chip
            color="secondary"
            label="Cold start"
            title="The revision had no ready replica before this request"
          />
        )}
        <Chip variant="outlined" label={result.url} />
      </Box>
      {result.error && <Alert severity="error">{result.error}</Alert>}
      {result.response && (
        <>
          <Typography variant="subtitle2">Headers</Typography>
          <pre style={{ margin: 0, fontSize: 12 }}>
            {Object.entries(result.response.headers)
              .map(([k, v]) => `${k}: ${v}`)
              .join('\n')}
          </pre>
          <Typography variant="subtitle2">
            Body ({result.response.bodyBytes} bytes
            {result.response.truncated ? ', cut' : ''})
          </Typography>
          <pre
            aria-label="Response body"
            style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}
          >
            {result.response.body}
          </pre>
        </>
      )}
    </Box>
  );
}

/**
 * "Test": send a saved test event of the function's GitOps folder, an HTTP request or a CloudEvent
 * to the function's URL or a tagged revision, and see what it answered. The backend sends it
 * through the cluster's ingress, never with the portal user's credentials.
 */
export function TestPanel(props: { fn: FunctionDetails }) {
  const { fn } = props;
  const api = useApi(atonixServerlessApiRef);
  const fnRef = functionRefOf(fn);
  const events = useFunctionRead(fn, (backend, ref) =>
    backend.listTestEvents(ref),
  );
  const [form, setForm] = useState<InvokeForm>({
    source: '',
    target: FUNCTION_URL,
    method: 'POST',
    path: '/',
    headers: '',
    body: '',
    ceType: '',
    ceSource: '/portal',
    ceMode: 'binary',
  });
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<InvokeResult>();
  const [error, setError] = useState<Error>();
  const [problem, setProblem] = useState<string>();

  const saved = events.value?.events ?? [];
  const source =
    form.source || (saved.find(e => !('error' in e))?.name ?? CUSTOM_HTTP);
  const bind = (key: keyof InvokeForm) => ({
    value: form[key],
    onChange: (e: { target: { value: unknown } }) =>
      setForm({ ...form, [key]: String(e.target.value) }),
  });
  const tagged = fn.traffic.filter(t => t.tag && t.url);

  const send = async () => {
    const body = invokeBodyOf({ ...form, source });
    if ('problem' in body) {
      setProblem(body.problem);
      return;
    }
    setProblem(undefined);
    setError(undefined);
    setSending(true);
    try {
      setResult(await api.invokeFunction(fnRef, body));
    } catch (e) {
      setResult(undefined);
      setError(e as Error);
    } finally {
      setSending(false);
    }
  };

  const selected = saved.find(e => e.name === source);
  return (
    <InfoCard title="Test">
      {events.error && (
        <ErrorState error={events.error} what="saved test events" />
      )}
      <Grid container spacing={2}>
        <FormField
          xs={12}
          md={6}
          select
          label="Send"
          inputProps={{ 'aria-label': 'Send' }}
          {...bind('source')}
          value={source}
        >
          {saved.map(e => (
            <MenuItem key={e.name} value={e.name} disabled={'error' in e}>
              {e.name}: {'error' in e ? e.error : e.description}
            </MenuItem>
          ))}
          <MenuItem value={CUSTOM_HTTP}>An HTTP request…</MenuItem>
          <MenuItem value={CUSTOM_CLOUDEVENT}>A CloudEvent…</MenuItem>
        </FormField>
        <FormField
          xs={12}
          md={6}
          select
          label="To"
          inputProps={{ 'aria-label': 'To' }}
          {...bind('target')}
        >
          <MenuItem value={FUNCTION_URL}>
            The function's URL (the traffic split decides)
          </MenuItem>
          {tagged.map(t => (
            <MenuItem key={t.tag} value={t.revisionName}>
              Revision {t.revisionName} (tag {t.tag})
            </MenuItem>
          ))}
        </FormField>
        {selected && !('error' in selected) && (
          <Grid item xs={12}>
            <Typography variant="body2" color="textSecondary">
              {selected.request.method} {selected.request.path} from{' '}
              {selected.path}
              {selected.expect && `, expects HTTP ${selected.expect.status}`}
            </Typography>
          </Grid>
        )}
        {source === CUSTOM_HTTP && (
          <>
            <FormField
              xs={4}
              md={2}
              label="Method"
              options={HTTP_METHODS}
              {...bind('method')}
            />
            <FormField xs={8} md={4} label="Path" {...bind('path')} />
            <FormField
              xs={12}
              md={6}
              label="Headers (JSON)"
              {...bind('headers')}
            />
          </>
        )}
        {source === CUSTOM_CLOUDEVENT && (
          <>
            <FormField xs={12} md={5} label="Type" {...bind('ceType')} />
            <FormField xs={8} md={4} label="Source" {...bind('ceSource')} />
            <FormField
              xs={4}
              md={3}
              label="Mode"
              options={CLOUDEVENT_MODES}
              {...bind('ceMode')}
            />
          </>
        )}
        {(source === CUSTOM_HTTP || source === CUSTOM_CLOUDEVENT) && (
          <FormField
            xs={12}
            multiline
            minRows={3}
            label={source === CUSTOM_HTTP ? 'Body' : 'Data (JSON)'}
            {...bind('body')}
          />
        )}
        <Grid item xs={12}>
          <Button
            variant="contained"
            color="primary"
            onClick={send}
            disabled={sending}
          >
            {sending ? 'Sending…' : 'Send test request'}
          </Button>
        </Grid>
      </Grid>
      {problem && <Alert severity="warning">{problem}</Alert>}
      {error && <ErrorState error={error} what="the test request" />}
      {result && <ResultView result={result} />}
    </InfoCard>
  );
}
