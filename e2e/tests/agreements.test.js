// Agreements in the browser: an account manager opens an employer, drafts an agreement from
// its page, activates it, finds it on the list, prints it and terminates it. Each page on the
// way is checked with axe; the list, the record and the printable agreement are photographed in
// English and Danish (in $ACCORD_SCREENSHOTS, by default a folder in the system's temp dir).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, signIn, clickAndWait, axeCheck, formatViolations, noViolations, shot,
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

/** `YYYY-MM-DD`, `days` from today. */
function day(days) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}



test('an account manager drafts, activates, finds, prints and terminates an agreement', { timeout: 180_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'account.manager@accord.example');

  // An employer without an agreement in force, from the directory's filter.
  await page.goto(`${server.url}/organisations?agreement=none&kind=employer`);
  await clickAndWait(page, 'main table tbody tr:first-child td:first-child a');
  const orgPath = new URL(page.url()).pathname;
  assert.match(orgPath, /^\/organisations\/\d+$/);
  const employer = (await page.locator('h1').innerText()).trim();
  assert.ok(await page.locator('#agreements').count(), 'the employer page has an agreements section');

  // New agreement, from the employer's page: the holder is filled in.
  await clickAndWait(page, 'main a[href^="/agreements/new?organisation="]');
  assert.equal(new URL(page.url()).pathname, '/agreements/new');
  assert.notEqual(await page.inputValue('#organisation_ref'), '', 'the holder is filled in');
  assert.notEqual(await page.inputValue('#commitments_jobcentre'), '', 'the templates are filled in');
  await noViolations(page, 'the new agreement form');

  // The end before the start: both fields are named.
  await page.fill('#start_date', day(-30));
  await page.fill('#end_date', day(-60));
  let res = await clickAndWait(page, 'main form[action="/agreements"] button[type=submit]');
  assert.equal(res.status(), 422);
  const summary = page.locator('.error-summary');
  assert.equal(await summary.locator('a[href="#start_date"]').count(), 1);
  assert.equal(await summary.locator('a[href="#end_date"]').count(), 1);
  await noViolations(page, 'the form with errors');

  await page.fill('#end_date', day(700));
  await page.fill('#review_date', day(30));
  await page.fill('#purpose', 'Recruitment and retention, agreed at the dialogue meeting.');
  await page.selectOption('[id="targets[0].metric"]', 'placements');
  await page.fill('[id="targets[0].target"]', '12');
  await page.fill('[id="targets[0].period_start"]', day(-30));
  await page.fill('[id="targets[0].period_end"]', day(335));
  res = await clickAndWait(page, 'main form[action="/agreements"] button[type=submit]');
  assert.equal(res.status(), 200);
  const m = new URL(page.url()).pathname.match(/^\/agreements\/(\d+)$/);
  assert.ok(m, `landed on the agreement, not ${page.url()}`);
  const id = m[1];
  const title = (await page.locator('h1').innerText()).trim();
  const ref = title.split(' – ')[0];
  assert.ok(title.includes(employer), `the title names the employer: ${title}`);
  assert.match(await page.locator('main').innerText(), /Draft/);

  // Activate.
  await clickAndWait(page, `form[action="/agreements/${id}/activate"] button`);
  assert.match(await page.locator('main [role=status]').innerText(), /in force/);
  assert.equal(await page.locator('h1 .tag').innerText(), 'Active');
  assert.equal(await page.locator('main progress').count() >= 2, true, 'the target shows its progress');
  await noViolations(page, 'the agreement');

  // On the list.
  await page.goto(`${server.url}/agreements?q=${encodeURIComponent(ref)}`);
  const row = page.locator(`main table tbody tr:has(a[href="/agreements/${id}"])`);
  assert.equal(await row.count(), 1, 'the agreement is listed');
  assert.match(await row.innerText(), /Active/);
  await noViolations(page, 'the list');

  // Printed: no navigation, a print button that works with JavaScript.
  await page.goto(`${server.url}/agreements/${id}/print`);
  const lang = await page.getAttribute('html', 'lang');
  assert.ok(['en', 'da'].includes(lang));
  assert.equal(await page.locator('.site-nav').count(), 0);
  assert.ok(await page.locator('button[data-print]').isVisible(), 'the print button shows');
  assert.equal(await page.locator('.sign-line').count(), 6, 'signature lines for both parties');
  await noViolations(page, 'the printable agreement');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('button[data-print]').isVisible(), false, 'the button is not printed');
  await page.emulateMedia({ media: 'screen' });

  // Terminated by the employer, yesterday.
  await page.goto(`${server.url}/agreements/${id}`);
  await clickAndWait(page, `main a[href="/agreements/${id}/terminate"]`);
  await noViolations(page, 'the termination form');
  await page.fill('#terminated_on', day(-1));
  await page.selectOption('#terminated_by', 'employer');
  await page.fill('#reason', 'The employer closes the department.');
  res = await clickAndWait(page, `main form[action="/agreements/${id}/terminate"] button[type=submit]`);
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).pathname, `/agreements/${id}`);
  assert.equal(await page.locator('h1 .tag').innerText(), 'Terminated');
  assert.match(await page.locator('main').innerText(), /The employer closes the department\./);
  assert.equal(await page.locator(`main a[href="/agreements/${id}/terminate"]`).count(), 0);

  // The employer's page lists it.
  await page.goto(server.url + orgPath);
  assert.equal(await page.locator(`#agreements ~ .table-scroll table a[href="/agreements/${id}"], main table a[href="/agreements/${id}"]`).count() >= 1, true);
});

test('the list, a record and a printable agreement in English and Danish', { timeout: 120_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  // A manager of both demo districts, Danish and English.
  await signIn(page, server.url, 'manager@accord.example');
  // A record with targets, in English (the national employer's service level agreement).
  await page.goto(`${server.url}/agreements?q=SLA-ASDA`);
  let link = page.locator('main table tbody a[href^="/agreements/"]').first();
  const sla = (await link.count()) ? await link.getAttribute('href') : null;
  // And any Danish partnership agreement.
  await page.goto(`${server.url}/agreements?kind=partnership&phase=active&district=slagelse`);
  link = page.locator('main table tbody a[href^="/agreements/"]').first();
  const dk = await link.getAttribute('href');
  const record = sla || dk;
  for (const lang of ['en', 'da']) {
    await page.goto(`${server.url}/language/${lang}?next=/agreements`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await shot(page, `agreements-list-${lang}`);
    await noViolations(page, `the list (${lang})`);
    await page.goto(server.url + record);
    await shot(page, `agreement-${lang}`);
    await noViolations(page, `the record (${lang})`);
    await page.goto(`${server.url}/agreements/review`);
    await noViolations(page, `the review list (${lang})`);
    await page.goto(`${server.url}/agreements/templates`);
    await noViolations(page, `the templates (${lang})`);
    await page.goto(`${server.url}/agreements/templates/new`);
    await noViolations(page, `a new template (${lang})`);
  }
  // Printed in the agreement's own language, whatever the reader's.
  await page.goto(`${server.url}${dk}/print`);
  assert.equal(await page.getAttribute('html', 'lang'), 'da');
  assert.match(await page.locator('h1').innerText(), /aftale/i);
  await shot(page, 'agreement-print-da');
  if (sla) {
    await page.goto(`${server.url}${sla}/print`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await shot(page, 'agreement-print-en');
  }
});

test('without JavaScript the print button stays hidden and the page still prints', async (t) => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'committee@accord.example');
  await page.goto(`${server.url}/agreements`);
  const href = await page.locator('main table tbody a[href^="/agreements/"]').first().getAttribute('href');
  await page.goto(server.url + href);
  assert.equal(await page.locator(`main a[href="${href}/edit"]`).count(), 0, 'a committee member changes nothing');
  await page.goto(`${server.url}${href}/print`);
  assert.equal(await page.locator('button[data-print]').isVisible(), false);
  assert.ok(await page.locator('.print-doc h1').isVisible());
});
