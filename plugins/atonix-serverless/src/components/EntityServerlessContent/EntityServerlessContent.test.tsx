import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AtonixServerlessApi } from '../../api';
import {
  chargeCard,
  chargeCardDetails,
  chargeCardEntity,
  chargeCardMetrics,
  denying,
  entityRunning,
  fakeApi,
  fraudScore,
  orderEvents,
} from '../../testing/fixtures';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { EntityServerlessContent } from './EntityServerlessContent';
import { LIVE_TAIL_INTERVAL_MS } from './LogsPanel';

function renderWith(api: AtonixServerlessApi, demo = false) {
  return renderWithApi(
    api,
    <EntityProvider entity={chargeCardEntity}>
      <EntityServerlessContent />
    </EntityProvider>,
    { config: { atonix: { demo } } },
  );
}

function card(title: string) {
  return screen.getByText(title).closest('.MuiCard-root') as HTMLElement;
}

describe('EntityServerlessContent', () => {
  it('shows health, revisions with traffic and tags, scaling, metrics and logs of a ready function', async () => {
    const api = fakeApi();
    const getEntityFunctions = jest.spyOn(api, 'getEntityFunctions');
    await renderWith(api, true);

    expect(
      await screen.findByText('Revisions and traffic'),
    ).toBeInTheDocument();
    expect(getEntityFunctions).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'charge-card',
    });
    expect(screen.getByText(/Demo data/)).toBeInTheDocument();

    expect(screen.getAllByText('Ready')[0]).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'http://charge-card.payments.example.com, Opens in a new window',
      }),
    ).toHaveAttribute('href', 'http://charge-card.payments.example.com');
    expect(screen.getByText('Knative')).toBeInTheDocument();
    expect(
      screen.getByText(/In sync at main@sha1:2f1e9c0d4b7a/),
    ).toBeInTheDocument();

    const revisions = within(card('Revisions and traffic'));
    const latest = revisions.getByText(/charge-card-00002/).closest('tr')!;
    expect(latest).toHaveTextContent('90%');
    expect(latest).toHaveTextContent('(latest ready)');
    const previous = revisions.getByText('charge-card-00001').closest('tr')!;
    expect(previous).toHaveTextContent('10%');
    expect(previous).toHaveTextContent('previous');

    const scaling = within(card('Scaling'));
    expect(scaling.getByText('3 running, 3 desired')).toBeInTheDocument();
    expect(scaling.getByText('KPA (Knative)')).toBeInTheDocument();
    expect(scaling.getByText('rps')).toBeInTheDocument();
    expect(scaling.getByText('1 / 50')).toBeInTheDocument();
    expect(scaling.getByText('no (critical)')).toBeInTheDocument();

    expect(screen.getByLabelText('Request rate')).toHaveTextContent(
      '42.5 req/s',
    );
    expect(screen.getByLabelText('p50')).toHaveTextContent('12 ms');
    expect(screen.getByLabelText('p95')).toHaveTextContent('87 ms');
    expect(screen.getByLabelText('p99')).toHaveTextContent('213 ms');
    expect(screen.getByLabelText('Error rate')).toHaveTextContent('0.42%');
    expect(screen.getByLabelText('Cold starts')).toHaveTextContent('2');
    expect(screen.getByLabelText('Cold start summary')).toHaveTextContent(
      'requests waited up to 2600 ms at p95 (objective 2000 ms)',
    );

    expect(
      within(card('Event triggers')).getByText(/HTTP only/),
    ).toBeInTheDocument();
  });

  it('lists the firing and recently resolved alerts, and says when there are none', async () => {
    const getFunctionAlerts = jest.fn(fakeApi().getFunctionAlerts);
    await renderWith(fakeApi({ getFunctionAlerts }));
    const table = await screen.findByRole('table', { name: 'Alerts' });
    expect(getFunctionAlerts).toHaveBeenCalledWith({
      cluster: chargeCard.cluster,
      namespace: 'payments',
      name: 'charge-card',
    });
    expect(within(card('Alerts')).getByText('1 firing')).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      expect.stringMatching(
        /^FunctionErrorBudgetFastBurnwarning.*14\.4× too fast.*firing for /,
      ),
      expect.stringMatching(/^FunctionLatencyObjectiveinfo.*resolved .* ago$/),
    ]);
  });

  it('says a function without alerts meets its objectives', async () => {
    await renderWith(
      fakeApi({
        getFunctionAlerts: async () => ({ firing: [], resolved: [] }),
      }),
    );
    expect(
      await screen.findByText(
        'No alert fired recently: the function meets its objectives.',
      ),
    ).toBeInTheDocument();
  });

  it('says why a function is not ready and lists its event triggers', async () => {
    await renderWith(
      fakeApi({
        ...entityRunning(orderEvents),
        getFunction: async () => ({
          ...chargeCardDetails,
          ...orderEvents,
          revisions: [],
        }),
      }),
    );
    expect((await screen.findAllByText('Not ready'))[0]).toBeInTheDocument();
    expect(
      screen.getByText(
        'RevisionMissing: Configuration "order-events" does not have any ready Revision.',
      ),
    ).toBeInTheDocument();

    const triggers = within(card('Event triggers'));
    const trigger = triggers.getByText('order-events-created').closest('tr')!;
    expect(trigger).toHaveTextContent('default');
    expect(trigger).toHaveTextContent('type=com.atonix.order.created');
    const source = triggers.getByText('order-events-source').closest('tr')!;
    expect(source).toHaveTextContent('RabbitmqSource');
    expect(source).toHaveTextContent('orders/order-events');
    expect(source).toHaveTextContent('Not ready (ConnectionFailed)');
  });

  it('marks a scaled-to-zero function with the time since its last request', async () => {
    const now = Math.floor(Date.now() / 1000);
    await renderWith(
      fakeApi({
        ...entityRunning(fraudScore),
        getFunctionMetrics: async () => ({
          ...chargeCardMetrics,
          requestRate: 0.01,
          replicas: 0,
          series: {
            ...chargeCardMetrics.series,
            requestRate: [
              {
                label: 'requests/s',
                points: [
                  [now - 20 * 60, 0.5],
                  [now - 10 * 60, 0],
                  [now, 0],
                ],
              },
            ],
          },
        }),
      }),
    );
    expect(
      (await screen.findAllByText(/Scaled to zero · last request 20m ago/))
        .length,
    ).toBeGreaterThan(0);
    expect(
      within(card('Scaling')).getByText('0 running, 0 desired'),
    ).toBeInTheDocument();
  });

  it('shows the last known state with a stale badge and its age when the cluster is unreachable', async () => {
    await renderWith(
      fakeApi(entityRunning({ ...chargeCard, stale: true, staleSeconds: 125 })),
    );
    expect(await screen.findByText('Stale · 2m old')).toBeInTheDocument();
    expect(screen.getByText('3 running, 3 desired')).toBeInTheDocument();
  });

  it('says Prometheus and Loki are unavailable in their panels and shows the rest', async () => {
    await renderWith(
      fakeApi({
        getFunctionMetrics: async () => ({
          unavailable:
            'Prometheus at http://127.0.0.1:9090 did not answer within 5s',
        }),
        getFunctionLogs: async () => ({
          unavailable:
            'no Loki configured for cluster staging (atonix.clusters.staging.loki)',
        }),
      }),
    );
    expect(
      await screen.findByText(/Prometheus is unavailable/),
    ).toBeInTheDocument();
    expect(screen.getByText(/did not answer within 5s/)).toBeInTheDocument();
    expect(await screen.findByText(/Loki is unavailable/)).toBeInTheDocument();
    expect(
      screen.getByText(/atonix.clusters.staging.loki/),
    ).toBeInTheDocument();
    expect(screen.getByText('Revisions and traffic')).toBeInTheDocument();
    expect(screen.getByText('3 running, 3 desired')).toBeInTheDocument();
  });

  it('says permission is denied when the backend refuses the function', async () => {
    await renderWith(fakeApi(denying('getEntityFunctions')));
    expect(
      await screen.findByText(/Permission denied: this function's status/),
    ).toBeInTheDocument();
  });

  it('denies only the logs when the policy keeps them to the owning team', async () => {
    await renderWith(fakeApi(denying('getFunctionLogs')));
    expect(
      await screen.findByText(/Permission denied: logs/),
    ).toBeInTheDocument();
    expect(await screen.findByLabelText('Request rate')).toHaveTextContent(
      '42.5 req/s',
    );
  });

  it('shows a function of another team as its health with every owner-only panel denied, each saying why', async () => {
    await renderWith(
      fakeApi(denying('getFunction', 'getFunctionMetrics', 'getFunctionLogs')),
    );
    for (const what of ['revisions', 'metrics', 'logs']) {
      expect(
        await screen.findByText(new RegExp(`Permission denied: ${what}`)),
      ).toBeInTheDocument();
    }
    expect(
      screen.getAllByText(
        /it is for members of its owner group:default\/payments/,
      ),
    ).toHaveLength(3);
    // The health header stays: status is for every signed-in user.
    expect(screen.getByText('charge-card')).toBeInTheDocument();
  });

  it('says so when no cluster runs the function', async () => {
    await renderWith(fakeApi(entityRunning()));
    expect(
      await screen.findByText('Not running in any cluster'),
    ).toBeInTheDocument();
  });

  it('shows progress while the backend has not answered', async () => {
    await renderWith(
      fakeApi({ getEntityFunctions: () => new Promise(() => {}) }),
    );
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('asks for another window and for one revision’s logs, and tails the logs', async () => {
    const api = fakeApi();
    const getFunctionMetrics = jest.spyOn(api, 'getFunctionMetrics');
    const getFunctionLogs = jest.spyOn(api, 'getFunctionLogs');
    await renderWith(api);
    await screen.findByText('Revisions and traffic');
    const ref = {
      cluster: 'staging',
      namespace: 'payments',
      name: 'charge-card',
    };

    fireEvent.mouseDown(screen.getByRole('button', { name: 'Window' }));
    fireEvent.click(await screen.findByRole('option', { name: 'Last 6h' }));
    await waitFor(() =>
      expect(getFunctionMetrics).toHaveBeenLastCalledWith(ref, {
        window: '6h',
      }),
    );

    fireEvent.mouseDown(screen.getByRole('button', { name: 'Revision' }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'charge-card-00001' }),
    );
    await waitFor(() =>
      expect(getFunctionLogs).toHaveBeenLastCalledWith(
        ref,
        expect.objectContaining({ revision: 'charge-card-00001' }),
      ),
    );

    jest.useFakeTimers();
    try {
      const calls = getFunctionLogs.mock.calls.length;
      fireEvent.click(screen.getByLabelText('Live tail'));
      for (let tick = 0; tick < 2; tick++) {
        await act(async () => {
          jest.advanceTimersByTime(LIVE_TAIL_INTERVAL_MS);
        });
      }
      expect(getFunctionLogs.mock.calls.length).toBeGreaterThanOrEqual(
        calls + 2,
      );
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('EntityServerlessContent: Add secret', () => {
  it('sends the secret to the backend from a masked field and links the task, keeping no value', async () => {
    const writeFunctionSecret = jest.fn(async () => ({ taskId: 'task-42' }));
    await renderWith(fakeApi({ writeFunctionSecret }));
    fireEvent.click(await screen.findByRole('button', { name: 'Add secret' }));
    const dialog = within(await screen.findByRole('dialog'));
    const value = dialog.getByLabelText(/^Value/);
    expect(value).toHaveAttribute('type', 'password');
    fireEvent.change(dialog.getByLabelText(/^Secret name/), {
      target: { value: 'charge-card-webhook' },
    });
    fireEvent.change(dialog.getByLabelText(/^Key/), {
      target: { value: 'signing-secret' },
    });
    fireEvent.change(value, { target: { value: 'whsec_not_shown' } });
    fireEvent.change(dialog.getByLabelText(/^Environment variable/), {
      target: { value: 'WEBHOOK_SIGNING_SECRET' },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Encrypt and commit' }));

    expect(
      await dialog.findByRole('link', { name: 'follow the task' }),
    ).toHaveAttribute('href', '/create/tasks/task-42');
    expect(writeFunctionSecret).toHaveBeenCalledWith(
      { cluster: 'staging', namespace: 'payments', name: 'charge-card' },
      {
        name: 'charge-card-webhook',
        key: 'signing-secret',
        value: 'whsec_not_shown',
        envName: 'WEBHOOK_SIGNING_SECRET',
      },
    );
    expect(document.body.innerHTML).not.toContain('whsec_not_shown');
  });

  it("shows the backend's refusal to someone outside the owning team", async () => {
    await renderWith(fakeApi(denying('writeFunctionSecret')));
    fireEvent.click(await screen.findByRole('button', { name: 'Add secret' }));
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(dialog.getByLabelText(/^Secret name/), {
      target: { value: 'x' },
    });
    fireEvent.change(dialog.getByLabelText(/^Value/), {
      target: { value: 'v' },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Encrypt and commit' }));
    expect(
      await dialog.findByText(/it is for members of its owner/),
    ).toBeInTheDocument();
  });
});
