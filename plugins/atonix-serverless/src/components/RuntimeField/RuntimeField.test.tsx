import { act, screen, waitFor } from '@testing-library/react';
import type { ApiHolder } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { RuntimeAvailability } from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixServerlessApi, atonixServerlessApiRef } from '../../api';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { fakeApi } from '../../testing/fixtures';
import { RuntimeField, validateRuntime } from './RuntimeField';

// What the backend answers when no cluster lists openfaas (ClusterRuntimes, node package).
const REASON =
  'runtime: openfaas needs the OpenFaaS Pro operator, which production, staging does not run (gitops/ installs OpenFaaS Community Edition, which never runs a Function object). Create the function with the knative-http-function template instead (same src/handler.js).';

const apiWith = (openfaas: RuntimeAvailability) =>
  fakeApi({
    getRuntimeAvailability: async () => ({
      items: [{ runtime: 'knative', provided: true }, openfaas],
    }),
  });
const lacking = apiWith({
  runtime: 'openfaas',
  provided: false,
  reason: REASON,
});
const everywhere = apiWith({ runtime: 'openfaas', provided: true });

// The field as the scaffolder form renders it for `runtime: { const: openfaas, ui:field: AtonixRuntime }`.
const fieldProps = {
  formData: 'openfaas',
  schema: { title: 'Runtime', type: 'string', const: 'openfaas' },
  rawErrors: [],
} as unknown as FieldExtensionComponentProps<string>;

function renderField(api: AtonixServerlessApi, rawErrors: string[] = []) {
  return renderWithApi(
    api,
    <RuntimeField {...fieldProps} rawErrors={rawErrors} />,
  );
}

async function validate(api: AtonixServerlessApi, runtime = 'openfaas') {
  const apiHolder: ApiHolder = {
    get: ref => (ref.id === atonixServerlessApiRef.id ? api : undefined) as any,
  };
  const validation = createFieldValidation();
  await validateRuntime(runtime, validation, {
    apiHolder,
    formData: {},
    schema: {},
  });
  return validation.__errors;
}

describe('the AtonixRuntime template field', () => {
  it('says on the first page that a cluster lacks the runtime, and what to use instead', async () => {
    await renderField(lacking);
    expect(await screen.findByRole('alert')).toHaveTextContent(REASON);
    expect(screen.getByText('Runtime: OpenFaaS')).toBeInTheDocument();
  });

  it('says every cluster runs the runtime when they do', async () => {
    await renderField(everywhere);
    expect(
      await screen.findByText('Every cluster runs OpenFaaS.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('leaves the reason to the form once its validation has shown it under the field', async () => {
    const answered = jest.fn(lacking.getRuntimeAvailability);
    await renderField({ ...lacking, getRuntimeAvailability: answered }, [
      REASON,
    ]);
    await waitFor(() => expect(answered).toHaveBeenCalled());
    await act(() => answered.mock.results[0].value);
    expect(screen.getByText('Runtime: OpenFaaS')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it("stops the form with the backend's reason when a cluster lacks the runtime", async () => {
    expect(await validate(lacking)).toEqual([REASON]);
  });

  it('lets the form go on when every cluster runs it', async () => {
    expect(await validate(everywhere)).toEqual([]);
  });

  it('refuses a runtime the portal does not know', async () => {
    expect(await validate(everywhere, 'lambda')).toEqual([
      'lambda is not a runtime of this portal; the runtimes are knative, openfaas',
    ]);
  });
});
