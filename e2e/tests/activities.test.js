// Activities, recruitment requests and imports in the browser: an account manager records an
// activity from an employer's page and finds it on the list; takes a recruitment request and
// refers a candidate; uploads a file of activities (with a bad line first), follows the import
// to the history and rolls it back. Each page on the way is checked with axe; the activity list,
// a request and the import history are photographed in English and Danish (in
// $ACCORD_SCREENSHOTS, by default a folder in the system's temp dir). The upload works without
// JavaScript too.

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



/** Opens an employer of the account manager's and returns its path and reference. */
async function anEmployer(page) {
  await page.goto(`${server.url}/organisations?kind=employer&status=active`);
  await clickAndWait(page, 'main table tbody tr:first-child td:first-child a');
  const orgPath = new URL(page.url()).pathname;
  assert.match(orgPath, /^\/organisations\/\d+$/);
  const ref = (await page.locator('main dl.summary-list .summary-row').first().locator('dd').innerText()).trim();
  return { orgPath, ref, name: (await page.locator('h1').innerText()).trim() };
}

test('an account manager records an activity and a recruitment request from an employer\'s page', { timeout: 180_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'account.manager@accord.example');
  const { orgPath, name } = await anEmployer(page);
  assert.equal(await page.locator('#activities').count(), 1, 'the employer page has an activities section');
  assert.equal(await page.locator('#requests').count(), 1, 'and a recruitment requests section');
  await noViolations(page, 'the employer page');

  // Record an activity: the employer is filled in.
  await clickAndWait(page, 'main a[href^="/activities/new?organisation="]');
  assert.equal(new URL(page.url()).pathname, '/activities/new');
  assert.notEqual(await page.inputValue('#organisation_ref'), '');
  await noViolations(page, 'the activity form');

  // The end before the start and a CPR number: each field named.
  await page.selectOption('#type', 'work_placement');
  await page.fill('#start_date', day(-10));
  await page.fill('#end_date', day(-20));
  await page.fill('#citizen_ref', '010203-1234');
  let res = await clickAndWait(page, 'main form[action="/activities"] button[type=submit]');
  assert.equal(res.status(), 422);
  const summary = page.locator('.error-summary');
  for (const field of ['start_date', 'end_date', 'citizen_ref']) {
    assert.equal(await summary.locator(`a[href="#${field}"]`).count(), 1, `${field} is named`);
  }
  assert.equal(await page.inputValue('#citizen_ref'), '010203-1234', 'what was typed is kept');
  await noViolations(page, 'the activity form with errors');

  const citizen = `CIT-E2E-${Date.now() % 100000}`;
  await page.fill('#end_date', day(60));
  await page.fill('#citizen_ref', citizen);
  res = await clickAndWait(page, 'main form[action="/activities"] button[type=submit]');
  assert.equal(res.status(), 200);
  const m = new URL(page.url()).pathname.match(/^\/activities\/(\d+)$/);
  assert.ok(m, `landed on the activity, not ${page.url()}`);
  const activity = m[1];
  assert.match(await page.locator('main [role=status]').innerText(), /recorded/);
  assert.match(await page.locator('h1').innerText(), /Work placement/);
  await noViolations(page, 'the activity');

  // On the list, found by the citizen reference.
  await page.goto(`${server.url}/activities?q=${encodeURIComponent(citizen)}`);
  const row = page.locator(`main table tbody tr:has(a[href="/activities/${activity}"])`);
  assert.equal(await row.count(), 1, 'the activity is listed');
  assert.match(await row.innerText(), new RegExp(name.slice(0, 10).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await noViolations(page, 'the activity list');

  // And on the employer's page.
  await page.goto(server.url + orgPath);
  assert.equal(await page.locator(`main table a[href="/activities/${activity}"]`).count(), 1);

  // A recruitment request from the employer's page.
  await clickAndWait(page, 'main a[href^="/recruitment-requests/new?organisation="]');
  await noViolations(page, 'the request form');
  await page.fill('#title', 'Warehouse operatives for the new season');
  await page.fill('#positions', '3');
  await page.fill('#received_date', day(-2));
  await page.selectOption('#account_manager_email', 'account.manager@accord.example');
  res = await clickAndWait(page, 'main form[action="/recruitment-requests"] button[type=submit]');
  assert.equal(res.status(), 200);
  const rm = new URL(page.url()).pathname.match(/^\/recruitment-requests\/(\d+)$/);
  assert.ok(rm, `landed on the request, not ${page.url()}`);
  const request = rm[1];

  // Refer a candidate, then record that they were hired.
  await page.fill('#citizen_ref', `${citizen}-B`);
  await page.selectOption('#outcome', 'interviewed');
  await clickAndWait(page, `main form[action="/recruitment-requests/${request}/candidates"] button[type=submit]`);
  assert.match(await page.locator('main [role=status]').innerText(), /candidate/i);
  const candidate = page.locator('#candidates ~ .table-scroll table tbody tr').first();
  assert.match(await candidate.innerText(), new RegExp(`${citizen}-B`));
  await candidate.locator('select').selectOption('hired');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), candidate.locator('button').click()]);
  assert.match(await page.locator('#candidates ~ .table-scroll table caption').innerText(), /hired: 1/);
  await noViolations(page, 'the request with a candidate');

  // The home page lists it among the account manager's open requests (the whole list: the
  // short one holds the five nearest deadlines).
  await page.goto(`${server.url}/?all=requests`);
  assert.equal(await page.locator(`#open-requests ~ .table-scroll table a[href="/recruitment-requests/${request}"]`).count(), 1);
  await noViolations(page, 'the home page');
});

test('a file of activities is uploaded with its progress, found in the history and rolled back', { timeout: 180_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'account.manager@accord.example');
  const { ref } = await anEmployer(page);
  const stamp = Date.now() % 100000;
  const good = `source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome\n` +
    `E2E-${stamp}-1,work_placement,${ref},${day(-40)},${day(20)},CIT-U${stamp}1,ongoing\n` +
    `E2E-${stamp}-2,Løntilskud,${ref},${day(-30)},,CIT-U${stamp}2,\n`;
  const bad = `${good}E2E-${stamp}-3,knitting,${ref},${day(-30)},,,\n`;

  await page.goto(`${server.url}/organisations/import?kind=activities`);
  assert.equal(await page.inputValue('#kind'), 'activities');
  await noViolations(page, 'the import page');
  // Follow what the progress bar shows while the file goes up.
  await page.evaluate(() => {
    window.progressSeen = [];
    const box = document.querySelector('[data-upload-status]');
    new MutationObserver(() => {
      if (!box.hidden) window.progressSeen.push(box.querySelector('[data-upload-text]').textContent);
    }).observe(box, { attributes: true, childList: true, subtree: true, characterData: true });
  });

  // A bad line: listed, nothing written.
  await page.setInputFiles('#file', { name: 'e2e-fasit.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.click('main form button[name=action][value=import]');
  await page.waitForSelector('main table td code');
  assert.match(await page.locator('main .error-summary').innerText(), /1 problem/);
  assert.match(await page.locator('main table tbody').innerText(), /4\s+type/);
  const seen = await page.evaluate(() => window.progressSeen);
  assert.ok(seen.some((s) => /Uploading|uploaded/.test(s)), `the progress was shown: ${JSON.stringify(seen)}`);
  assert.equal(new URL(page.url()).pathname, '/organisations/import');
  await noViolations(page, 'the import page with a bad line');

  // Corrected: imported, and the way to the history.
  await page.selectOption('#kind', 'activities');
  await page.setInputFiles('#file', { name: 'e2e-fasit.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.click('main form button[name=action][value=import]');
  await page.waitForSelector('main .notice-success');
  assert.match(await page.locator('main .notice-success').innerText(), /2 rows: 2 new/);
  await noViolations(page, 'the import page after an import');
  await clickAndWait(page, 'main .notice-success a[href="/imports"]');
  assert.equal(new URL(page.url()).pathname, '/imports');
  const row = page.locator('main table tbody tr', { hasText: 'e2e-fasit.csv' });
  assert.equal(await row.count(), 1, 'the import is in the history');
  assert.match(await row.innerText(), /Lars Nielsen/);
  await noViolations(page, 'the import history');

  // Its records.
  await clickAndWait(page, 'main table tbody tr:has-text("e2e-fasit.csv") a[href^="/activities?import="]');
  assert.equal(await page.locator('main table tbody tr').count(), 2);
  assert.match(await page.locator('main table caption').innerText(), /Activities: 2/);

  // Rolled back, after a confirm step.
  await page.goto(`${server.url}/imports`);
  await clickAndWait(page, 'main table tbody tr:has-text("e2e-fasit.csv") a.roll-back');
  assert.match(new URL(page.url()).pathname, /^\/imports\/\d+\/roll-back$/);
  assert.match(await page.locator('main .notice-warning').innerText(), /cannot be undone/);
  await noViolations(page, 'the roll-back confirmation');
  await clickAndWait(page, 'main form[action$="/roll-back"] button[type=submit]');
  assert.equal(new URL(page.url()).pathname, '/imports');
  assert.match(await page.locator('main [role=status]').innerText(), /rolled back/);
  assert.match(await page.locator('main table tbody tr', { hasText: 'e2e-fasit.csv' }).innerText(), /Rolled back/);
  await page.goto(`${server.url}/activities?q=CIT-U${stamp}1`);
  assert.match(await page.locator('main table caption').innerText(), /Activities: 0/);
});

test('the upload works without JavaScript', { timeout: 60_000 }, async (t) => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'account.manager@accord.example');
  const { ref } = await anEmployer(page);
  await page.goto(`${server.url}/organisations/import?kind=activities`);
  assert.equal(await page.locator('[data-upload-status]').isVisible(), false, 'no progress bar without JavaScript');
  const file = `source_id,type,organisation_ref,start_date\nNOJS-1,work_placement,${ref},${day(-5)}\n`;
  await page.setInputFiles('#file', { name: 'nojs.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  const res = await clickAndWait(page, 'main form button[name=action][value=check]');
  assert.equal(res.status(), 200);
  assert.match(await page.locator('main .notice-success').innerText(), /1 row: 1 new/);
});

test('the activity list, a request and the import history in English and Danish', { timeout: 120_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'manager@accord.example');
  // The request the first test took, with its candidate; else any filled one.
  await page.goto(`${server.url}/recruitment-requests?q=${encodeURIComponent('new season')}`);
  let link = page.locator('main table tbody a[href^="/recruitment-requests/"]').first();
  if (!(await link.count())) {
    await page.goto(`${server.url}/recruitment-requests?status=filled`);
    link = page.locator('main table tbody a[href^="/recruitment-requests/"]').first();
  }
  const request = await link.getAttribute('href');
  for (const lang of ['en', 'da']) {
    await page.goto(`${server.url}/language/${lang}?next=/activities`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    if (lang === 'da') assert.match(await page.locator('main table tbody').innerText(), /Virksomhedspraktik/);
    await shot(page, `activities-list-${lang}`);
    await noViolations(page, `the activity list (${lang})`);
    await page.goto(`${server.url}/recruitment-requests?from=2022-01-01&to=2022-12-31&district=slagelse`);
    assert.match(await page.locator('main .stats').innerText(), /107/);
    await shot(page, `requests-list-${lang}`);
    await noViolations(page, `the request list (${lang})`);
    await page.goto(server.url + request);
    await shot(page, `request-${lang}`);
    await noViolations(page, `a request (${lang})`);
    await page.goto(`${server.url}/imports`);
    await shot(page, `imports-${lang}`);
    await noViolations(page, `the import history (${lang})`);
    await page.goto(`${server.url}/activity-types`);
    await shot(page, `activity-types-${lang}`);
    await noViolations(page, `the activity types (${lang})`);
  }
});
