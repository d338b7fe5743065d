import { expect, test } from '@playwright/test';
import { saveScreenshot, sidebar, signInAs } from './support';

/**
 * The permission policy as a person of another team meets it (demo mode): Sam, of analytics, sees
 * the health of payments' charge-card but is told, panel by panel, that its revisions, metrics
 * and logs are for payments.
 */
test.describe('team boundaries', () => {
  test('a member of another team sees the denied state on a payments function', async ({
    page,
  }) => {
    // The first visit after a start waits for the catalog to link the function to its entity.
    test.setTimeout(240_000);
    await signInAs(page, 'Sam (analytics)');
    await sidebar(page)
      .getByRole('link', { name: 'Functions', exact: true })
      .click();
    const link = page
      .getByRole('table', { name: 'Functions' })
      .getByRole('row')
      .filter({ has: page.getByText('charge-card', { exact: true }) })
      .getByRole('link', { name: 'charge-card', exact: true });
    await expect(async () => {
      await page.reload();
      await expect(link).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 120_000 });
    await link.click();

    await page.getByRole('link', { name: 'Serverless', exact: true }).click();
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
