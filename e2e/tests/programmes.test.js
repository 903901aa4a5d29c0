// Programmes and budgets in the browser, in English and in Danish: a programme is set up, a
// budget line opened on its page, spend recorded against the line (budget minus spend to the
// penny / øre), and a job shop recorded for the programme that also serves a redundancy event
// of the district, so that the event's page lists the same job shop. An end before the start
// is refused naming the field. Every page on the way is checked with axe, and the pages are
// photographed at 320 px wide.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, signIn, clickAndWait, noViolations, shot } from './helpers.js';

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

async function save(page, selector = 'main form button[type="submit"]') {
  await clickAndWait(page, selector);
}

const CASES = [
  {
    lang: 'en',
    email: 'manager@accord.example',
    district: 'birmingham-solihull',
    name: 'Retail routeway at the Fort',
    line: 'ESF co-financing',
    amount: '12,500.50',
    spend: '2,499.75',
    remaining: '£10,000.75',
    event: 'MG Rover Longbridge closure',
    texts: { endBefore: /end date|on or after/i, jobShops: 'Job shops', record: 'Record a job shop' },
  },
  {
    lang: 'da',
    email: 'secretariat@accord.example',
    district: 'slagelse',
    name: 'Rekrutteringsforløb til det nye lager',
    line: 'Kommunal medfinansiering',
    amount: '12.500,50',
    spend: '2.499,75',
    remaining: '10.000,75 kr.',
    event: null,
    texts: { endBefore: /slut|start/i, jobShops: 'Jobbutikker', record: 'Registrer en jobbutik' },
  },
];

for (const c of CASES) {
  test(`a programme, a budget line, spend and a job shop (${c.lang})`, { timeout: 180_000 }, async (t) => {
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, c.email);
    await page.goto(`${server.url}/language/${c.lang}?next=/programmes`);
    await noViolations(page, 'the programmes');

    // Set up: an end before the start is refused naming the field.
    await page.goto(`${server.url}/programmes/new`);
    if (await page.locator('#district').count()) await page.selectOption('#district', c.district);
    await page.selectOption('#kind', 'recruitment_exercise');
    await page.fill('#name', c.name);
    await page.fill('#start_date', '2026-03-01');
    await page.fill('#end_date', '2026-02-01');
    await page.check('#group-long_term_unemployed');
    await save(page);
    const summary = await page.locator('.error-summary').innerText();
    assert.match(summary, c.texts.endBefore);
    assert.equal(await page.locator('.error-summary a[href="#end_date"]').count(), 1);
    await noViolations(page, 'the programme form with an error');
    await page.fill('#end_date', '2026-09-30');
    await save(page);
    assert.match(page.url(), /\/programmes\/\d+$/);
    const programmeUrl = page.url();
    assert.equal(await page.locator('h1').innerText(), c.name);
    await noViolations(page, 'the programme');

    // A budget line on the programme's page, then spend on the line's page.
    await page.fill('form[action$="/budget-lines"] #name', c.line);
    await page.selectOption('form[action$="/budget-lines"] #funding_source', c.lang === 'en' ? 'esf' : 'municipality');
    await page.fill('form[action$="/budget-lines"] #year', '2026');
    await page.fill('form[action$="/budget-lines"] #amount', c.amount);
    await save(page, 'form[action$="/budget-lines"] button[type="submit"]');
    assert.match(page.url(), /\/budget-lines\/\d+$/);
    await page.fill('#spent_on', '2026-03-15');
    await page.fill('#amount', c.spend);
    await page.fill('#description', c.lang === 'en' ? 'Trainer, first week' : 'Underviser, første uge');
    await save(page, 'form[action$="/spend"] button[type="submit"]');
    const main = await page.locator('main').innerText();
    assert.ok(main.includes(c.remaining), `remaining ${c.remaining} in ${main}`);
    await noViolations(page, 'the budget line');

    // A job shop for the programme (and, in Birmingham, for the car plant's closure too).
    await page.goto(programmeUrl);
    await clickAndWait(page, `main a:text("${c.texts.record}")`);
    await noViolations(page, 'the job shop form');
    await page.fill('#place', '');
    await save(page);
    assert.equal(await page.locator('.error-summary a[href="#place"]').count(), 1);
    await page.fill('#held_on', '2026-03-20');
    await page.fill('#place', c.lang === 'en' ? 'The Fort, unit 12' : 'Lageret, Slagelse');
    await page.check('#on_premises');
    await page.fill('#workers_seen', '64');
    if (c.event) {
      const value = await page.locator(`#event option:text("${c.event}")`).getAttribute('value');
      await page.selectOption('#event', value);
    }
    await save(page);
    assert.match(page.url(), /\/programmes\/\d+#job-shops$/);
    const shops = await page.locator('#job-shop-list').first().innerText();
    assert.match(shops, c.lang === 'en' ? /The Fort, unit 12/ : /Lageret, Slagelse/);
    assert.match(shops, /64/);
    await noViolations(page, 'the programme with its job shop');

    // At 320 px wide.
    await page.setViewportSize({ width: 320, height: 800 });
    await shot(page, `programme-${c.lang}-320`);
    await page.goto(`${programmeUrl.replace(/\/programmes\/\d+$/, '')}${new URL(programmeUrl).pathname}/job-shops/new`);
    await shot(page, `programme-job-shop-form-${c.lang}-320`);

    if (c.event) {
      // The event's page lists the same job shop.
      await page.goto(programmeUrl);
      await clickAndWait(page, `#job-shop-list a:text("${c.event}")`);
      assert.match(await page.locator('main').innerText(), /The Fort, unit 12/);
    }
  });
}
