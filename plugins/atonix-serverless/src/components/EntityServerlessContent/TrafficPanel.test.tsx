import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AtonixServerlessApi } from '../../api';
import {
  chargeCard,
  chargeCardTraffic,
  fakeApi,
  permissionDenied,
} from '../../testing/fixtures';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { TrafficPanel } from './TrafficPanel';

const pending = {
  commit: '5d41402abc4b2a76b9719d911017c592aaaaaaaa',
  subject: 'payments/charge-card: traffic charge-card-v1 100 % (stable)',
  requestedBy: 'user:default/guest',
  committedAt: '2026-11-29T20:00:00Z',
};

function renderWith(api: AtonixServerlessApi) {
  return renderWithApi(api, <TrafficPanel fn={chargeCard} />);
}

async function openDialog() {
  fireEvent.click(
    await screen.findByRole('button', { name: 'Manage traffic' }),
  );
  return within(await screen.findByRole('dialog'));
}

describe('TrafficPanel', () => {
  it('shows the split in git beside the one the cluster applies', async () => {
    await renderWith(fakeApi());
    expect(
      await screen.findByText(
        'charge-card-v1 90 % (stable), latest 10 % (canary)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/Applied in/)).toHaveTextContent(
      /charge-card-00002 \(latest\) 90 %/,
    );
    expect(screen.queryByText(/Pending:/)).not.toBeInTheDocument();
  });

  it('starts the change as a task, links it, and shows the commit as pending once it lands in git', async () => {
    const api = fakeApi();
    const changeTraffic = jest
      .spyOn(api, 'changeTraffic')
      .mockResolvedValue({ taskId: 'task-42' });
    const getTraffic = jest.spyOn(api, 'getTraffic');
    await renderWith(api);

    const dialog = await openDialog();
    expect(dialog.getByText(/New split:/)).toHaveTextContent(
      'charge-card-v1 100 % (stable), latest 0 % (canary)',
    );
    fireEvent.click(dialog.getByRole('button', { name: 'Commit to GitOps' }));

    await waitFor(() =>
      expect(changeTraffic).toHaveBeenCalledWith(
        { cluster: 'staging', namespace: 'payments', name: 'charge-card' },
        { action: 'rollback', revisionName: 'charge-card-v1' },
      ),
    );
    expect(
      await screen.findByRole('link', { name: 'follow the task' }),
    ).toHaveAttribute('href', '/create/tasks/task-42');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    // The task commits; the card reads git again by itself and shows the change as pending.
    getTraffic.mockResolvedValue({
      ...chargeCardTraffic,
      traffic: [{ revisionName: 'charge-card-v1', percent: 100 }],
      pending,
    });
    expect(
      await screen.findByText(/Pending:/, {}, { timeout: 5000 }),
    ).toHaveTextContent('commit 5d41402 by user:default/guest');
    expect(
      screen.queryByRole('link', { name: 'follow the task' }),
    ).not.toBeInTheDocument();
  });

  it('says the last change is applied once Flux has applied its commit', async () => {
    await renderWith(
      fakeApi({
        getTraffic: async () => ({ ...chargeCardTraffic, applied: pending }),
      }),
    );
    expect(await screen.findByText(/^Applied:/)).toHaveTextContent(
      `Applied: “payments/charge-card: traffic charge-card-v1 100 % (stable)”, commit 5d41402 by user:default/guest; Flux applied ${chargeCard.flux?.revision}.`,
    );
    expect(screen.queryByText(/Pending:/)).not.toBeInTheDocument();
  });

  it('keeps the dialog open with the backend’s reason when the change is refused', async () => {
    const refused = await permissionDenied('atonix.function.traffic.update');
    await renderWith(fakeApi({ changeTraffic: () => Promise.reject(refused) }));
    const dialog = await openDialog();
    fireEvent.click(dialog.getByLabelText('Promote the candidate to 100 %'));
    expect(dialog.getByText(/New split:/)).toHaveTextContent(
      'latest 100 % (canary), charge-card-v1 0 % (stable)',
    );
    fireEvent.click(dialog.getByRole('button', { name: 'Commit to GitOps' }));
    expect(
      await dialog.findByText(/You may not use atonix.function.traffic.update/),
    ).toBeInTheDocument();
  });

  it('shows the open pull request with the split it proposes, its link and its age, beside the applied split', async () => {
    await renderWith(
      fakeApi({
        getTraffic: async () => ({
          ...chargeCardTraffic,
          pullRequest: {
            number: 7,
            url: 'https://github.com/AtonixCorp/gitops/pull/7',
            title: 'payments/charge-card: traffic charge-card-v1 100 %',
            traffic: [{ revisionName: 'charge-card-v1', percent: 100 }],
            openedAt: new Date(Date.now() - 12 * 60_000).toISOString(),
          },
        }),
      }),
    );
    const link = await screen.findByRole('link', {
      name: /^Pull request #7 open/,
    });
    expect(link).toHaveAttribute(
      'href',
      'https://github.com/AtonixCorp/gitops/pull/7',
    );
    expect(link.parentElement).toHaveTextContent(
      'Pull request #7 open, Opens in a new window: “payments/charge-card: traffic charge-card-v1 100 %”, proposes charge-card-v1 100 %; opened 12m ago. Flux applies it once it is merged.',
    );
    // The split in git and the one the cluster applies stay as they are until the merge.
    expect(
      screen.getByText('charge-card-v1 90 % (stable), latest 10 % (canary)'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Applied in/)).toHaveTextContent(
      /charge-card-00002 \(latest\) 90 %/,
    );
  });

  it('says the pull request state is unknown, and why, while still showing the split in git', async () => {
    await renderWith(
      fakeApi({
        getTraffic: async () => ({
          ...chargeCardTraffic,
          pullRequestUnknown: 'HttpError: Bad credentials',
        }),
      }),
    );
    expect(
      await screen.findByText(
        'Pull request state unknown: HttpError: Bad credentials',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('charge-card-v1 90 % (stable), latest 10 % (canary)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Pull request #/)).not.toBeInTheDocument();
  });
});
