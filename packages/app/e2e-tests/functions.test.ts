import { Page, expect, test } from '@playwright/test';
import {
  card,
  functionRow,
  saveScreenshot,
  sidebar,
  signInAsGuest,
  waitUntilLinked,
} from './support';

/**
 * Function health against the portal in demo mode (`./run demo`): the example functions of
 * gitops/functions on the demo cluster (packages/demo), whose control endpoint takes the
 * Kubernetes API server away and brings it back.
 */
const DEMO_CONTROL_URL =
  process.env.DEMO_CONTROL_URL ?? 'http://127.0.0.1:7024';

/** The example functions of gitops/functions that the demo cluster runs. */
const EXAMPLES = [
  'charge-card',
  'fraud-score',
  'order-events',
  'report-export',
];

/**
 * Opens the Functions page once every example function links to its catalog entity (the first
 * visit after a start waits for the catalog: see `waitUntilLinked`).
 */
async function openFunctionsPage(page: Page) {
  await signInAsGuest(page);
  await sidebar(page)
    .getByRole('link', { name: 'Functions', exact: true })
    .click();
  await waitUntilLinked(page, ...EXAMPLES);
  return page.getByRole('table', { name: 'Functions' });
}

/** A figure of the metrics panel as a number: its label, then e.g. "6.03 req/s" → 6.03. */
async function figure(page: Page, label: string) {
  const text = await page.getByLabel(label, { exact: true }).innerText();
  return parseFloat(text.trim().split('\n').pop()!);
}

async function setKubeDown(down: boolean) {
  const response = await fetch(
    `${DEMO_CONTROL_URL}/kube/${down ? 'down' : 'up'}`,
    { method: 'POST' },
  );
  expect(response.ok).toBe(true);
}

test.describe('function health (demo mode)', () => {
  test('the Functions page lists every example function with its health', async ({
    page,
  }) => {
    const table = await openFunctionsPage(page);
    await expect(page.getByText(/^Demo data/)).toBeVisible();
    await expect(table).toBeVisible();

    await expect(functionRow(page, 'charge-card')).toContainText('payments');
    await expect(functionRow(page, 'charge-card')).toContainText('demo');
    await expect(functionRow(page, 'charge-card')).toContainText('Knative');
    await expect(functionRow(page, 'charge-card')).toContainText('Ready');
    await expect(functionRow(page, 'fraud-score')).toContainText('Ready');
    await expect(functionRow(page, 'order-events')).toContainText('analytics');
    await expect(functionRow(page, 'order-events')).toContainText(
      'Scaled to zero',
    );
    await expect(functionRow(page, 'report-export')).toContainText('Knative');
    await expect(page.getByText(/^1-4 of 4$/)).toBeVisible();

    // Every example runs on Knative (the clusters' OpenFaaS is CE, which runs no Function objects).
    await page.getByRole('button', { name: 'Runtime' }).click();
    await page.getByRole('option', { name: 'OpenFaaS' }).click();
    await expect(functionRow(page, 'charge-card')).toHaveCount(0);
    await expect(functionRow(page, 'report-export')).toHaveCount(0);
    await page.getByRole('button', { name: 'Runtime' }).click();
    await page.getByRole('option', { name: 'Knative' }).click();
    await expect(functionRow(page, 'report-export')).toBeVisible();
    await page.getByRole('button', { name: 'Runtime' }).click();
    await page.getByRole('option', { name: 'All' }).click();
    await expect(functionRow(page, 'charge-card')).toBeVisible();

    await saveScreenshot(page, 'functions-page');
  });

  test("a function's Serverless tab shows health, traffic split, scaling, metrics and logs", async ({
    page,
  }) => {
    await openFunctionsPage(page);
    await functionRow(page, 'charge-card')
      .getByRole('link', { name: 'charge-card', exact: true })
      .click();

    // The overview card: health, URL, replicas and the last hour's traffic. The demo seeds about
    // 12 requests/s for charge-card over the last 30 minutes, 2 % of them 5xx.
    await expect(page.getByText(/^Request rate \d/)).toBeVisible();
    expect(
      Number(
        (await page.getByText(/^Request rate \d/).innerText()).split(' ')[2],
      ),
    ).toBeGreaterThan(1);
    await expect(page.getByText('Error rate 2.0%')).toBeVisible();
    await expect(page.getByText('demo/payments')).toBeVisible();
    // The card sits in the scrolling info column beside the main content, out of a full-page shot.
    await saveScreenshot(card(page, 'Serverless'), 'overview-card');

    await page.getByRole('link', { name: 'Serverless', exact: true }).click();

    await expect(page.getByText(/^Demo data/)).toBeVisible();
    const revisions = page.getByRole('table', { name: 'Revisions' });
    await expect(
      revisions.getByRole('row').filter({ hasText: 'charge-card-00002' }),
    ).toContainText('90%');
    const previous = revisions
      .getByRole('row')
      .filter({ hasText: 'charge-card-00001' });
    await expect(previous).toContainText('10%');
    await expect(previous).toContainText('previous');
    await expect(page.getByText('demo', { exact: true })).toBeVisible();
    await expect(page.getByText(/In sync at main@sha1:/)).toBeVisible();
    await expect(page.getByText(/running, \d+ desired/)).toBeVisible();

    await expect(
      page.getByLabel('Request rate', { exact: true }),
    ).toContainText('req/s');
    expect(await figure(page, 'Request rate')).toBeGreaterThan(1);
    await expect(page.getByLabel('Error rate', { exact: true })).toContainText(
      '2.0%',
    );
    // Every seeded request took 60 ms: the seeds' 50–75 ms bucket.
    const p95 = await figure(page, 'p95');
    expect(p95).toBeGreaterThan(50);
    expect(p95).toBeLessThanOrEqual(75);

    await expect(page.getByText(/handled request/).first()).toBeVisible();
    // The demo keeps one of charge-card's rendered alerts firing in its Alertmanager.
    await expect(
      page
        .getByRole('table', { name: 'Alerts' })
        .getByRole('row')
        .filter({ hasText: 'FunctionErrorBudgetFastBurn' }),
    ).toContainText('warning');
    await saveScreenshot(page, 'serverless-tab');
  });

  test('shows the last known state with a stale badge when the Kubernetes API server goes away', async ({
    page,
  }) => {
    await openFunctionsPage(page);
    await expect(functionRow(page, 'charge-card')).toContainText('Ready');

    await setKubeDown(true);
    try {
      await expect(async () => {
        await page.reload();
        await expect(functionRow(page, 'charge-card')).toContainText('Stale', {
          timeout: 5_000,
        });
      }).toPass({ timeout: 90_000 });
      await expect(page.getByText(/Cluster unreachable: demo/)).toBeVisible();
      // The last known state stays visible next to the badge.
      await expect(functionRow(page, 'charge-card')).toContainText('Ready');
      await saveScreenshot(page, 'functions-stale');
    } finally {
      await setKubeDown(false);
    }

    await expect(async () => {
      await page.reload();
      await expect(functionRow(page, 'charge-card')).not.toContainText(
        'Stale',
        {
          timeout: 5_000,
        },
      );
    }).toPass({ timeout: 90_000 });
  });
});
