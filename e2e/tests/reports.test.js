// The reports in the browser: the secretariat opens the partner activity report for 2022 and
// finds seed 003's Table 1, follows a number to its records and their organisations, runs the
// status as of 25 January 2023, opens the dashboard and the committee report (in Danish, with
// its chart), and adds a target with a mistake first. The committee reads the same figures.
// Every page on the way is checked with axe, with JavaScript and without.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, signIn, clickAndWait, navigate, axeCheck, formatViolations, noViolations, shot,
} from './helpers.js';


let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});



/** The cells of Table 1's body rows: [label, activities, organisations, hires]. */
async function tableRows(page) {
  return page.locator('main table.table-report').first().locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => c.textContent.trim())));
}

test('the secretariat reproduces Table 1 and follows its numbers', { timeout: 180_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'secretariat@accord.example');

  await navigate(page, '/reports/activities');
  await page.selectOption('#year', '2022');
  await clickAndWait(page, 'main form.filters button[type=submit]');
  assert.match(page.url(), /year=2022/);
  const rows = await tableRows(page);
  assert.deepEqual(rows, [
    ['Work placement', '739', '220', '–not counted'],
    ['Flex job', '118', '78', '–not counted'],
    ['Utility job', '65', '2', '–not counted'],
    ['Wage subsidy', '63', '33', '–not counted'],
    ['Adult apprentice', '55', '21', '–not counted'],
    ['Personal assistance', '30', '24', '–not counted'],
    ['Job rotation', '16', '9', '–not counted'],
    ['Recruitment requests', '107', '58', '86'],
  ]);
  const foot = await page.locator('main table.table-report').first().locator('tfoot td').allTextContents();
  assert.deepEqual(foot.slice(0, 2).map((s) => s.trim()), ['1,193', '274']);
  await noViolations(page, 'the report');
  await shot(page, 'report-2022-en');

  // A number leads to its records, and the list counts as many.
  await clickAndWait(page, 'main table.table-report tbody tr:nth-child(7) td:nth-child(2) a');
  assert.match(await page.locator('h1').innerText(), /Job rotation at partner companies, 2022/);
  assert.match(await page.locator('caption').innerText(), /^16 records$/);
  await noViolations(page, 'the records behind a number');
  await clickAndWait(page, 'main a[href^="/reports/activities/organisations"]');
  assert.match(await page.locator('caption').innerText(), /^9 organisations$/);
  await noViolations(page, 'the organisations behind a number');

  // The status as of 25 January 2023.
  await page.goto(`${server.url}/reports/activities?year=2023&as_of=2023-01-25`);
  const status = await page.locator('.report-status').innerText();
  assert.match(status, /25 January 2023: new activities in 76 partner companies this year, and 6 more/);
  // A day that is no date: the field is named, the form keeps the rest.
  await page.fill('#as_of', '');
  await page.goto(`${server.url}/reports/activities?year=2023&as_of=2023-02-30`);
  assert.equal(await page.locator('.error-summary a[href="#as_of"]').count(), 1);
  await noViolations(page, 'the report with a wrong day');

  // The dashboard and the committee report, in Danish.
  await page.goto(`${server.url}/language/da?next=/dashboard`);
  assert.equal(await page.getAttribute('html', 'lang'), 'da');
  assert.ok(await page.locator('svg.chart[role="img"]').count() >= 1, 'the dashboard has a chart');
  await noViolations(page, 'the dashboard');
  await shot(page, 'dashboard-da');
  await page.goto(`${server.url}/reports/committee?year=2023&as_of=2023-01-25`);
  assert.match(await page.locator('.report-status').innerText(), /Status pr\. 25\. januar 2023: .* 76 forskellige partnerskabsvirksomheder, .* yderligere 6 virksomheder/);
  await noViolations(page, 'the committee report');
  await shot(page, 'committee-2023-da');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.print-tools').isVisible(), false, 'the tools do not print');
  await page.emulateMedia({ media: 'screen' });
  const download = page.waitForEvent('download');
  await page.click('a[href*="format=xlsx"]');
  assert.match((await download).suggestedFilename(), /^committee-report-2023\.xlsx$/);

  // A target, wrong first.
  await page.goto(`${server.url}/language/en?next=/targets/new`);
  await page.fill('#name', 'At least 280 partner companies with activities in 2022');
  await page.fill('#period_start', '2022-01-01');
  await page.fill('#period_end', '2022-12-31');
  await page.fill('#threshold', 'many');
  let res = await clickAndWait(page, 'main form button[type=submit]');
  assert.equal(res.status(), 422);
  assert.equal(await page.locator('.error-summary a[href="#threshold"]').count(), 1);
  assert.equal(await page.inputValue('#name'), 'At least 280 partner companies with activities in 2022');
  await noViolations(page, 'the target form with an error');
  await page.fill('#threshold', '280');
  res = await clickAndWait(page, 'main form button[type=submit]');
  assert.equal(res.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/targets\/\d+$/);
  assert.equal((await page.locator('.tag-title').innerText()).trim(), 'Missed');
  assert.ok(await page.locator('svg.chart').count(), 'the trajectory is drawn');
  await noViolations(page, 'the target');
  await shot(page, 'target-en');
});

test('the committee reads the report but keeps no targets; the pages work without JavaScript', { timeout: 120_000 }, async (t) => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'committee@accord.example');
  await page.goto(`${server.url}/reports/activities?year=2022`);
  const rows = await tableRows(page);
  assert.deepEqual(rows[0], ['Work placement', '739', '220', '–not counted']);
  await clickAndWait(page, 'main a[href^="/reports/committee"]');
  assert.match(await page.locator('h1').innerText(), /2022/);
  await page.goto(`${server.url}/targets`);
  assert.equal(await page.locator('a[href="/targets/new"]').count(), 0, 'no way to add a target');
  const res = await page.goto(`${server.url}/targets/new`);
  assert.equal(res.status(), 403);
});
