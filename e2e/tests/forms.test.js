// Forms: creating a user, the error summary of an empty form, and refusal of pages a role
// may not use.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, signIn, clickAndWait } from './helpers.js';

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

async function signedInPage(t, email) {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const res = await signIn(page, server.url, email);
  assert.equal(new URL(page.url()).pathname, '/', `${email} signed in (HTTP ${res?.status()})`);
  return page;
}

const SUBMIT = 'main form[action="/users"] button[type=submit]';

test('an administrator creates a user and lands on the new user\'s page', async (t) => {
  const page = await signedInPage(t, 'admin@accord.example');
  // From the list, through the "add" link.
  await page.goto(`${server.url}/users`);
  await clickAndWait(page, 'main a[href="/users/new"]');
  assert.equal(new URL(page.url()).pathname, '/users/new');

  const stamp = Date.now().toString(36);
  const email = `new.person.${stamp}@accord.example`;
  const name = `Nora Nyberg ${stamp}`;
  await page.fill('#email', email);
  await page.fill('#name', name);
  await page.check('input[name=roles][value=account_manager]');
  await page.check('input[name=districts][value=slagelse]');
  await page.fill('#password', 'a-long-enough-passphrase-2026');
  const res = await clickAndWait(page, SUBMIT);

  assert.equal(res.status(), 200);
  const m = new URL(page.url()).pathname.match(/^\/users\/(\d+)$/);
  assert.ok(m, `landed on /users/{id}, not ${page.url()}`);
  assert.equal((await page.locator('h1').innerText()).trim(), name);
  const main = await page.locator('main').innerText();
  assert.ok(main.includes(email), 'the page shows the e-mail');
  assert.ok(main.includes('Jobcenter Slagelse'), 'the page shows the district');
  const notice = page.locator('main [role=status]');
  assert.ok(await notice.count() >= 1, 'a confirmation is shown');

  // The new user is listed, and can sign in.
  await page.goto(`${server.url}/users?q=${encodeURIComponent(stamp)}`);
  assert.equal(await page.locator(`main table a[href="/users/${m[1]}"]`).count(), 1, 'the new user is in the list');
  const other = await newContext(browser);
  t.after(() => other.close());
  const p2 = await other.newPage();
  await signIn(p2, server.url, email, 'a-long-enough-passphrase-2026');
  assert.equal(new URL(p2.url()).pathname, '/');
  assert.match(await p2.locator('h1').innerText(), new RegExp(name));
});

test('submitting the new-user form empty lists every error, each linking to its field', async (t) => {
  const page = await signedInPage(t, 'admin@accord.example');
  await page.goto(`${server.url}/users/new`);
  const res = await clickAndWait(page, SUBMIT);
  assert.equal(res.status(), 422);
  assert.equal(new URL(page.url()).pathname, '/users', 'the form is shown again where it was posted');

  const summary = page.locator('.error-summary');
  assert.equal(await summary.count(), 1);
  assert.equal(await summary.getAttribute('role'), 'alert');
  const links = await summary.locator('a').evaluateAll((as) => as.map((a) => ({
    href: a.getAttribute('href'), text: a.textContent.trim(),
  })));
  assert.ok(links.length >= 3, `several errors are listed: ${JSON.stringify(links)}`);
  for (const { href, text } of links) {
    assert.match(href, /^#[A-Za-z][\w-]*$/, `"${text}" links to a field id`);
    const id = href.slice(1);
    assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `"${text}" links to #${id}, which exists once on the page`);
    assert.ok(text.length > 0, `the link to #${id} says what is wrong`);
  }
  const ids = links.map((l) => l.href.slice(1));
  for (const expected of ['email', 'name', 'password']) {
    assert.ok(ids.includes(expected), `an empty ${expected} is reported (got ${ids.join(', ')})`);
  }
  // The fields in error say so.
  for (const id of ['email', 'name', 'password']) {
    assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true', `#${id} is marked invalid`);
  }

  // Following a summary link lands on its field.
  await page.click('.error-summary a[href="#name"]');
  assert.equal(new URL(page.url()).hash, '#name');
});

test('a committee member is refused the user administration (403)', async (t) => {
  const page = await signedInPage(t, 'committee@accord.example');
  const hrefs = await page.$$eval('nav.site-nav a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(!hrefs.includes('/users'), 'no Users link in the navigation');
  assert.ok(!hrefs.includes('/audit'), 'no Audit log link in the navigation');

  for (const p of ['/users', '/users/new']) {
    const res = await page.goto(`${server.url}${p}`);
    assert.equal(res.status(), 403, `${p} answers 403`);
    assert.equal(await page.locator('h1').count(), 1, `${p}: the 403 page has a heading`);
    assert.equal(await page.locator('a.header-user').count(), 1, `${p}: the 403 page still shows who is signed in`);
  }
});
