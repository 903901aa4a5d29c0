// Naming an organisation by a part of its name. With JavaScript the field suggests matches
// while one types (a combobox: arrow keys and Enter pick one, the number found is announced);
// without it the form answers that several match and offers them as radio buttons, and a
// name that matches nothing is named in the message. In English and Danish, at 320 px too;
// each step is photographed, and checked with axe where JavaScript runs (axe needs it).

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

/** `YYYY-MM-DD`, `days` from today. */
function day(days) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function lookup(page, q) {
  const res = await page.request.get(`${server.url}/organisations/lookup?q=${encodeURIComponent(q)}`);
  assert.equal(res.status(), 200);
  return res.json();
}

/**
 * From the signed-in user's directory: a word that several organisations' names share, and a
 * part of one name that only that organisation has, with the organisation.
 */
async function fragments(page) {
  await page.goto(`${server.url}/organisations?kind=employer&status=active`);
  const first = (await page.locator('main table tbody tr:first-child td:first-child a').innerText()).trim();
  const word = first.split(' ')[0];
  const several = await lookup(page, word);
  assert.ok(several.length > 1, `"${word}" matches several: ${JSON.stringify(several)}`);
  for (const o of several) {
    const part = o.name.slice(1).toLowerCase();
    const found = await lookup(page, part);
    if (found.length === 1) return { word, part, one: o };
  }
  throw new Error(`no name among ${JSON.stringify(several)} is found alone`);
}

/** Fills the rest of the activity form and submits it; returns the response. */
async function submitActivity(page) {
  await page.selectOption('#type', 'work_placement');
  await page.fill('#start_date', day(-3));
  return clickAndWait(page, 'main form[action="/activities"] button[type=submit]');
}

for (const lang of ['en', 'da']) {
  const words = lang === 'en'
    ? { found: /^\d+ organisations? found$/, several: /organisations match/, none: 'No organisation in this district has a name, CVR number or reference matching "zzqxv".', recorded: /recorded/, choose: 'Choose the organisation you mean' }
    : { found: /^\d+ organisation(er)? fundet$/, several: /organisationer matcher/, none: 'Ingen organisation i området har et navn, CVR-nummer eller en reference, der matcher "zzqxv".', recorded: /registreret/, choose: 'Vælg den organisation, du mener' };

  test(`with JavaScript a part of a name is picked from the suggestions (${lang})`, { timeout: 120_000 }, async (t) => {
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'account.manager@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);
    const { word, part, one } = await fragments(page);

    await page.goto(`${server.url}/activities/new`);
    const field = page.locator('#organisation_ref');
    assert.equal(await field.getAttribute('role'), 'combobox');
    await field.pressSequentially(part, { delay: 20 });
    const options = page.locator('#organisation_ref-suggestions [role=option]');
    await options.first().waitFor();
    assert.equal(await field.getAttribute('aria-expanded'), 'true');
    assert.equal(await options.count(), 1);
    assert.match(await options.first().innerText(), new RegExp(one.ref));
    const status = page.locator('.org-picker [role=status]');
    assert.match(await status.innerText(), words.found, 'the number found is announced');
    await shot(page, `org-picker-suggestions-${lang}`);
    await noViolations(page, `the suggestions (${lang})`);

    // The keyboard picks it: its reference goes into the field.
    await field.press('ArrowDown');
    assert.equal(await field.getAttribute('aria-activedescendant'), 'organisation_ref-suggestion-0');
    await field.press('Enter');
    assert.equal(await field.inputValue(), one.ref);
    assert.equal(await field.getAttribute('aria-expanded'), 'false');
    assert.match(await page.locator('.org-picked').innerText(), new RegExp(one.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    const res = await submitActivity(page);
    assert.equal(res.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/activities\/\d+$/);
    assert.match(await page.locator('main').innerText(), new RegExp(one.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));

    // A name that matches nothing says what was searched.
    await page.goto(`${server.url}/activities/new`);
    await page.fill('#organisation_ref', 'zzqxv');
    await page.locator('.org-picker [role=status]').filter({ hasText: /\S/ }).waitFor();
    assert.equal(await page.locator('#organisation_ref-suggestions').isVisible(), false);
    const bad = await submitActivity(page);
    assert.equal(bad.status(), 422);
    assert.equal((await page.locator('#organisation_ref-error').innerText()).replace(/^\S+:\s*/, '').trim(), words.none);
    await noViolations(page, `the form with no match (${lang})`);

    // Saved without picking, a word several names share offers them (axe runs only with
    // JavaScript, so the choice is checked here).
    await page.fill('#organisation_ref', word);
    assert.equal((await submitActivity(page)).status(), 422);
    assert.equal((await page.locator('fieldset.org-choices legend').innerText()).trim(), words.choose);
    await noViolations(page, `the choice of organisations (${lang})`);
  });

  test(`without JavaScript several matches are offered to choose from (${lang})`, { timeout: 120_000 }, async (t) => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'account.manager@accord.example');
    await page.goto(`${server.url}/language/${lang}?next=/`);
    const { word, one } = await fragments(page);

    await page.goto(`${server.url}/activities/new`);
    await page.fill('#organisation_ref', word.toLowerCase());
    const res = await submitActivity(page);
    assert.equal(res.status(), 422);
    assert.match(await page.locator('#organisation_ref-error').innerText(), words.several);
    const choices = page.locator('fieldset.org-choices');
    assert.equal((await choices.locator('legend').innerText()).trim(), words.choose);
    assert.ok(await choices.locator('input[type=radio]').count() > 2, 'the matches and "none of these"');
    await shot(page, `org-picker-choices-${lang}`);

    await page.check(`fieldset.org-choices input[value="${one.ref}"]`);
    const ok = await submitActivity(page);
    assert.equal(ok.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/activities\/\d+$/);
    assert.match(await page.locator('main').innerText(), new RegExp(one.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  });
}

test('at 320 px the suggestions and the choice fit the screen', { timeout: 120_000 }, async (t) => {
  const context = await newContext(browser, { viewport: { width: 320, height: 640 } });
  t.after(() => context.close());
  const page = await context.newPage();
  await signIn(page, server.url, 'account.manager@accord.example');
  const { word } = await fragments(page);
  const fits = async (what) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `${what}: nothing wider than the screen (${width} px)`);
  };
  await page.goto(`${server.url}/activities/new`);
  await page.locator('#organisation_ref').pressSequentially(word, { delay: 20 });
  await page.locator('#organisation_ref-suggestions [role=option]').first().waitFor();
  await shot(page, 'org-picker-suggestions-320');
  await noViolations(page, 'the suggestions at 320 px');
  await fits('the suggestions');
  assert.equal((await submitActivity(page)).status(), 422);
  await shot(page, 'org-picker-choices-320');
  await noViolations(page, 'the choice at 320 px');
  await fits('the choice');
});
