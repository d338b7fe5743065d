import { act, fireEvent, screen } from '@testing-library/react';
import { AtonixServerlessApi } from '../../api';
import { chargeCard, chargeCardTrace, fakeApi } from '../../testing/fixtures';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { SYNC_POLL_MS, TracePanel } from './TracePanel';

function renderWith(api: AtonixServerlessApi) {
  return renderWithApi(api, <TracePanel fn={chargeCard} />);
}

describe('TracePanel', () => {
  it('highlights the first broken link with its message and names the upstream Kustomization that blocks', async () => {
    await renderWith(fakeApi());
    expect(await screen.findByTestId('trace-broken')).toHaveTextContent(
      'Applied by Flux: The GitOps branch is at bbbbbbb, merged 12m ago, Flux has not applied it',
    );
    // Where the image's commit was built: its page lists the CI run.
    expect(screen.getByRole('link', { name: /^CI run/ })).toHaveAttribute(
      'href',
      'https://github.com/atonixcorp/charge-card/commit/229ba8aea2aecbb0af3a78d22215a150aede8056',
    );
    expect(screen.getByLabelText('Applied by Flux: broken')).toHaveClass(
      'Mui-selected',
    );
    expect(screen.getByLabelText('Traffic: ok')).not.toHaveClass(
      'Mui-selected',
    );
    expect(screen.getByTestId('trace-blocked')).toHaveTextContent(
      'Blocked by Kustomization flux-system/infra-configs: health check failed after 4m0s',
    );
  });

  it('syncs, waits for the Kustomization to handle the request, then shows the outcome', async () => {
    jest.useFakeTimers();
    try {
      let reconciled = false;
      const api = fakeApi({
        getFunctionTrace: async () =>
          reconciled
            ? {
                ...chargeCardTrace,
                kustomizations: [
                  {
                    ...chargeCardTrace.kustomizations[0],
                    ready: 'True',
                    lastHandledReconcileAt: '2026-11-29T10:00:01Z',
                    lastAppliedRevision: 'main@sha1:bbbbbbb',
                  },
                  ...chargeCardTrace.kustomizations.slice(1),
                ],
              }
            : chargeCardTrace,
      });
      const sync = jest.spyOn(api, 'syncFunction');
      await renderWith(api);
      await screen.findByTestId('trace-broken');
      fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
      expect(
        await screen.findByText(/waiting for its status to change/),
      ).toBeInTheDocument();
      expect(sync).toHaveBeenCalledTimes(1);
      reconciled = true;
      await act(async () => {
        jest.advanceTimersByTime(SYNC_POLL_MS);
      });
      expect(
        await screen.findByText(
          'Flux reconciled payments/functions: Ready, applied main@sha1:bbbbbbb',
        ),
      ).toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });
});
