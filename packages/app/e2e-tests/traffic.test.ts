import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import {
  SCREENSHOT_DIR,
  saveScreenshot,
  openServerlessTab,
  signInAsGuest,
} from './support';

/**
 * "Manage traffic" in demo mode: the function-traffic template commits the change to the local git
 * server's GitOps repository (a fresh one per `./run demo`, seeded from gitops/); the Serverless tab
 * links the task and shows the change pending, then applied once the demo cluster's Flux has
 * applied the commit (packages/demo, a few seconds later) and the cluster routes as git says.
 */
test.describe('traffic through GitOps (demo mode)', () => {
  test('tags a revision from the Serverless tab, shows the commit pending, then applied', async ({
    page,
  }) => {
    test.setTimeout(240_000);
    await signInAsGuest(page);
    await openServerlessTab(page, 'charge-card');

    const card = page
      .locator('.MuiCard-root')
      .filter({ hasText: 'Traffic through GitOps' });
    await expect(card).toContainText('latest 100 %');
    await expect(card).toContainText(/Applied in demo: .*charge-card-00002/);

    await card.getByRole('button', { name: 'Manage traffic' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Tag a revision').check();
    await expect(dialog).toContainText(
      'New split: latest 100 %, charge-card-v1 0 % (canary)',
    );
    await dialog.screenshot({
      path: join(SCREENSHOT_DIR, 'manage-traffic.png'),
    });
    await dialog.getByRole('button', { name: 'Commit to GitOps' }).click();
    await expect(dialog).toBeHidden();
    await expect(
      card.getByRole('link', { name: 'follow the task' }),
    ).toHaveAttribute('href', /^\/create\/tasks\//);

    await expect(card.getByText(/^Pending:/)).toContainText(
      'payments/charge-card: traffic latest 100 %, charge-card-v1 0 % (canary)',
    );
    await expect(card).toContainText(
      'In git (gitops/functions/payments/charge-card/function.yaml): latest 100 %, charge-card-v1 0 % (canary)',
    );
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({
      path: join(SCREENSHOT_DIR, 'traffic-pending.png'),
    });
    await saveScreenshot(page, 'serverless-tab-traffic');

    // The demo's Flux applies the commit; the cluster then routes as git says.
    await expect(card.getByText(/^Applied:/)).toContainText(
      'payments/charge-card: traffic latest 100 %, charge-card-v1 0 % (canary)',
      { timeout: 60_000 },
    );
    await expect(card.getByText(/^Pending:/)).toHaveCount(0);
    await expect(card).toContainText(
      /Applied in demo: .*charge-card-00002 \(latest\) 100 %.*\(canary\)/,
    );
    await card.screenshot({
      path: join(SCREENSHOT_DIR, 'traffic-applied.png'),
    });
  });
});
