import { screen } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AtonixServerlessApi } from '../../api';
import {
  chargeCard,
  chargeCardEntity,
  denying,
  entityRunning,
  fakeApi,
} from '../../testing/fixtures';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { EntityServerlessCard } from './EntityServerlessCard';

function renderWith(api: AtonixServerlessApi) {
  return renderWithApi(
    api,
    <EntityProvider entity={chargeCardEntity}>
      <EntityServerlessCard />
    </EntityProvider>,
  );
}

describe('EntityServerlessCard', () => {
  it('shows health, URL, replicas and the last hour of traffic', async () => {
    await renderWith(fakeApi());
    expect(
      await screen.findByText('Request rate 42.5 req/s'),
    ).toBeInTheDocument();
    expect(screen.getByText('Error rate 0.42%')).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
    expect(screen.getByText('3/3')).toBeInTheDocument();
    expect(screen.getByText('staging/payments')).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'http://charge-card.payments.example.com, Opens in a new window',
      }),
    ).toBeInTheDocument();
  });

  it('names the firing alerts and counts the recently resolved ones', async () => {
    await renderWith(fakeApi());
    expect(
      await screen.findByText(
        'firing: FunctionErrorBudgetFastBurn (warning); 1 resolved recently',
      ),
    ).toBeInTheDocument();
  });

  it('keeps the status when Prometheus is unavailable, and marks it stale when the cluster is', async () => {
    await renderWith(
      fakeApi({
        ...entityRunning({ ...chargeCard, stale: true, staleSeconds: 3700 }),
        getFunctionMetrics: async () => ({
          unavailable: 'no Prometheus configured for cluster staging',
        }),
      }),
    );
    expect(
      await screen.findByText(
        'Prometheus is unavailable: no Prometheus configured for cluster staging',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Stale · 1h 1m old')).toBeInTheDocument();
    expect(screen.getByText('3/3')).toBeInTheDocument();
  });

  it('says permission is denied', async () => {
    await renderWith(fakeApi(denying('getEntityFunctions')));
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });
});
