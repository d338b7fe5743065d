import {
  TestApiProvider,
  TestAppOptions,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { AtonixServerlessApi, atonixServerlessApiRef } from '../api';

/** Renders `element` in a test app whose Atonix Serverless API is `api` (a fake or a mock). */
export function renderWithApi(
  api: AtonixServerlessApi,
  element: JSX.Element,
  options?: TestAppOptions,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[atonixServerlessApiRef, api]]}>
      {element}
    </TestApiProvider>,
    options,
  );
}
