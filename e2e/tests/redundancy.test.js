// Redundancy support in the browser. The demo adviser opens the car-plant closure, registers a
// worker facing redundancy, records the initial assessment, a guidance session, a plan
// activity from the catalogue, retraining and a job start, and the four check-ins until the
// case closes as sustained. The case asks why it is opened once, on a page that names the case,
// and every page and save of that visit follows without asking or logging again. Then, signed in
// afresh and in Danish, the adviser opens the case again (the purpose is asked, and the access
// log grows by one) and prints the plan in the worker's language. The committee reader cannot
// open a case. Every page on the way is checked with axe.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, signIn, clickAndWait, navigate, noViolations, shot,
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



/** Submits the form on the page and waits for the next page. */
async function save(page) {
  await clickAndWait(page, 'main form button[type="submit"]');
}

test('an adviser takes a worker from registration to sustained in work', { timeout: 240_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'adviser@accord.example');

  await navigate(page, '/redundancy');
  await noViolations(page, 'the events');
  await clickAndWait(page, 'main table a:text("MG Rover Longbridge closure")');
  assert.match(await page.locator('h1').innerText(), /Longbridge/);
  assert.match(await page.locator('main').innerText(), /5,000/);
  await noViolations(page, 'the event');
  await shot(page, 'redundancy-event-en');

  // Registration: a bad National Insurance number is refused, naming the field.
  await clickAndWait(page, 'main a:text("Register a worker")');
  await noViolations(page, 'the registration form');
  await page.fill('#name', 'Dorothy Testworker');
  await page.fill('#national_id', 'QQ123456Z');
  await page.fill('#email', 'dorothy@example.org');
  await page.selectOption('#language', 'da');
  await save(page);
  assert.match(await page.locator('.error-summary').innerText(), /QQ123456Z/);
  await noViolations(page, 'the registration form with an error');
  await page.fill('#national_id', 'AB 12 34 56 C');
  await save(page);
  // Registered: the case asks why it is opened, naming it, with nothing chosen for the user.
  assert.match(page.url(), /\/cases\/\d+$/);
  const caseUrl = new URL(page.url());
  const caseId = caseUrl.pathname.split('/')[2];
  assert.match(await page.locator('h1').innerText(), /Why are you opening this case\?/);
  assert.match(await page.locator('main dl').innerText(), /D••• T•••/);
  assert.match(await page.locator('main dl').innerText(), /Longbridge/);
  assert.equal(await page.locator('input[name="purpose"]:checked').count(), 0);
  await noViolations(page, 'the purpose question');
  await save(page);
  assert.match(await page.locator('.error-summary').innerText(), /Choose why you are opening the case/);
  assert.match(await page.title(), /^Error:/);
  await page.check('#purpose-guidance');
  await save(page);
  assert.match(page.url(), new RegExp(`/cases/${caseId}$`));
  assert.equal(await page.locator('main a[href*="purpose="]').count(), 0, 'no link carries a purpose');
  const openings = await page.locator('#access-log + .table-scroll table tbody tr').count();
  // Masked by default.
  assert.match(await page.locator('#person + dl').innerText(), /D••• T•••/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Testworker/);
  await noViolations(page, 'the new case');
  await clickAndWait(page, 'main a:text("Show personal details")');
  assert.match(await page.locator('#person + dl').innerText(), /Dorothy Testworker/);

  // Assessment.
  await clickAndWait(page, 'main a:text("Record the assessment")');
  await page.selectOption('#literacy', 'level1');
  await page.selectOption('#numeracy', 'entry');
  await page.fill('#assessment_notes', 'Wants to move into logistics.');
  await save(page);
  assert.match(await page.locator('main').innerText(), /Level 1/);

  // A guidance session, and a referral that needs a "referred to".
  await clickAndWait(page, 'main a:text("Record a session")');
  await page.selectOption('#kind', 'debt');
  await save(page);
  assert.match(await page.locator('.error-summary').innerText(), /required/);
  await page.fill('#referred_to', 'Citizens Advice Birmingham');
  await save(page);
  assert.match(await page.locator('.title-row:has(#sessions) + .table-scroll table').first().innerText(), /Citizens Advice/);

  // The plan: an activity from the catalogue.
  await clickAndWait(page, 'main a:text("Add an activity")');
  await noViolations(page, 'the activity form');
  const option = await page.locator('#service_id option', { hasText: 'Write or update a CV' }).getAttribute('value');
  await page.selectOption('#service_id', option);
  await page.fill('#due_on', new Date(Date.now() + 14 * 864e5).toISOString().slice(0, 10));
  await save(page);
  assert.match(await page.locator('.title-row:has(#plan) + .table-scroll table').first().innerText(), /Skriv eller opdater et CV/, 'the title in the worker\'s language');

  // Retraining, funded by the ESF, completed.
  await clickAndWait(page, 'main a:text("Record retraining")');
  await page.fill('#provider', 'Bournville College');
  await page.fill('#course', 'Forklift truck licence');
  await page.fill('#funding_source', 'ESF');
  await page.selectOption('#status', 'completed');
  await save(page);
  assert.match(await page.locator('main').innerText(), /Forklift truck licence/);

  // A job start 14 weeks ago: four check-ins are scheduled, all due.
  await clickAndWait(page, 'main a:text("Record a job start")');
  await page.fill('#employer', 'Jaguar Land Rover, Castle Bromwich');
  await page.fill('#starts_on', new Date(Date.now() - 98 * 864e5).toISOString().slice(0, 10));
  await page.fill('#hours', '37');
  await save(page);
  assert.match(await page.locator('h1 .tag').innerText(), /In work/);
  assert.equal(await page.locator('main a:text("Record the check-in")').count(), 4);
  await noViolations(page, 'the case in work');

  for (let i = 0; i < 4; i += 1) {
    await clickAndWait(page, 'main a:text("Record the check-in") >> nth=0');
    if (i === 0) {
      // The check-in says which job, week and due day it is; recording asks yes or no, and
      // moving the day is a form of its own.
      assert.match(await page.locator('main dl').innerText(), /Jaguar Land Rover, Castle Bromwich/);
      assert.match(await page.locator('main dl').innerText(), /Week 1/);
      assert.equal(await page.locator('main select').count(), 0);
      assert.equal(await page.locator('main form').count(), 2);
      await noViolations(page, 'the check-in form');
      await shot(page, 'redundancy-checkin-en');
    }
    await page.check('#in_work-yes');
    await clickAndWait(page, 'main form button[type="submit"] >> nth=0');
  }
  assert.match(await page.locator('h1 .tag').innerText(), /Sustained 13 weeks/);
  assert.equal(
    await page.locator('#access-log + .table-scroll table tbody tr').count(), openings + 1,
    'the visit\'s pages and saves are one opening, and one look at the personal details',
  );
  await shot(page, 'redundancy-case-en');

  // Signed in afresh, in Danish: the case asks why it is opened; the access log grows by one.
  const logBefore = await page.locator('#access-log + .table-scroll table tbody tr').count();
  await context.clearCookies();
  await signIn(page, server.url, 'adviser@accord.example');
  await page.goto(`${server.url}/language/da`);
  await page.goto(`${server.url}/cases/${caseId}`);
  assert.match(await page.locator('h1').innerText(), /Hvorfor åbner du sagen/);
  await noViolations(page, 'the purpose question in Danish');
  await page.check('#purpose-plan_review');
  await clickAndWait(page, 'main form button[type="submit"]');
  assert.match(await page.locator('h1').innerText(), new RegExp(`Sag ${caseId}`));
  assert.match(await page.locator('h1 .tag').innerText(), /Fastholdt 13 uger/);
  const logAfter = await page.locator('#access-log + .table-scroll table tbody tr').count();
  assert.equal(logAfter, Math.min(logBefore + 1, 50), 'one more opening in the access log');
  assert.match(await page.locator('#access-log + .table-scroll table tbody tr').first().innerText(), /Gennemgang af handlingsplanen/);
  await noViolations(page, 'the case in Danish');
  await shot(page, 'redundancy-case-da');

  // The plan prints in the worker's language (Danish).
  await clickAndWait(page, 'main a:text("Udskriv planen")');
  assert.equal(await page.getAttribute('html', 'lang'), 'da');
  assert.match(await page.locator('h1').innerText(), /Handlingsplan/);
  assert.match(await page.locator('main').innerText(), /Dorothy Testworker/);
  await noViolations(page, 'the printed plan');
  await shot(page, 'redundancy-plan-da');

  // The outcomes report, with its small figures hidden.
  await page.goto(`${server.url}/redundancy/outcomes`);
  assert.match(await page.locator('main').innerText(), /Resultatrapport/);
  assert.match(await page.locator('main table').innerText(), /ESF/);
  await noViolations(page, 'the outcomes report in Danish');
});

test('the committee reader cannot open a case', { timeout: 120_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'committee@accord.example');
  await navigate(page, '/redundancy');
  await noViolations(page, 'the events for the committee');
  assert.equal(await page.locator('main a:text("Record a redundancy event")').count(), 0);
  for (const p of ['/cases/1', '/cases/1/export', '/redundancy/1/cases/new']) {
    const res = await page.goto(`${server.url}${p}`);
    assert.ok([403, 404].includes(res.status()), `${p} answered ${res.status()}`);
  }
});
