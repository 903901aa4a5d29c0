// Partnership bodies and action plans in the browser. The manager opens Salford's improvement
// plan, enters a new milestone of action 3.3.2 with its progress, and prints the
// July–September 2004 progress report in seed 004's layout in English and in Danish; the
// issued report reopens unchanged. The partner user (Jobcentre Plus) sees only the coalition's
// plan, updates a milestone their organisation owns in Danish, and finds no form on one it
// does not own. Every page on the way is checked with axe.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, launch, newContext, signIn, clickAndWait, navigate, axeCheck, formatViolations, noViolations, shot, SHOTS,
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



/** The report table's header cells and, per body row, its cells' text. */
async function reportTable(page) {
  const head = (await page.locator('table.progress-table thead th').allTextContents()).map((s) => s.trim());
  const rows = await page.locator('table.progress-table tbody tr').evaluateAll((trs) =>
    trs.map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => c.innerText.replace(/\s+/g, ' ').trim())));
  return { head, rows };
}

test('the manager enters and prints seed 004\'s progress report', { timeout: 180_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'manager@accord.example');

  await navigate(page, '/bodies');
  assert.match(await page.locator('.body-tree').innerText(), /Employment and Training Strategy Group/);
  await noViolations(page, 'the bodies');
  await shot(page, 'bodies-en');
  await clickAndWait(page, 'main table a:text("Birmingham Employer Coalition")');
  assert.match(await page.locator('#review + p + .table-scroll table').innerText(), /Not represented/);
  await noViolations(page, 'a body');
  await shot(page, 'body-coalition-en');

  await navigate(page, '/plans');
  await clickAndWait(page, 'main a:text("IMPROVEMENT PLAN ACTIONS 2004/2005")');
  await noViolations(page, 'the plan');
  await shot(page, 'plan-en');

  // A new milestone of 3.3.2, wrong first: the description is missing.
  await clickAndWait(page, `section.plan-action:has-text("3.3.2") a[href$="/milestones/new"]`);
  await page.fill('#due_on', '2005-03-01');
  await page.check('#due_month');
  let res = await clickAndWait(page, 'main form button[type=submit]');
  assert.equal(res.status(), 422);
  assert.equal(await page.locator('.error-summary a[href="#description"]').count(), 1);
  assert.equal(await page.inputValue('#due_on'), '2005-03-01');
  await noViolations(page, 'the milestone form with an error');
  await page.fill('#description', 'Local employment clauses in every new Section 106 Agreement');
  await page.check('label:text("Salford City Council") >> xpath=../input');
  await page.selectOption('#resource_kind', 'staff_time');
  res = await clickAndWait(page, 'main form button[type=submit]');
  assert.equal(res.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/milestones\/\d+$/);
  // Its progress, reported for a day in the quarter.
  await page.fill('#written_on', '2004-09-15');
  await page.selectOption('#status', 'on_track');
  await page.fill('#comment', 'Clause drafted with the planning officers.');
  await clickAndWait(page, '#update-form ~ form button[type=submit]');
  assert.match(await page.locator('.flash, [role=status]').first().innerText(), /progress is recorded/i);
  assert.match(await page.locator('#updates + .table-scroll table').innerText(), /Clause drafted with the planning officers\./);
  await noViolations(page, 'the milestone');
  await shot(page, 'milestone-en');

  // The report for July–September 2004, in seed 004's columns.
  await clickAndWait(page, 'a.back-link');
  await page.selectOption('#quarter', '2004-Q3');
  await clickAndWait(page, 'section.panel form button[type=submit]');
  assert.equal(await page.locator('h1').innerText(), 'IMPROVEMENT PLAN ACTIONS 2004/2005: Progress Report July–September 2004');
  let { head, rows } = await reportTable(page);
  assert.deepEqual(head, ['Action', 'Milestones', 'Milestone progress (comments)', 'Resource implications']);
  assert.match(rows[0][0], /^3\.3\.1 Identify how partners can provide employment and training opportunities for residents in Salford\./);
  assert.match(rows[0][1], /SCC\/ PCT\/ Salford University \(SU\) to discuss and develop a project plan .* – Date to be agreed/);
  assert.match(rows[0][2], /SCC Action Plan in progress\./);
  assert.equal(rows[0][3], 'Staff (HR/ SCC Employability) Team time');
  assert.match(rows[1][0], /Obtain commitment to the project from Directors of Personnel from SCC\/ PCT\/ SU – June 2004 .* Achieved/);
  assert.match(rows[1][1], /Letter from LSP 28\.07\.04 to obtain support \(including University\)/);
  assert.equal(rows[1][2], 'As Above');
  const evidence = rows.find((r) => r[0].startsWith('Meetings of'));
  assert.deepEqual(evidence.slice(0, 2), ["Meetings of Public Sector Employers' Group", '1st meeting held 16/07/2004 2nd meeting held 02/09/2004']);
  assert.ok(rows.some((r) => r.some((c) => /Local employment clauses in every new Section 106 Agreement – March 2005 .* On track/.test(c))));
  assert.ok(rows.some((r) => r.some((c) => /Clause drafted with the planning officers\./.test(c))));
  const summary = await page.locator('table.progress-summary').innerText();
  assert.match(summary, /Achieved\s+1/);
  assert.match(summary, /Likely to be delayed\s+1/);
  assert.match(await page.locator('main').innerText(), /please indicate whether the milestone has been achieved, is on track to be achieved or likely to be delayed\./);
  await noViolations(page, 'the progress report');
  await shot(page, 'progress-2004-q3-en');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.print-tools').isVisible(), false, 'the tools do not print');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.pdf({ path: path.join(SHOTS, 'progress-2004-q3-en.pdf'), landscape: true, printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const download = page.waitForEvent('download');
  await page.click('a[href*="format=xlsx"]');
  assert.match((await download).suggestedFilename(), /^progress-report-\d+-2004-Q3\.xlsx$/);

  // The same in Danish.
  await clickAndWait(page, '.print-tools a[lang="da"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'da');
  assert.equal(await page.locator('h1').innerText(), 'IMPROVEMENT PLAN ACTIONS 2004/2005: Statusrapport juli–september 2004');
  ({ head, rows } = await reportTable(page));
  assert.deepEqual(head, ['Indsats', 'Milepæle', 'Status for milepæle (kommentarer)', 'Ressourcebehov']);
  assert.match(rows[0][1], /Dato aftales senere/);
  assert.match(rows[1][0], /juni 2004 .* Nået/);
  await noViolations(page, 'the progress report in Danish');
  await shot(page, 'progress-2004-q3-da');

  // The report issued in the demo reopens as it was: 3.3.1's third milestone was achieved in
  // November, after the report was issued.
  await page.goto(`${server.url}/language/en?next=/plans`);
  await clickAndWait(page, 'main a:text("IMPROVEMENT PLAN ACTIONS 2004/2005")');
  await clickAndWait(page, 'a[href^="/progress-reports/"]');
  assert.match(await page.locator('.print-head .notice').innerText(), /This is the report as it was issued\./);
  ({ rows } = await reportTable(page));
  const third = rows.find((r) => r.some((c) => c.includes('address common recruitment policies')));
  assert.ok(third.some((c) => /On track/.test(c)), `as issued: ${third}`);
  assert.ok(!rows.some((r) => r.some((c) => c.includes('Local employment clauses'))), 'added after it was issued');
  await noViolations(page, 'an issued report');
});

test('a partner updates only the milestones their organisation owns', { timeout: 120_000 }, async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'partner@accord.example');
  // Their home page lists the milestones due.
  assert.ok(await page.locator('#milestones + .table-scroll table tbody tr').count() >= 1, 'milestones due on the home page');
  await noViolations(page, 'the partner home page');
  await page.goto(`${server.url}/language/da?next=/plans`);
  const titles = await page.locator('main table tbody tr td:first-child a').allTextContents();
  assert.equal(titles.length, 1);
  assert.match(titles[0], /^Birmingham Employer Coalition work plan/);
  await clickAndWait(page, 'main table tbody a');
  await noViolations(page, 'the partner\'s plan');
  await clickAndWait(page, 'main a:text("Membership review reported to the coalition")');
  await page.selectOption('#status', 'on_track');
  await page.fill('#comment', 'Gennemgangen er i gang; to IT-virksomheder er inviteret.');
  await clickAndWait(page, '#update-form ~ form button[type=submit]');
  assert.match(await page.locator('#updates + .table-scroll table').innerText(), /Gennemgangen er i gang/);
  assert.match(await page.locator('#updates + .table-scroll table').innerText(), /Følger planen/);
  await noViolations(page, 'the partner\'s milestone in Danish');
  await shot(page, 'partner-milestone-da');
  // A milestone owned by the voluntary service council: no form.
  await page.goBack();
  await page.goBack();
  await page.reload();
  await clickAndWait(page, 'main a:text("Work with the Scarman Trust on clients outside the social welfare system")');
  assert.equal(await page.locator('#update-form').count(), 0);
  // Salford's plan is not theirs.
  const other = await page.request.get(`${server.url}/plans`);
  assert.ok(!(await other.text()).includes('IMPROVEMENT PLAN ACTIONS'));
});
