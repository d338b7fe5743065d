import { useApi } from '@backstage/frontend-plugin-api';
import { Progress } from '@backstage/core-components';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  FUNCTION_RUNTIMES,
  FUNCTION_RUNTIME_TITLES,
  FunctionRuntime,
} from '@internal/backstage-plugin-atonix-serverless-common';
import FormControl from '@material-ui/core/FormControl';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import useAsync from 'react-use/esm/useAsync';
import { atonixServerlessApiRef } from '../../api';

/** The scaffolder field name templates use: `ui:field: AtonixRuntime`. */
export const RUNTIME_FIELD_NAME = 'AtonixRuntime';

function titleOf(runtime: string) {
  return FUNCTION_RUNTIME_TITLES[runtime as FunctionRuntime] ?? runtime;
}

/**
 * A template's runtime (the field's value, fixed by the template), with whether every cluster runs
 * it: a template whose runtime a cluster lacks says so on its first page instead of failing in its
 * run (where `atonix:function:manifests` checks again against the GitOps checkout).
 */
export function RuntimeField(props: FieldExtensionComponentProps<string>) {
  const { formData, schema, rawErrors } = props;
  const api = useApi(atonixServerlessApiRef);
  const { value, loading, error } = useAsync(
    () => api.getRuntimeAvailability(),
    [api],
  );
  const availability = value?.items.find(item => item.runtime === formData);
  // Once the form has run the validation, its error under the field says the same.
  const validated = (rawErrors?.length ?? 0) > 0;
  return (
    <FormControl margin="normal" error={validated}>
      <Typography variant="subtitle1">
        {schema.title ?? 'Runtime'}: {titleOf(formData ?? '')}
      </Typography>
      {loading && <Progress />}
      {error && (
        <Alert severity="warning">
          Could not check whether every cluster runs {titleOf(formData ?? '')}:{' '}
          {error.message}
        </Alert>
      )}
      {availability?.provided === false && !validated && (
        <Alert severity="error">{availability.reason}</Alert>
      )}
      {availability?.provided && (
        <Typography variant="body2" color="textSecondary">
          Every cluster runs {titleOf(availability.runtime)}.
        </Typography>
      )}
    </FormControl>
  );
}

/** Blocks the form's first page when a cluster lacks the runtime, with the backend's reason. */
export const validateRuntime: CustomFieldValidator<string> = async (
  runtime,
  validation,
  context,
) => {
  const api = context.apiHolder.get(atonixServerlessApiRef);
  if (!api) {
    throw new Error(
      'The Atonix Serverless API is not installed in this app, so the runtime cannot be checked',
    );
  }
  const { items } = await api.getRuntimeAvailability();
  const availability = items.find(item => item.runtime === runtime);
  if (!availability) {
    validation.addError(
      `${runtime} is not a runtime of this portal; the runtimes are ${FUNCTION_RUNTIMES.join(
        ', ',
      )}`,
    );
  } else if (!availability.provided) {
    validation.addError(availability.reason ?? `${runtime} is not provided`);
  }
};
