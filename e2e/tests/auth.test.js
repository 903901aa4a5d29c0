// Signing in and out, the sign-in form's errors, the language switch, the sign-in rate limit
// and keyboard use of the sign-in page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, signIn, clickAndWait, navigate, usingExternalServer, DEMO_PASSWORD,
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

/** A fresh context and page; closed by the caller through `t.after`. */
async function freshPage(t, options) {
  const context = await newContext(browser, options);
  t.after(() => context.close());
  return context.newPage();
}

const path = (page) => new URL(page.url()).pathname;
const htmlLang = (page) => page.getAttribute('html', 'lang');
const h1 = (page) => page.locator('h1').innerText();

test('an administrator signs in and lands on the home page', async (t) => {
  const page = await freshPage(t);
  const res = await signIn(page, server.url, 'admin@accord.example');
  assert.equal(res.status(), 200);
  assert.equal(path(page), '/');
  assert.match(await h1(page), /Alex Admin/);

  const user = page.locator('a.header-user');
  assert.equal(await user.getAttribute('href'), '/account');
  assert.match(await user.innerText(), /Alex Admin/);
  assert.equal(await page.locator('form[action="/logout"] button[type=submit]').count(), 1);

  const nav = await page.$$eval('nav.site-nav a', (as) => as.map((a) => ({
    href: a.getAttribute('href'), current: a.getAttribute('aria-current'),
  })));
  // Home first; an administrator also has Users and the Audit log (other sections may sit
  // between them).
  const hrefs = nav.map((n) => n.href);
  assert.equal(hrefs[0], '/', `Home comes first: ${hrefs.join(' ')}`);
  const expected = ['/', '/districts', '/users', '/audit'];
  assert.deepEqual(hrefs.filter((h) => expected.includes(h)), expected, `navigation: ${hrefs.join(' ')}`);
  assert.deepEqual(nav.filter((n) => n.current === 'page').map((n) => n.href), ['/'],
    'only Home is the current page on /');

  // The current-page marker follows the page.
  await navigate(page, '/districts');
  assert.equal(path(page), '/districts');
  assert.equal(await page.getAttribute('nav.site-nav a[aria-current="page"]', 'href'), '/districts');
});

test('a wrong password shows the error summary and keeps the e-mail (422)', async (t) => {
  const page = await freshPage(t);
  await page.goto(`${server.url}/login`);
  await page.fill('#email', 'manager@accord.example');
  await page.fill('#password', 'not-the-password');
  const res = await clickAndWait(page, 'form[action="/login"] button[type=submit]');
  assert.equal(res.status(), 422);
  assert.equal(path(page), '/login');

  const summary = page.locator('.error-summary');
  assert.equal(await summary.count(), 1, 'one error summary');
  assert.equal(await summary.getAttribute('role'), 'alert');
  assert.ok(await summary.isVisible(), 'the error summary is visible');
  const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length >= 1, 'the summary links to the field in error');
  for (const href of links) assert.equal(href, '#email');

  assert.equal(await page.inputValue('#email'), 'manager@accord.example', 'the e-mail typed stays');
  assert.equal(await page.inputValue('#password'), '', 'the password is not sent back');
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');

  // A second try from the re-rendered form works (its CSRF token is still good).
  await page.fill('#password', DEMO_PASSWORD);
  const ok = await clickAndWait(page, 'form[action="/login"] button[type=submit]');
  assert.equal(ok.status(), 200);
  assert.equal(path(page), '/');
  assert.match(await h1(page), /Karen Holm/);
});

test('the language switch on the sign-in page goes to Danish and back', async (t) => {
  const page = await freshPage(t);
  await page.goto(`${server.url}/login`);
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await h1(page), 'Sign in to Accord');

  const toDa = page.locator('a.lang-switch');
  assert.match(await toDa.getAttribute('href'), /^\/language\/da\?next=/);
  await clickAndWait(page, 'a.lang-switch');
  assert.equal(path(page), '/login', 'the switch returns to the same page');
  assert.equal(await htmlLang(page), 'da');
  assert.equal(await h1(page), 'Log ind i Accord');

  assert.match(await page.getAttribute('a.lang-switch', 'href'), /^\/language\/en\?next=/);
  await clickAndWait(page, 'a.lang-switch');
  assert.equal(path(page), '/login');
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await h1(page), 'Sign in to Accord');
});

test('the language sticks across sign-in, and the sign-out button is translated', async (t) => {
  const page = await freshPage(t);
  await page.goto(`${server.url}/language/da?next=/login`);
  assert.equal(await htmlLang(page), 'da');
  await signIn(page, server.url, 'secretariat@accord.example');
  assert.equal(path(page), '/');
  assert.equal(await htmlLang(page), 'da');
  const signOut = page.locator('form[action="/logout"] button[type=submit]');
  assert.equal((await signOut.innerText()).trim(), 'Log ud');

  // Switching on a signed-in page keeps the page.
  await navigate(page, '/districts');
  await clickAndWait(page, 'a.lang-switch');
  assert.equal(path(page), '/districts');
  assert.equal(await htmlLang(page), 'en');
  assert.equal((await signOut.innerText()).trim(), 'Sign out');
});

test('signing out returns to the sign-in page and ends the session', async (t) => {
  const page = await freshPage(t);
  await signIn(page, server.url, 'adviser@accord.example');
  assert.equal(path(page), '/');
  const res = await clickAndWait(page, 'form[action="/logout"] button[type=submit]');
  assert.equal(res.status(), 200);
  assert.equal(path(page), '/login');
  assert.equal(await page.locator('a.header-user').count(), 0, 'no user in the header');

  const home = await page.goto(`${server.url}/`);
  assert.equal(home.status(), 200);
  assert.equal(path(page), '/login', 'a signed-out visit to / goes to the sign-in page');
  assert.equal(await h1(page), 'Sign in to Accord');

  // Every other page is closed too.
  const districts = await page.goto(`${server.url}/districts`);
  assert.equal(path(page), '/login');
  assert.equal(districts.status(), 200);
});

test('keyboard: the first Tab on the sign-in page focuses the skip link, which moves focus to the main content', async (t) => {
  const page = await freshPage(t);
  await page.goto(`${server.url}/login`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return el && { cls: el.className, tag: el.tagName, href: el.getAttribute('href') };
  });
  assert.ok(focused, 'something has focus');
  assert.equal(focused.tag, 'A');
  assert.match(focused.cls, /\bskip-link\b/, `the first Tab focused ${JSON.stringify(focused)}`);
  assert.ok(await page.locator('a.skip-link').isVisible(), 'the skip link is visible when focused');
  const box = await page.locator('a.skip-link').boundingBox();
  assert.ok(box && box.width > 1 && box.height > 1 && box.y >= 0, `the focused skip link is on screen: ${JSON.stringify(box)}`);

  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'focus moves to <main>');

  // From there, Tab reaches the e-mail field before the password field and the button.
  const order = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const el = document.activeElement;
      return el.id || (el.tagName === 'BUTTON' ? `button:${el.closest('form')?.getAttribute('action')}` : el.tagName);
    });
    order.push(id);
    if (id === 'button:/login') break;
  }
  const iEmail = order.indexOf('email');
  const iPassword = order.indexOf('password');
  const iSubmit = order.indexOf('button:/login');
  assert.ok(iEmail >= 0 && iEmail < iPassword && iPassword < iSubmit, `tab order after the skip link: ${order.join(', ')}`);
});

test('the eleventh wrong password for one account is refused with 429', async (t) => {
  if (usingExternalServer()) {
    t.skip('needs a fresh server of its own (the limit also counts per address)');
    return;
  }
  // Failures are counted per account and per address, so this test has a server of its own:
  // otherwise every later sign-in from 127.0.0.1 would be refused too.
  const own = await startServer();
  t.after(() => own.stop());
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${own.url}/login`);

  const statuses = [];
  for (let i = 1; i <= 11; i++) {
    await page.fill('#email', 'partner@accord.example');
    await page.fill('#password', `wrong-${i}`);
    const res = await clickAndWait(page, 'form[action="/login"] button[type=submit]');
    statuses.push(res.status());
  }
  assert.deepEqual(statuses, [...Array(10).fill(422), 429]);
  assert.equal(path(page), '/login');
  const summary = page.locator('.error-summary');
  assert.ok(await summary.count() >= 1, 'the refusal is explained in an error summary');
  assert.ok(await summary.first().isVisible());
  assert.equal(await summary.first().getAttribute('role'), 'alert');

  // While limited, even the right password is refused.
  await page.fill('#email', 'partner@accord.example');
  await page.fill('#password', DEMO_PASSWORD);
  const res = await clickAndWait(page, 'form[action="/login"] button[type=submit]');
  assert.equal(res.status(), 429);
  assert.equal(path(page), '/login');
});
