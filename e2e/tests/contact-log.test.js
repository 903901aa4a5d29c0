// Logging a contact, the account manager's most frequent task: a refused save shows the form
// open with focus on its error summary and a title that starts with "Error:", the message
// says what to do, and the same contact saved twice in a row is asked about first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, signIn, clickAndWait, noViolations, shot,
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
  en: { error: 'Error:', enter: 'Enter a summary of the contact.', repeat: /You logged the same contact a few minutes ago/, again: 'Log it again', saved: 'The contact has been logged.' },
  da: { error: 'Fejl:', enter: 'Skriv et resumé af kontakten.', repeat: /Du registrerede den samme kontakt for få minutter siden/, again: 'Registrer den igen', saved: 'Kontakten er registreret.' },
};

/** An employer the account manager may log contacts with: the first on their list. */
async function firstEmployer(page) {
  await page.goto(`${server.url}/organisations`);
  const href = await page.getAttribute('main table tbody a[href^="/organisations/"]', 'href');
  return href;
}

/** How many times the log lists a contact with this summary. */
const logged = (page, summary) => page.locator('#log-table tbody tr', { hasText: summary }).count();

for (const lang of ['en', 'da']) {
  const T = TEXT[lang];
  test(`a refused contact is shown where the form is, and a repeat is asked about (${lang})`, async (t) => {
    const context = await newContext(browser, { viewport: { width: 1100, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'account.manager@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);
    const org = await firstEmployer(page);
    await page.goto(server.url + org);

    const summary = `Phoned about the spring intake (${lang}, ${Date.now()})`;
    // Saved without a summary: refused, the form open, focus on its error summary.
    await page.locator('details#log-form summary').click();
    let res = await clickAndWait(page, 'details#log-form form button[type=submit]');
    assert.equal(res.status(), 422);
    assert.ok((await page.title()).startsWith(`${T.error} `), `the title says so: ${await page.title()}`);
    assert.equal(await page.locator('details#log-form').getAttribute('open'), '');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true,
      'focus is on the error summary');
    const top = await page.locator('details#log-form .error-summary').evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(top >= 0 && top < 800, `the error summary is on the screen: ${top}`);
    assert.match(await page.locator('details#log-form .error-summary').innerText(), new RegExp(T.enter.replace('.', '\\.')));
    await shot(page, `contact-log-refused-${lang}`);
    await noViolations(page, `the refused contact (${lang})`);

    // Saved with a summary: logged.
    await page.fill('#summary', summary);
    res = await clickAndWait(page, 'details#log-form form button[type=submit]');
    assert.equal(res.status(), 200);
    assert.match(await page.locator('.notice-success').innerText(), new RegExp(T.saved));
    assert.equal(await logged(page, summary), 1);

    // The same contact again: asked about, nothing saved.
    await page.locator('details#log-form summary').click();
    await page.fill('#summary', summary);
    res = await clickAndWait(page, 'details#log-form form button[type=submit]');
    assert.equal(res.status(), 422);
    assert.match(await page.locator('details#log-form .error-summary').innerText(), T.repeat);
    assert.equal(await page.inputValue('#summary'), summary, 'nothing typed is lost');
    assert.equal(await logged(page, summary), 1, 'the repeat is not saved before it is confirmed');
    await shot(page, `contact-log-repeat-${lang}`);
    await noViolations(page, `the repeated contact (${lang})`);

    // Confirmed: logged a second time.
    await page.check('#confirm_repeat');
    assert.equal(await page.locator('label[for=confirm_repeat]').innerText(), T.again);
    res = await clickAndWait(page, 'details#log-form form button[type=submit]');
    assert.equal(res.status(), 200);
    assert.equal(await logged(page, summary), 2);
  });
}

test('without JavaScript a refused contact lands at its form', async (t) => {
  const context = await newContext(browser, { javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'account.manager@accord.example');
  const org = await firstEmployer(page);
  await page.goto(server.url + org);
  await page.locator('details#log-form summary').click();
  const res = await clickAndWait(page, 'details#log-form form button[type=submit]');
  assert.equal(res.status(), 422);
  assert.equal(new URL(page.url()).hash, '#log-form', 'the page opens at the form');
  const top = await page.locator('details#log-form').evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(top >= -2 && top < 640, `the form is on the screen: ${top}`);
});
