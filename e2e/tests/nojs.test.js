// Everything works without JavaScript: the pages are plain HTML forms and links.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, signIn, clickAndWait, navigate } from './helpers.js';

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

test('with JavaScript disabled: sign in, open the districts, switch language, sign out', async (t) => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();

  const res = await signIn(page, server.url, 'manager@accord.example');
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.match(await page.locator('h1').innerText(), /Karen Holm/);

  const districts = await navigate(page, '/districts');
  assert.equal(districts.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/districts');
  const rows = await page.locator('main table tbody tr').allInnerTexts();
  assert.ok(rows.some((r) => r.includes('Jobcenter Slagelse')), `districts listed: ${rows.join(' | ')}`);

  await clickAndWait(page, 'main table tbody a[href^="/districts/"]');
  assert.match(new URL(page.url()).pathname, /^\/districts\/\d+$/);
  assert.equal(await page.locator('h1').count(), 1);

  await clickAndWait(page, 'a.lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'da');

  const out = await clickAndWait(page, 'form[action="/logout"] button[type=submit]');
  assert.equal(out.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/login');
});
