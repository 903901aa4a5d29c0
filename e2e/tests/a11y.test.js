// The accessibility crawl: every demo role, in English and Danish, signs in and follows the
// links it is shown (breadth first, to depth 2, at most 40 pages, and at most 2 pages of one
// kind, such as /organisations/{id}), running axe (WCAG 2.0/2.1/2.2 A and AA) on every page and checking that no page is
// wider than a 320 px screen (WCAG's Reflow). Also checks each page's status, its one <h1> and its <title>,
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
const MAX_PER_SHAPE = 2; // pages of one kind (same path but for ids and query values)
const MAX_EXTRA = 10; // admin only: pages beyond depth 2, one of each kind
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
  // A printable agreement is in the agreement's own language, whatever the reader's.
  const ownLanguage = /\/agreements\/\d+\/print$|^\/reports\/committee$|^\/plans\/\d+\/progress$|^\/progress-reports\/\d+$|^\/cases\/\d+\/plan$/.test(new URL(page.url()).pathname);
  if (ownLanguage ? !LANGS.includes(htmlLang) : htmlLang !== lang) {
    problems.push(`<html lang="${htmlLang}">, expected "${ownLanguage ? LANGS.join('" or "') : lang}"`);
  }
  const h1s = await page.locator('h1').count();
  if (h1s !== 1) problems.push(`has ${h1s} <h1> elements, expected exactly 1`);
  const title = (await page.title()).trim();
  if (!title) problems.push('has no <title> (or an empty one)');
  const violations = await axeCheck(page);
  if (violations.length) problems.push(`axe violations:\n${formatViolations(violations)}`);
  // Reflow (WCAG 2.1, 1.4.10), which axe does not check: at 320 CSS pixels nothing makes the
  // page wider than the screen.
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 320, height: viewport.height });
  const wide = await page.evaluate(() => {
    const width = document.documentElement.scrollWidth;
    if (width <= 320) return null;
    const culprit = [...document.querySelectorAll('main *, header *')]
      .filter((e) => e.getBoundingClientRect().right > 320 + 1 && !e.parentElement?.closest('.table-scroll'))
      .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)[0];
    const name = culprit ? culprit.tagName.toLowerCase() + (culprit.className ? `.${String(culprit.className).split(' ').join('.')}` : '') : '?';
    return { width, name };
  });
  await page.setViewportSize(viewport);
  if (wide) problems.push(`is ${wide.width} px wide at 320 px (widest: ${wide.name})`);
  return problems;
}

/**
 * Visits `path` and checks it; returns { problems, status, finalPath, kind }. A link that
 * answers with a file (an export) is fetched instead, and only its status is checked.
 */
async function visitAndCheck(page, pathAndQuery, lang) {
  let res;
  try {
    res = await page.goto(server.url + pathAndQuery, { waitUntil: 'load' });
  } catch (e) {
    if (!/Download is starting/i.test(e.message)) throw e;
    return fetchOnly(page, pathAndQuery, 'download');
  }
  const status = res ? res.status() : 0;
  const finalPath = localPath(page.url(), server.url);
  const type = res ? (await res.headerValue('content-type')) || '' : '';
  if (res && !/text\/html/i.test(type)) {
    return { status, finalPath, kind: type, problems: status >= 500 ? [`answered HTTP ${status}`] : [] };
  }
  return { status, finalPath, kind: 'html', problems: await checkPage(page, status, lang) };
}

/** Fetches a link that is not a page (with the page's cookies); checks the status only. */
async function fetchOnly(page, pathAndQuery, kind) {
  const res = await page.context().request.get(server.url + pathAndQuery, { maxRedirects: 5 });
  const status = res.status();
  await res.dispose();
  return { status, finalPath: pathAndQuery, kind, problems: status >= 500 ? [`answered HTTP ${status}`] : [] };
}

/** Where a crawled link should go, or null when it is not to be followed. */
function normalise(href) {
  const p = localPath(href.split('#')[0] || '/', server.url);
  if (!p || SKIP.some((re) => re.test(p))) return null;
  return p;
}

/**
 * The kind of page a path is: ids and query values left out, so that `/users/3` and
 * `/users/8` (or `?page=2` and `?page=3`) are one kind.
 */
function shapeOf(p) {
  return p.replace(/\d+/g, '{id}').replace(/=[^&]*/g, '=');
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
  const seen = new Set(['/']);
  const shapes = new Map([[shapeOf('/'), 1]]); // shape → pages queued of that shape
  const beyond = new Map(); // one link per new shape found on the deepest pages → where found
  let sameShape = 0;
  const queue = [{ path: '/', depth: 0, from: null }];
  while (queue.length && pages.length < MAX_PAGES) {
    const item = queue.shift();
    const { status, finalPath, problems, kind } = await visitAndCheck(page, item.path, lang);
    if (status >= 400 && status < 500) problems.push(`answered HTTP ${status}: a link the user is shown leads nowhere`);
    if (finalPath && finalPath.startsWith('/login')) problems.push('sent to the sign-in page: the session was lost');
    pages.push({ ...item, status, finalPath, problems, kind });
    if (kind !== 'html') continue;
    const hrefs = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) {
      const p = normalise(href);
      if (!p || seen.has(p)) continue;
      seen.add(p);
      const shape = shapeOf(p);
      const n = shapes.get(shape) || 0;
      if (item.depth >= MAX_DEPTH) {
        if (n === 0 && ![...beyond.keys()].some((b) => shapeOf(b) === shape)) beyond.set(p, item.path);
        continue;
      }
      if (n >= MAX_PER_SHAPE) {
        sameShape++;
        continue;
      }
      shapes.set(shape, n + 1);
      queue.push({ path: p, depth: item.depth + 1, from: item.path });
    }
  }
  t.diagnostic(`${user.role}/${lang}: crawled ${pages.length} pages (${queue.length} more queued, ` +
    `${sameShape} skipped as more of a kind already visited, ${beyond.size} new kinds beyond depth ${MAX_DEPTH}): ` +
    pages.map((p) => (p.kind === 'html' ? p.path : `${p.path} (${p.kind})`)).join(' '));
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
          // Edit forms and the like lie beyond depth 2: check one link of each kind not
          // yet visited, up to MAX_EXTRA.
          for (const found of [...beyond.keys()].slice(0, MAX_EXTRA)) {
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
