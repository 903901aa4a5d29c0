// The list pages' sorting and paging, as an administrator who sees every district uses them:
// a column header sorts by its column and a second click reverses it (the header says so with
// aria-sort); page 2 is reached by its number, keeping the sort; a page past the end is refused
// with a link to the last page; the district filter narrows the list to one district, shown in
// the District column; a search that finds nothing offers to clear the filters. In English and
// Danish, on a wide screen and at 320 px, checked with axe and photographed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startServer, launch, newContext, signIn, clickAndWait, noViolations, shot, SHOTS,
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

const TEXT = {
  en: {
    noPage: /^There is no page 99; the list has (\d+) pages\.$/,
    noneMatch: 'Nothing matches these filters.',
    clear: 'Clear filters',
  },
  da: {
    noPage: /^Der er ingen side 99; listen har (\d+) sider\.$/,
    noneMatch: 'Intet passer til disse filtre.',
    clear: 'Ryd filtre',
  },
};

/** The aria-sort of the organisation list's Name header (null when it has none). */
const nameSort = (page) => page.locator('main thead th:has(a.sort-link[href*="sort="][href*="name"])').first().getAttribute('aria-sort');

/** The names in the table, in order. */
const names = (page) => page.locator('main tbody tr td:first-child > a').allInnerTexts();

for (const lang of ['en', 'da']) {
  for (const width of [1280, 320]) {
    test(`sorting, paging and filtering the organisations (${lang}, ${width} px)`, { timeout: 180_000 }, async (t) => {
      const context = await newContext(browser, { viewport: { width, height: 900 } });
      t.after(() => context.close());
      const page = await context.newPage();
      const text = TEXT[lang];
      await signIn(page, server.url, 'admin@accord.example');
      await page.goto(`${server.url}/language/${lang}?next=/organisations`);
      assert.equal(new URL(page.url()).pathname, '/organisations');
      assert.equal(await nameSort(page), null, 'not sorted by name at first');

      // Sort by name, then the other way, then back.
      // The list sorts by the lower-cased name, letter by letter (so Ø comes after Z).
      const collator = { compare: (a, b) => { const [x, y] = [a.toLowerCase(), b.toLowerCase()]; return x < y ? -1 : x > y ? 1 : 0; } };
      await clickAndWait(page, 'main thead th a.sort-link[href$="sort=name"]');
      assert.equal(new URL(page.url()).searchParams.get('sort'), 'name');
      assert.equal(await nameSort(page), 'ascending');
      const up = await names(page);
      assert.ok(up.length > 10);
      assert.ok(collator.compare(up[0], up[up.length - 1]) <= 0, `A to Z: ${up[0]} … ${up[up.length - 1]}`);
      await noViolations(page, `the sorted list (${lang}, ${width})`);
      if (width === 320) await shot(page, `lists-sorted-${lang}-320`);

      await clickAndWait(page, 'main thead th[aria-sort="ascending"] a.sort-link');
      assert.equal(new URL(page.url()).searchParams.get('sort'), '-name');
      assert.equal(await nameSort(page), 'descending');
      const down = await names(page);
      assert.ok(collator.compare(down[0], down[down.length - 1]) >= 0, `Z to A: ${down[0]} … ${down[down.length - 1]}`);
      assert.notEqual(down[0], up[0]);
      await clickAndWait(page, 'main thead th[aria-sort="descending"] a.sort-link');
      assert.equal(await nameSort(page), 'ascending', 'and back');
      assert.deepEqual(await names(page), up);

      // Page 2 by its number: the sort is kept.
      assert.match(await page.locator('nav.pager a[aria-current="page"]').innerText(), lang === 'en' ? /^Page\s*1$/ : /^Side\s*1$/);
      await clickAndWait(page, 'nav.pager a.pager-number[href$="page=2"]');
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('page'), '2');
      assert.equal(url.searchParams.get('sort'), 'name');
      assert.equal(await nameSort(page), 'ascending');
      assert.match(await page.locator('nav.pager a[aria-current="page"]').innerText(), /2$/);
      const second = await names(page);
      assert.ok(collator.compare(up[up.length - 1], second[0]) <= 0, 'page 2 follows page 1');
      if (width === 1280) await shot(page, `lists-page2-${lang}`);
      // Close-ups of the headers and the pager, which a whole long page shows too small to see.
      await page.locator('main thead').screenshot({ path: path.join(SHOTS, `lists-headers-${lang}-${width}.png`) });
      await page.locator('nav.pager').screenshot({ path: path.join(SHOTS, `lists-pager-${lang}-${width}.png`) });

      // A page past the end is refused, with the way to the last page.
      const res = await page.goto(`${server.url}/organisations?sort=name&page=99`);
      assert.equal(res.status(), 404);
      const message = (await page.locator('main p.lead').innerText()).trim();
      const m = message.match(text.noPage);
      assert.ok(m, message);
      await noViolations(page, `the page past the end (${lang}, ${width})`);
      if (width === 320) await shot(page, `lists-no-page-${lang}-320`);
      await clickAndWait(page, 'main a[href*="page="]');
      assert.equal(new URL(page.url()).searchParams.get('page'), m[1]);
      assert.equal(new URL(page.url()).searchParams.get('sort'), 'name', 'the sort is kept');
      assert.match(await page.locator('nav.pager a[aria-current="page"]').innerText(), new RegExp(`${m[1]}$`));

      // The district filter: one district, named in the District column on every row.
      await page.goto(`${server.url}/organisations?sort=name`);
      const options = await page.locator('#district option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
      const chosen = options.find((o) => o.value !== '');
      assert.ok(chosen, 'the admin may filter by district');
      const districtColumn = await page.locator('main thead th').evaluateAll((ths) => ths.findIndex((th) => th.textContent.trim() === (th.ownerDocument.documentElement.lang === 'da' ? 'Område' : 'District')));
      assert.ok(districtColumn >= 0, 'a District column');
      await page.selectOption('#district', chosen.value);
      await clickAndWait(page, 'form.filters button[type=submit]');
      const url2 = new URL(page.url());
      assert.equal(url2.searchParams.get('district'), chosen.value);
      assert.equal(url2.searchParams.get('sort'), 'name', 'the filter form keeps the sort');
      const cells = await page.locator(`main tbody tr td:nth-child(${districtColumn + 1})`).allInnerTexts();
      assert.ok(cells.length > 0);
      assert.deepEqual([...new Set(cells)], [chosen.label]);
      if (width === 1280) await shot(page, `lists-district-${lang}`);

      // Nothing found with filters set: the way back to the whole list.
      await page.fill('#q', 'zzzz-no-such-employer');
      await clickAndWait(page, 'form.filters button[type=submit]');
      assert.equal(await page.locator('main tbody tr').count(), 0);
      assert.equal((await page.locator('main p.list-empty').innerText()).replace(text.clear, '').trim(), text.noneMatch);
      await noViolations(page, `the empty filtered list (${lang}, ${width})`);
      if (width === 320) await shot(page, `lists-empty-${lang}-320`);
      await clickAndWait(page, `main p.list-empty a:text-is("${text.clear}")`);
      const cleared = new URL(page.url());
      assert.equal(cleared.searchParams.get('q'), null);
      assert.equal(cleared.searchParams.get('district'), null);
      assert.equal(cleared.searchParams.get('sort'), 'name');
      assert.ok((await names(page)).length > 10);
      if (width === 320) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page fits 320 px (${overflow} px too wide)`);
      }
    });
  }
}
