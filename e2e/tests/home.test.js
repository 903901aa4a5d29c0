// The home page of a busy account manager: each list shows its few most urgent lines, says
// how many there are, and links to the whole list and back; one date format per language.

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

const TEXT = {
  en: { note: /^The 5 most urgent of (\d+)\. Show all \1$/, back: 'Show only the most urgent', date: /^\d\d\/\d\d\/\d{4}/ },
  da: { note: /^De 5 mest presserende af (\d+)\. Vis alle \1$/, back: 'Vis kun de mest presserende', date: /^\d\d\.\d\d\.\d{4}/ },
};

const rows = (page, id) => page.locator(`#${id} + .table-scroll table tbody tr`);

for (const lang of ['en', 'da']) {
  const T = TEXT[lang];
  test(`the account manager's lists are short, counted and whole on request (${lang})`, async (t) => {
    const context = await newContext(browser, { viewport: { width: 1100, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'account.manager@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);

    for (const id of ['open-requests', 'follow-ups']) {
      assert.equal(await rows(page, id).count(), 5, `${id}: five lines`);
      const note = (await page.locator(`#${id} + .table-scroll + .list-more`).innerText()).trim();
      const m = note.match(T.note);
      assert.ok(m, `${id}: the note says how many: "${note}"`);
      const total = Number(m[1]);
      assert.ok(total > 5, `${id}: more than five in all (${total})`);

      // The whole list, and back to the short one.
      await clickAndWait(page, `#${id} + .table-scroll + .list-more a`);
      assert.equal(await rows(page, id).count(), total, `${id}: all ${total} lines`);
      assert.equal((await page.locator(`#${id} + .table-scroll + .list-more a`).innerText()).trim(), T.back);
      await clickAndWait(page, `#${id} + .table-scroll + .list-more a`);
      assert.equal(await rows(page, id).count(), 5);
    }

    // Follow-ups: the most urgent (the earliest due) first.
    const due = await rows(page, 'follow-ups').locator('td:first-child').allInnerTexts();
    for (const d of due) assert.match(d.trim(), T.date, `one date format: ${d}`);
    const asDate = (s) => s.trim().slice(0, 10).split(/[./]/).reverse().join('-');
    const sorted = [...due].sort((a, b) => asDate(a).localeCompare(asDate(b)));
    assert.deepEqual(due, sorted, 'the earliest due first');
    for (const d of await rows(page, 'open-requests').locator('td:first-child').allInnerTexts()) {
      assert.match(d.trim(), T.date, `one date format: ${d}`);
    }

    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < 3000, `the home page is a page, not a report: ${height} px`);
    await shot(page, `home-account-manager-${lang}`);
    await noViolations(page, `the home page (${lang})`);
  });
}
