import { screen } from '@testing-library/react';
import {
  TestApiProvider,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { AtonixServerlessApi, atonixServerlessApiRef } from '../../api';
import { FunctionsPage } from './FunctionsPage';

function renderWith(api: AtonixServerlessApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[atonixServerlessApiRef, api]]}>
      <FunctionsPage />
    </TestApiProvider>,
  );
}

describe('FunctionsPage', () => {
  it('says it is connected once the backend answers', async () => {
    await renderWith({ getHealth: async () => ({ status: 'ok' }) });
    expect(
      await screen.findByText('Connected to the Atonix Serverless backend.'),
    ).toBeInTheDocument();
  });

  it('says the backend is unreachable, with the reason, when the call fails', async () => {
    await renderWith({
      getHealth: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
      },
    });
    expect(
      await screen.findByText(
        'Error: The Atonix Serverless backend is unreachable',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('connect ECONNREFUSED 127.0.0.1:7007'),
    ).toBeInTheDocument();
  });
});
