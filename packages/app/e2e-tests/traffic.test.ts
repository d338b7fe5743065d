import { expect, test } from '@playwright/test';
import {
  card,
  openServerlessTab,
  saveScreenshot,
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
    await signInAsGuest(page);
    await openServerlessTab(page, 'charge-card');

    const traffic = card(page, 'Traffic through GitOps');
    await expect(traffic).toContainText('latest 100 %');
    await expect(traffic).toContainText(/Applied in demo: .*charge-card-00002/);

    await traffic.getByRole('button', { name: 'Manage traffic' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Tag a revision').check();
    await expect(dialog).toContainText(
      'New split: latest 100 %, charge-card-v1 0 % (canary)',
    );
    await saveScreenshot(dialog, 'manage-traffic');
    await dialog.getByRole('button', { name: 'Commit to GitOps' }).click();
    await expect(dialog).toBeHidden();
    await expect(
      traffic.getByRole('link', { name: 'follow the task' }),
    ).toHaveAttribute('href', /^\/create\/tasks\//);

    await expect(traffic.getByText(/^Pending:/)).toContainText(
      'payments/charge-card: traffic latest 100 %, charge-card-v1 0 % (canary)',
    );
    await expect(traffic).toContainText(
      'In git (gitops/functions/payments/charge-card/function.yaml): latest 100 %, charge-card-v1 0 % (canary)',
    );
    await saveScreenshot(traffic, 'traffic-pending');
    await saveScreenshot(page, 'serverless-tab-traffic');

    // The demo's Flux applies the commit; the cluster then routes as git says.
    await expect(traffic.getByText(/^Applied:/)).toContainText(
      'payments/charge-card: traffic latest 100 %, charge-card-v1 0 % (canary)',
      { timeout: 60_000 },
    );
    await expect(traffic.getByText(/^Pending:/)).toHaveCount(0);
    await expect(traffic).toContainText(
      /Applied in demo: .*charge-card-00002 \(latest\) 100 %.*\(canary\)/,
    );
    await saveScreenshot(traffic, 'traffic-applied');
  });
});
