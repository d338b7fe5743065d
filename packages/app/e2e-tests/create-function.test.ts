import { Page, expect, test } from '@playwright/test';
import { saveScreenshot, signInAsGuest } from './support';

/** Picks a team in a template's Team field (the catalog's OwnerPicker). */
async function pickTeam(page: Page, team: string) {
  const field = page.getByRole('textbox', { name: 'Team' });
  await field.click();
  await field.fill(team);
  await page
    .getByRole('option', { name: new RegExp(team) })
    .first()
    .click();
}

test.describe('creating a function', () => {
  test('fills the knative-http-function form, runs it and opens the new function in the catalog', async ({
    page,
  }) => {
    page.setDefaultTimeout(30_000);
    // Unique per run: the local GitOps repository refuses an existing function name.
    const name = `e2e-fn-${Date.now().toString(36)}`;

    await signInAsGuest(page);
    await page.goto('/create/templates/default/knative-http-function');
    await expect(
      page.getByRole('heading', { name: 'Knative HTTP function' }),
    ).toBeVisible();

    await page.getByRole('textbox', { name: 'Name' }).fill(name);
    await pickTeam(page, 'payments');
    await page
      .getByRole('textbox', { name: 'Description' })
      .fill('Created by the browser test');
    await saveScreenshot(page, 'create-function-form');

    await page.getByRole('button', { name: 'Next' }).click();
    await expect(
      page.getByRole('checkbox', { name: 'Critical' }),
    ).toBeVisible();
    await saveScreenshot(page, 'create-function-advanced');
    await page.getByRole('button', { name: 'Review' }).click();
    await expect(page.getByText(name).first()).toBeVisible();
    await saveScreenshot(page, 'create-function-review');
    await page.getByRole('button', { name: 'Create' }).click();

    const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
    await expect(openInCatalog).toBeVisible({ timeout: 180_000 });
    await saveScreenshot(page, 'create-function-done');

    await openInCatalog.click();
    await expect(page.getByRole('heading', { name })).toBeVisible();
    // The catalog processes the new location within seconds; the entity page does not poll, so
    // reload as a user would until it is there (the platform promises at most 60 s).
    await expect(async () => {
      await page.reload();
      await expect(
        page.getByRole('link', { name: 'payments' }).first(),
      ).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 60_000 });
    await expect(page.getByText('Entity not found')).toBeHidden();
    await saveScreenshot(page, 'create-function-entity');
  });

  test('stops the OpenFaaS form on its first page where a cluster lacks OpenFaaS Pro, saying what to use instead', async ({
    page,
  }) => {
    await signInAsGuest(page);
    await page.goto('/create/templates/default/openfaas-function');
    await expect(
      page.getByRole('heading', { name: 'OpenFaaS function' }),
    ).toBeVisible();
    // The demo cluster lists no runtimes, so it runs what gitops/ installs: Knative, OpenFaaS CE.
    const reason =
      /runtime: openfaas needs the OpenFaaS Pro operator, which demo does not run.*knative-http-function template/;
    await expect(
      page.getByRole('alert').filter({ hasText: reason }),
    ).toBeVisible();

    await page.getByRole('textbox', { name: 'Name' }).fill('e2e-faas-ce');
    await pickTeam(page, 'payments');
    await page.getByRole('button', { name: 'Next' }).click();
    // Still the first page: the field's validation refused to go on, with the same reason.
    await expect(page.getByText(reason).nth(1)).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'Critical' })).toBeHidden();
    await saveScreenshot(page, 'create-openfaas-refused');
  });
});
