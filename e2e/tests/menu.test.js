// The main menu: a few headings, each opening a list of pages, on a desktop and on a phone,
// with and without JavaScript, with the keyboard, in English and Danish.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, signIn, navigate, noViolations, shot,
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

/** The height of the header with its menu, in CSS pixels. */
const headerHeight = (page) => page.locator('header.site-header').evaluate((h) => h.getBoundingClientRect().height);

for (const lang of ['en', 'da']) {
  test(`desktop: the menu fits on one row and opens by heading (${lang})`, async (t) => {
    const context = await newContext(browser, { viewport: { width: 1100, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'admin@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);

    // Every heading on one row: the tops of the menu's entries are all the same.
    const tops = await page.$$eval('.nav-groups > li', (lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
    assert.ok(tops.length >= 5 && tops.length <= 7, `a handful of headings: ${tops.length}`);
    assert.equal(new Set(tops).size, 1, `the menu is one row at 1100 px: ${tops.join(' ')}`);
    assert.equal(await page.locator('.nav-toggle').isVisible(), false, 'no menu button on a wide screen');

    // A list opens under its heading, and only one at a time.
    await page.locator('details.nav-group summary', { hasText: lang === 'en' ? 'Administration' : 'Administration' }).click();
    assert.equal(await page.locator('nav.site-nav a[href="/users"]').isVisible(), true);
    await page.locator('details.nav-group', { has: page.locator('a[href="/agreements"]') }).locator('summary').click();
    assert.equal(await page.locator('nav.site-nav a[href="/users"]').isVisible(), false, 'the other list closed');
    assert.equal(await page.locator('nav.site-nav a[href="/agreements"]').isVisible(), true);
    await shot(page, `menu-desktop-open-${lang}`);
    await noViolations(page, `the menu open (${lang})`);

    // Escape closes it and leaves focus on its heading; a click elsewhere closes it too.
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('nav.site-nav a[href="/agreements"]').isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('nav.site-nav a[href="/agreements"]').isVisible(), true, 'Enter opens it again');
    await page.locator('main h1').click();
    assert.equal(await page.locator('nav.site-nav a[href="/agreements"]').isVisible(), false);

    // On a page of a heading's list, the heading says so.
    assert.equal(await page.locator('details.nav-group', { has: page.locator('a[href="/reports/committee"]') }).locator('summary').innerText(),
      lang === 'en' ? 'Reports' : 'Rapporter', 'the committee report has its place in the menu');
    await navigate(page, '/targets');
    const current = page.locator('summary.nav-current');
    assert.equal(await current.count(), 1);
    assert.match(await current.innerText(), lang === 'en' ? /Reports/ : /Rapporter/);
    assert.equal(await page.getAttribute('nav.site-nav a[aria-current="page"]', 'href'), '/targets');
  });

  test(`phone: the menu folds behind a button (${lang})`, async (t) => {
    const context = await newContext(browser, { viewport: { width: 320, height: 640 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'admin@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);

    const toggle = page.locator('.nav-toggle');
    assert.equal(await toggle.isVisible(), true, 'a menu button on a phone');
    assert.equal(await toggle.innerText(), 'Menu');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('.nav-groups').isVisible(), false, 'the menu is folded');
    const folded = await headerHeight(page);
    assert.ok(folded < 640 / 3, `the header takes less than a third of the first screen: ${folded} px`);
    await shot(page, `menu-phone-folded-${lang}`);

    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('.nav-groups').isVisible(), true);
    await navigate(page, '/plans');
    assert.equal(new URL(page.url()).pathname, '/plans');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `no page wider than the screen: ${width} px`);
    await toggle.click();
    await page.locator('details.nav-group', { has: page.locator('a[href="/plans"]') }).locator('summary').click();
    await shot(page, `menu-phone-open-${lang}`);
    await noViolations(page, `the menu on a phone (${lang})`);
  });

  test(`phone without JavaScript: every heading shown, each list opens (${lang})`, async (t) => {
    const context = await newContext(browser, { viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'admin@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);
    assert.equal(await page.locator('.nav-toggle').isVisible(), false, 'no button that needs a script');
    assert.equal(await page.locator('.nav-groups').isVisible(), true);
    const height = await headerHeight(page);
    assert.ok(height < 640 * 0.75, `the headings leave room for the page: ${height} px`);
    await navigate(page, '/surveys');
    assert.equal(new URL(page.url()).pathname, '/surveys');
  });
}
