import { expect, test } from '@playwright/test';
import { saveScreenshot, sidebar, signInAsGuest } from './support';

test.describe('the portal', () => {
  test('signs a guest in and shows the catalog with the local teams', async ({
    page,
  }) => {
    await signInAsGuest(page);

    await expect(
      page.getByRole('heading', { name: 'AtonixCorp Catalog' }),
    ).toBeVisible();
    await expect(
      sidebar(page).getByRole('link', { name: 'Functions', exact: true }),
    ).toBeVisible();

    await page.goto('/?filters%5Bkind%5D=group&filters%5Buser%5D=all');
    await expect(
      page.getByRole('link', { name: 'payments', exact: true }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'analytics', exact: true }),
    ).toBeVisible();
    await saveScreenshot(page, 'catalog');
  });

  test('opens the Create page with its templates', async ({ page }) => {
    await signInAsGuest(page);
    await sidebar(page)
      .getByRole('link', { name: 'Create', exact: true })
      .click();
    await expect(page).toHaveURL(/\/create\/templates/);
    await expect(page.getByRole('tab', { name: 'Templates' })).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Actions' })).toBeVisible();
    await saveScreenshot(page, 'create');
  });

  test('opens the Functions page, backed by the Atonix Serverless backend', async ({
    page,
  }) => {
    await signInAsGuest(page);
    await sidebar(page)
      .getByRole('link', { name: 'Functions', exact: true })
      .click();
    await expect(
      page
        .getByRole('table', { name: 'Functions' })
        .or(page.getByText('No functions yet')),
    ).toBeVisible();
    await saveScreenshot(page, 'functions');
  });
});
