// The accessibility crawl: every demo role, in English and Danish, signs in and follows the
// links it is shown (breadth first, to depth 2, at most 40 pages), running axe (WCAG 2.0/2.1
// A and AA) on every page. Also checks each page's status, its one <h1> and its <title>,
// scans the signed-out sign-in page and two forms in their error state, and takes the
// screenshots in e2e/screenshots/.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, launch, newContext, signIn, clickAndWait, axeCheck, formatViolations, localPath,
  DEMO_USERS, E2E_DIR,
} from './helpers.js';

const LANGS = ['en', 'da'];
const MAX_DEPTH = 2;
const MAX_PAGES = 40;
const SKIP = [/^\/language\//, /^\/logout(?:[/?]|$)/, /^\/static\//];
const SCREENSHOTS = path.join(E2E_DIR, 'screenshots');

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Checks the page the browser is on: status, language, one h1, a title, axe. Returns a list
 * of problems (strings); empty when all is well.
 */
async function checkPage(page, status, lang) {
  const problems = [];
  if (status >= 500) problems.push(`answered HTTP ${status}`);
  const htmlLang = await page.getAttribute('html', 'lang');
  if (htmlLang !== lang) problems.push(`<html lang="${htmlLang}">, expected "${lang}"`);
  const h1s = await page.locator('h1').count();
  if (h1s !== 1) problems.push(`has ${h1s} <h1> elements, expected exactly 1`);
  const title = (await page.title()).trim();
  if (!title) problems.push('has no <title> (or an empty one)');
  const violations = await axeCheck(page);
  if (violations.length) problems.push(`axe violations:\n${formatViolations(violations)}`);
  return problems;
}

/** Visits `path` and checks it; returns { problems, status, finalPath }. */
async function visitAndCheck(page, pathAndQuery, lang) {
  const res = await page.goto(server.url + pathAndQuery, { waitUntil: 'load' });
  const status = res ? res.status() : 0;
  const finalPath = localPath(page.url(), server.url);
  return { status, finalPath, problems: await checkPage(page, status, lang) };
}

/** Where a crawled link should go, or null when it is not to be followed. */
function normalise(href) {
  const p = localPath(href.split('#')[0] || '/', server.url);
  if (!p || SKIP.some((re) => re.test(p))) return null;
  return p;
}

/** The report of one crawl, as assertion message: each page with its problems. */
function report(title, pages) {
  const bad = pages.filter((p) => p.problems.length);
  const lines = bad.map((p) => `  ${p.path}${p.finalPath && p.finalPath !== p.path ? ` (→ ${p.finalPath})` : ''}` +
    ` [HTTP ${p.status}, depth ${p.depth ?? '-'}${p.from ? `, linked from ${p.from}` : ''}]\n` +
    p.problems.map((x) => `    - ${x.replace(/\n/g, '\n    ')}`).join('\n'));
  return `${title}: ${bad.length} of ${pages.length} pages have problems\n${lines.join('\n')}`;
}

async function crawl(t, user, lang) {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const res = await signIn(page, server.url, user.email);
  assert.equal(new URL(page.url()).pathname, '/', `${user.email} signed in (HTTP ${res?.status()})`);
  await page.goto(`${server.url}/language/${lang}?next=/`);
  assert.equal(await page.getAttribute('html', 'lang'), lang, `the language is now ${lang}`);

  const pages = [];
  const beyond = new Map(); // links found on the deepest pages: path → page it was found on
  const seen = new Set(['/']);
  const queue = [{ path: '/', depth: 0, from: null }];
  while (queue.length && pages.length < MAX_PAGES) {
    const item = queue.shift();
    const { status, finalPath, problems } = await visitAndCheck(page, item.path, lang);
    if (status >= 400 && status < 500) problems.push(`answered HTTP ${status}: a link the user is shown leads nowhere`);
    if (finalPath && finalPath.startsWith('/login')) problems.push('sent to the sign-in page: the session was lost');
    pages.push({ ...item, status, finalPath, problems });
    const hrefs = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) {
      const p = normalise(href);
      if (!p || seen.has(p)) continue;
      if (item.depth >= MAX_DEPTH) {
        if (!beyond.has(p)) beyond.set(p, item.path);
        continue;
      }
      seen.add(p);
      queue.push({ path: p, depth: item.depth + 1, from: item.path });
    }
  }
  for (const p of seen) beyond.delete(p);
  t.diagnostic(`${user.role}/${lang}: crawled ${pages.length} pages (${queue.length} more queued, ` +
    `${beyond.size} beyond depth ${MAX_DEPTH}): ${pages.map((p) => p.path).join(' ')}`);
  return { context, page, pages, beyond };
}

describe('axe crawl', { concurrency: 2 }, () => {
  for (const lang of LANGS) {
    test(`signed out: the sign-in page, and its error state (${lang})`, async (t) => {
      const context = await newContext(browser);
      t.after(() => context.close());
      const page = await context.newPage();
      const pages = [];
      let status = (await page.goto(`${server.url}/language/${lang}?next=/login`)).status();
      assert.equal(new URL(page.url()).pathname, '/login');
      pages.push({ path: '/login', status, problems: await checkPage(page, status, lang) });
      await page.screenshot({ path: path.join(SCREENSHOTS, `login-${lang}.png`), fullPage: true });

      // With an error summary showing (a wrong password; one failed try for this address).
      await page.fill('#email', 'nobody@accord.example');
      await page.fill('#password', 'wrong');
      status = (await clickAndWait(page, 'form[action="/login"] button[type=submit]')).status();
      pages.push({ path: '/login (wrong password)', status, problems: await checkPage(page, status, lang) });
      assert.equal(status, 422);
      assert.equal(pages.flatMap((p) => p.problems).length, 0, report(`signed out (${lang})`, pages));
    });

    for (const user of DEMO_USERS) {
      test(`${user.role} (${lang})`, { timeout: 240_000 }, async (t) => {
        const { page, pages, beyond } = await crawl(t, user, lang);
        if (user.role === 'admin') {
          // The edit forms and the filtered audit log lie beyond depth 2: check one of each.
          for (const re of [/^\/users\/\d+\/edit$/, /^\/districts\/\d+\/edit$/, /^\/audit\?/]) {
            const found = [...beyond.keys()].find((p) => re.test(p));
            if (!found) continue;
            const r = await visitAndCheck(page, found, lang);
            if (r.status >= 400) r.problems.push(`answered HTTP ${r.status}: a link the user is shown leads nowhere`);
            pages.push({ path: found, depth: MAX_DEPTH + 1, from: beyond.get(found), ...r });
            t.diagnostic(`also checked ${found} (linked from ${beyond.get(found)})`);
          }
          await page.goto(`${server.url}/`);
          await page.screenshot({ path: path.join(SCREENSHOTS, `home-${lang}.png`), fullPage: true });
          // A form with its error summary showing.
          await page.goto(`${server.url}/users/new`);
          const status = (await clickAndWait(page, 'main form[action="/users"] button[type=submit]')).status();
          pages.push({ path: '/users/new (submitted empty)', status, problems: await checkPage(page, status, lang) });
        }
        assert.ok(pages.length >= 3, `the crawl found pages to visit: ${pages.map((p) => p.path).join(', ')}`);
        assert.equal(pages.flatMap((p) => p.problems).length, 0, report(`${user.role} (${lang})`, pages));
      });
    }
  }
});
