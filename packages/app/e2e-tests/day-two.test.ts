import { Page, expect, test } from '@playwright/test';
import {
  card,
  openServerlessTab,
  saveScreenshot,
  signInAs,
  signInAsGuest,
} from './support';

/**
 * Day two on the Serverless tab, in demo mode (`./run demo`): testing a function, "Sync now" and
 * "What runs, and why". The demo cluster (packages/demo) answers test requests as the cluster's
 * ingress would, reconciles a team's Kustomization when its Receiver is called, and keeps the
 * analytics team behind a failing `infra-configs` Kustomization.
 */

/**
 * Sends the saved test event the Test card selects first (the function's `POST /` one) and
 * returns the card and where it shows the answer.
 */
async function sendSavedTestEvent(page: Page) {
  const testCard = card(page, 'Test');
  await expect(
    testCard.getByText('POST / from', { exact: false }),
  ).toBeVisible();
  await testCard.getByRole('button', { name: 'Send test request' }).click();
  return { testCard, result: testCard.getByTestId('test-result') };
}

test.describe('day two on the Serverless tab (demo mode)', () => {
  test('traces charge-card from git to traffic, syncs it, and sends it its saved test event', async ({
    page,
  }) => {
    await signInAsGuest(page);
    await openServerlessTab(page, 'charge-card');

    const trace = card(page, 'What runs, and why');
    await expect(trace.getByLabel('Image: ok', { exact: true })).toBeVisible();
    await expect(
      trace.getByLabel('Traffic: ok', { exact: true }),
    ).toBeVisible();
    await expect(
      trace.getByText('flux-system/functions-payments', { exact: true }),
    ).toBeVisible();

    await trace.getByRole('button', { name: 'Sync now' }).click();
    await expect(
      trace.getByText(
        /^Flux reconciled flux-system\/functions-payments: Ready, applied main@sha1:/,
      ),
    ).toBeVisible();
    await saveScreenshot(trace, 'trace-sync');

    const { result } = await sendSavedTestEvent(page);
    await expect(result.getByText('HTTP 200')).toBeVisible();
    await expect(result.getByLabel('Response body')).toContainText(
      '"function":"charge-card"',
    );
    await expect(result.getByText('Cold start')).toHaveCount(0);
  });

  test('shows the analytics team blocked upstream, and a cold start of its scaled-to-zero function', async ({
    page,
  }) => {
    await signInAs(page, 'Sam (analytics)');
    await openServerlessTab(page, 'order-events');

    const trace = card(page, 'What runs, and why');
    await expect(trace.getByTestId('trace-blocked')).toContainText(
      'Blocked by Kustomization flux-system/infra-configs: health check failed',
    );
    await expect(trace.getByTestId('trace-broken')).toContainText(
      "dependency 'flux-system/tenants' is not ready",
    );
    await saveScreenshot(trace, 'trace-blocked');

    const { testCard, result } = await sendSavedTestEvent(page);
    await expect(result.getByText('HTTP 202')).toBeVisible();
    await expect(result.getByText('Cold start')).toBeVisible();
    await saveScreenshot(testCard, 'test-cold-start');
  });
});
