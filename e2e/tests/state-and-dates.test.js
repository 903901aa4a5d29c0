// Pages that say what is so, in English and Danish: the committee report is in the committee's
// menu and, for a year not yet over, counts up to today and says so, as the dashboard does with
// the same figure; an overdue milestone says Overdue with what was last reported, not "On track"
// beside it, and its page title is its heading; an import that cannot be rolled back (again) says why.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, signIn, clickAndWait, navigate, noViolations, shot } from './helpers.js';

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

const MONTHS = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  da: ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'],
};
const today = new Date();
const dateIn = (lang, d) => (lang === 'en'
  ? `${d.getUTCDate()} ${MONTHS.en[d.getUTCMonth()]} ${d.getUTCFullYear()}`
  : `${d.getUTCDate()}. ${MONTHS.da[d.getUTCMonth()]} ${d.getUTCFullYear()}`);

const TEXT = {
  en: {
    period: (y) => `Period: ${dateIn('en', new Date(Date.UTC(y, 0, 1)))} – ${dateIn('en', today)}`,
    status: `Status as of ${dateIn('en', today)}`,
    overdue: 'Overdue',
    reported: /^\(last reported: .+\)$/,
    onTrack: 'On track',
    error: /^Error:/,
    role: /role/i,
    already: /has already been rolled back/,
  },
  da: {
    period: (y) => `Periode: ${dateIn('da', new Date(Date.UTC(y, 0, 1)))} – ${dateIn('da', today)}`,
    status: `Status pr. ${dateIn('da', today)}`,
    overdue: 'Overskredet',
    reported: /^\(senest meldt: .+\)$/,
    onTrack: 'Følger planen',
    error: /^Fejl:/,
    role: /rolle/i,
    already: /er allerede rullet tilbage/,
  },
};

for (const lang of ['en', 'da']) {
  const T = TEXT[lang];
  const year = today.getUTCFullYear();

  test(`the committee report of this year counts up to today, as the dashboard does (${lang})`, { timeout: 120_000 }, async (t) => {
    const context = await newContext(browser, { viewport: { width: 1100, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'committee@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);
    await navigate(page, '/reports/committee');
    assert.match(await page.locator('h1').innerText(), new RegExp(String(year)));
    assert.equal((await page.locator('.report-period').first().innerText()).trim(), T.period(year));
    assert.match(await page.locator('.report-status').first().innerText(), new RegExp(`^${T.status.replace(/\./g, '\\.')}`));
    await noViolations(page, 'the committee report of this year');
    await shot(page, `committee-this-year-${lang}`);

    // The dashboard says the same period, and its partner activities are the report's total.
    await page.goto(`${server.url}/reports/activities`);
    assert.equal((await page.locator('.report-period').first().innerText()).trim(), T.period(year));
    const total = (await page.locator('main table.table-report').first().locator('tfoot td').first().innerText()).trim();
    await page.goto(`${server.url}/dashboard`);
    assert.equal((await page.locator('.report-period').first().innerText()).trim(), T.period(year));
    const cards = await page.locator('.kpi-grid .kpi').allInnerTexts();
    assert.ok(cards.some((c) => c.split('\n').map((s) => s.trim()).includes(total)), `the dashboard shows ${total}: ${cards}`);
  });

  test(`an overdue milestone and a roll-back that cannot be done say what is so (${lang})`, { timeout: 120_000 }, async (t) => {
    const context = await newContext(browser, { viewport: { width: 320, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'manager@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/plans`);
    await clickAndWait(page, 'main table a[href^="/plans/"] >> nth=0');
    const overdue = page.locator('main table tbody tr', { has: page.locator('strong.tag-red') });
    assert.ok(await overdue.count() > 0, 'the demo plan has overdue milestones');
    const cell = overdue.first().locator('td', { has: page.locator('strong.tag-red') });
    assert.equal((await cell.locator('strong.tag-red').innerText()).trim(), T.overdue);
    assert.match((await cell.locator('.muted').innerText()).trim(), T.reported);
    assert.equal(await cell.locator('span.tag').count(), 0, 'no status tag beside Overdue');
    await clickAndWait(page, `main table tbody tr:has(strong.tag-red) >> nth=0 >> a[href^="/milestones/"]`);
    const heading = (await page.locator('h1').innerText()).trim();
    assert.equal(await page.title(), `${heading} – Accord`, 'the title is the heading');
    await noViolations(page, 'an overdue milestone');
    await shot(page, `milestone-overdue-${lang}`);

    // An import rolled back a moment ago, asked to roll back again.
    await page.goto(`${server.url}/imports`);
    const href = await page.locator('main a.roll-back').first().getAttribute('href');
    await clickAndWait(page, 'main a.roll-back >> nth=0');
    await clickAndWait(page, 'main form button[type="submit"]');
    const res = await page.goto(`${server.url}${href}`);
    assert.equal(res.status(), 409);
    const summary = await page.locator('.error-summary').innerText();
    assert.doesNotMatch(summary, T.role);
    assert.match(await page.title(), T.error);
    assert.match(summary, T.already);
    await noViolations(page, 'a roll-back that cannot be done');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `the page is ${width} px wide`);
  });
}
