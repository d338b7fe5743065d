import { expect, test } from '@playwright/test';
import { openServerlessTab, saveScreenshot, signInAs } from './support';

/**
 * The permission policy as a person of another team meets it (demo mode): Sam, of analytics, sees
 * the health of payments' charge-card but is told, panel by panel, that its revisions, metrics
 * and logs are for payments.
 */
test.describe('team boundaries', () => {
  test('a member of another team sees the denied state on a payments function', async ({
    page,
  }) => {
    await signInAs(page, 'Sam (analytics)');
    await openServerlessTab(page, 'charge-card');
    // Health is for everyone; the rest says who may see it.
    await expect(page.getByText(/running, \d+ desired/)).toBeVisible();
    for (const what of ['revisions', 'metrics', 'logs']) {
      await expect(page.getByText(`Permission denied: ${what}`)).toBeVisible();
    }
    await expect(
      page
        .getByText(/it is for members of its owner group:default\/payments/)
        .first(),
    ).toBeVisible();
    await saveScreenshot(page, 'denied-other-team');
  });
});
