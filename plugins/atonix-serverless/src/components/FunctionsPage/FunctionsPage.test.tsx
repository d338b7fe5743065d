import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { FunctionListQuery } from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixServerlessApi } from '../../api';
import { denying, fakeApi, fleetPage } from '../../testing/fixtures';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { FunctionsPage } from './FunctionsPage';

function renderWith(
  api: AtonixServerlessApi,
  options: { demo?: boolean; createFunctionLink?: string } = {},
) {
  return renderWithApi(
    api,
    <FunctionsPage createFunctionLink={options.createFunctionLink} />,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      config: { atonix: { demo: options.demo ?? false } },
    },
  );
}

/** The row of `table` that names `name`. */
function rowOf(table: HTMLElement, name: string) {
  return within(table).getByText(name).closest('tr')!;
}

describe('FunctionsPage', () => {
  it('lists every function with its health, linking to the entities', async () => {
    await renderWith(fakeApi());

    const table = await screen.findByRole('table', { name: 'Functions' });
    const row = rowOf(table, 'charge-card');
    expect(row).toHaveTextContent('payments');
    expect(row).toHaveTextContent('staging');
    expect(row).toHaveTextContent('Knative');
    expect(row).toHaveTextContent('Ready');
    expect(row).toHaveTextContent('3/3');
    expect(
      within(table).getByRole('link', { name: 'charge-card' }),
    ).toHaveAttribute('href', '/catalog/default/component/charge-card');
    expect(rowOf(table, 'order-events')).toHaveTextContent(
      'Not ready (RevisionMissing)',
    );
    expect(rowOf(table, 'fraud-score')).toHaveTextContent('Scaled to zero');
    expect(rowOf(table, 'report-export')).toHaveTextContent('OpenFaaS');
    expect(screen.getByText('1-25 of 5000')).toBeInTheDocument();
    expect(screen.queryByText(/Demo data/)).not.toBeInTheDocument();
  });

  it('pages, sorts and filters in the backend', async () => {
    const listFunctions = jest.fn(async (query?: FunctionListQuery) => ({
      ...fleetPage,
      offset: query?.offset ?? 0,
    }));
    await renderWith(fakeApi({ listFunctions }));
    await screen.findByRole('table', { name: 'Functions' });
    expect(listFunctions).toHaveBeenLastCalledWith({
      sort: 'name',
      order: 'asc',
      offset: 0,
      limit: 25,
    });

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(listFunctions).toHaveBeenLastCalledWith(
        expect.objectContaining({ offset: 25, limit: 25 }),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Team' }));
    await waitFor(() =>
      expect(listFunctions).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'team', order: 'asc', offset: 0 }),
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Team' }));
    await waitFor(() =>
      expect(listFunctions).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'team', order: 'desc' }),
      ),
    );

    fireEvent.change(screen.getByLabelText('Team'), {
      target: { value: 'payments, analytics' },
    });
    await userEvent.click(screen.getByLabelText('Scaled to zero only'));
    await waitFor(() =>
      expect(listFunctions).toHaveBeenLastCalledWith(
        expect.objectContaining({
          team: ['payments', 'analytics'],
          scaledToZero: true,
          offset: 0,
        }),
      ),
    );
    await userEvent.click(screen.getByLabelText('Alerting only'));
    await waitFor(() =>
      expect(listFunctions).toHaveBeenLastCalledWith(
        expect.objectContaining({ alerting: true, offset: 0 }),
      ),
    );
  });

  it("shows each function's request rate, error rate and p95, and sorts by them in the backend, highest first", async () => {
    const listFunctions = jest.fn(async () => fleetPage);
    await renderWith(fakeApi({ listFunctions }));
    const table = await screen.findByRole('table', { name: 'Functions' });
    const charge = rowOf(table, 'charge-card');
    expect(charge).toHaveTextContent('42.5 req/s');
    expect(charge).toHaveTextContent('0.42%');
    expect(charge).toHaveTextContent('87 ms');
    // Scaled to zero: no requests, so no error rate or latency to show.
    const idle = rowOf(table, 'fraud-score');
    expect(idle).toHaveTextContent('0 req/s');
    expect(within(idle).getAllByText('–')).toHaveLength(2);

    for (const [column, sort] of [
      ['Requests', 'requestRate'],
      ['Errors', 'errorRate'],
      ['p95', 'p95'],
    ]) {
      await userEvent.click(screen.getByRole('button', { name: column }));
      await waitFor(() =>
        expect(listFunctions).toHaveBeenLastCalledWith(
          expect.objectContaining({ sort, order: 'desc', offset: 0 }),
        ),
      );
    }
    await userEvent.click(screen.getByRole('button', { name: 'p95' }));
    await waitFor(() =>
      expect(listFunctions).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'p95', order: 'asc' }),
      ),
    );
  });

  it('shows how often each function started from zero in the last hour and how long requests waited', async () => {
    await renderWith(fakeApi({ listFunctions: async () => fleetPage }));
    const table = await screen.findByRole('table', { name: 'Functions' });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map(h => h.textContent);
    expect(headers.slice(-2)).toEqual(['Cold starts 1h', 'p95 cold start']);
    const cells = (name: string) =>
      within(rowOf(table, name))
        .getAllByRole('cell')
        .slice(-2)
        .map(c => c.textContent);
    expect(cells('fraud-score')).toEqual(['3', '6200 ms']);
    expect(cells('charge-card')).toEqual(['0', '–']);
    // A runtime without cold-start recordings (OpenFaaS) shows no figure rather than zero.
    expect(cells('report-export')).toEqual(['–', '–']);
  });

  it('says why the metrics columns are empty when Prometheus is unavailable, and lists the functions anyway', async () => {
    const unavailable =
      'Prometheus at http://prometheus.monitoring:9090 is unreachable (ECONNREFUSED)';
    await renderWith(
      fakeApi({
        listFunctions: async () => ({
          ...fleetPage,
          items: fleetPage.items.map(fn => ({
            ...fn,
            metrics: { unavailable },
          })),
        }),
      }),
    );
    const table = await screen.findByRole('table', { name: 'Functions' });
    expect(screen.getByText(/Request metrics unavailable/)).toBeInTheDocument();
    expect(screen.getByText(unavailable)).toBeInTheDocument();
    const charge = rowOf(table, 'charge-card');
    expect(charge).toHaveTextContent('Ready');
    expect(within(charge).getAllByText('n/a')).toHaveLength(5);
    expect(within(charge).getAllByText('n/a')[0]).toHaveAttribute(
      'title',
      unavailable,
    );
  });

  it('shows the last known state of an unreachable cluster with a stale badge and its age', async () => {
    const lastSyncAt = new Date(Date.now() - 5 * 60_000).toISOString();
    await renderWith(
      fakeApi({
        listFunctions: async () => ({
          ...fleetPage,
          items: [{ ...fleetPage.items[0], stale: true, staleSeconds: 300 }],
          clusters: [
            {
              name: 'staging',
              synced: true,
              stale: true,
              lastSyncAt,
              error: 'connect ECONNREFUSED 127.0.0.1:6443',
            },
          ],
        }),
      }),
    );
    expect(
      await screen.findByText(/Cluster unreachable: staging/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/showing the last known state, from 5m ago/),
    ).toBeInTheDocument();
    expect(screen.getByText('Stale · 5m old')).toBeInTheDocument();
  });

  it('leads to the Create page when there are no functions yet', async () => {
    await renderWith(
      fakeApi({
        listFunctions: async () => ({
          items: [],
          totalCount: 0,
          offset: 0,
          limit: 25,
          clusters: [{ name: 'staging', synced: true, stale: false }],
        }),
      }),
      { createFunctionLink: '/create' },
    );
    expect(await screen.findByText('No functions yet')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create a function' }),
    ).toHaveAttribute('href', '/create');
  });

  it('says permission is denied instead of showing an empty fleet', async () => {
    await renderWith(fakeApi(denying('listFunctions')));
    expect(
      await screen.findByText(/Permission denied: the function list/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows progress until the backend answers, and the demo banner in demo mode', async () => {
    let answer: (value: typeof fleetPage) => void = () => {};
    await renderWith(
      fakeApi({
        listFunctions: () =>
          new Promise(resolve => {
            answer = resolve;
          }),
      }),
      { demo: true },
    );
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    answer(fleetPage);
    expect(await screen.findByText(/Demo data/)).toBeInTheDocument();
  });
});
