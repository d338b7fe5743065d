import { Locator, Page, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where browser tests leave screenshots of what they saw (git-ignored). */
const SCREENSHOT_DIR = join(__dirname, '../../../test-results/screenshots');

/** Opens the portal and signs in with the guest provider, as a newcomer would. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    sidebar(page).getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/**
 * Opens the portal and signs in as a User of catalog/org.yaml with the development-only picker,
 * e.g. `Sam (analytics)`.
 */
export async function signInAs(page: Page, displayName: string) {
  await page.goto('/');
  await page.getByRole('button', { name: /^User/ }).click();
  await page.getByRole('option', { name: displayName }).click();
  await page.getByRole('button', { name: 'Sign in as this user' }).click();
  await expect(
    sidebar(page).getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** The row of the Functions table whose function is named `name`. */
export function functionRow(page: Page, name: string) {
  return page
    .getByRole('table', { name: 'Functions' })
    .getByRole('row')
    .filter({ has: page.getByText(name, { exact: true }) });
}

/**
 * Reloads the Functions page until each of `names` links to its catalog entity. After a start the
 * catalog registers the functions from the GitOps repository and the backend links them on its
 * next catalog read; until then a name is plain text in a cell with the runtime below it, which
 * neither the link nor the exact-text locator of `functionRow` finds.
 */
export async function waitUntilLinked(page: Page, ...names: string[]) {
  await expect(async () => {
    await page.reload();
    for (const name of names) {
      await expect(functionLink(page, name)).toBeVisible({ timeout: 5_000 });
    }
  }).toPass({ timeout: 120_000 });
}

function functionLink(page: Page, name: string) {
  return functionRow(page, name).getByRole('link', { name, exact: true });
}

/** Opens a function's Serverless tab from the Functions page, once its name links to its entity. */
export async function openServerlessTab(page: Page, name: string) {
  await sidebar(page)
    .getByRole('link', { name: 'Functions', exact: true })
    .click();
  await waitUntilLinked(page, name);
  await functionLink(page, name).click();
  await page.getByRole('link', { name: 'Serverless', exact: true }).click();
}

/** The portal's left-hand navigation. */
export function sidebar(page: Page) {
  return page.getByRole('navigation', { name: 'sidebar nav' });
}

/** The card (an InfoCard of the portal) whose title, or another text of it, is `title`. */
export function card(page: Page, title: string) {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText(title, { exact: true }) });
}

/**
 * Saves what `target` shows as `<name>.png` in SCREENSHOT_DIR: the whole page, or one element of
 * it (a card, a dialog), which Playwright scrolls into view first.
 */
export async function saveScreenshot(target: Page | Locator, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await ('goto' in target
    ? target.screenshot({ path, fullPage: true })
    : target.screenshot({ path }));
}
