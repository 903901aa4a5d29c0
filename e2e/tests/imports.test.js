// Imports from Danish Excel, in English and in Danish: the import pages have their place in
// the menu and titles of their own; a CSV file headed in Danish, with Danish words for its
// codes, is read; a date that does not exist is named as such with the accepted forms; the
// problems and rows are counted in the right number. Each page is checked with axe and
// photographed, at a desktop's width and a phone's.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, newContext, signIn, navigate, clickAndWait, noViolations, shot,
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
    group: 'Administration', history: 'Import history', upload: 'Import a file',
    oneProblem: 'The file has 1 problem', twoProblems: 'The file has 2 problems',
    noSuchDay: 'The date 31-02-2022 does not exist. Dates are written YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY.',
    words: 'ongoing (i gang), hired (ansat), ended (afsluttet), cancelled (afbrudt)',
    column: 'start_date (startdato)',
    summary: '1 row: 1 new, 0 changed, 0 unchanged.',
  },
  da: {
    group: 'Administration', history: 'Importhistorik', upload: 'Importer en fil',
    oneProblem: 'Filen har 1 problem', twoProblems: 'Filen har 2 problemer',
    noSuchDay: 'Datoen 31-02-2022 findes ikke. Datoer skrives ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ.',
    words: 'i gang (ongoing), ansat (hired), afsluttet (ended), afbrudt (cancelled)',
    column: 'startdato (start_date)',
    summary: '1 række: 1 ny, 0 ændrede, 0 uændrede.',
  },
};

/** The reference of one of the account manager's employers. */
async function anEmployerRef(page) {
  await page.goto(`${server.url}/organisations?kind=employer&status=active`);
  await clickAndWait(page, 'main table tbody tr:first-child td:first-child a');
  return (await page.locator('main dl.summary-list .summary-row').first().locator('dd').innerText()).trim();
}

/** Chooses the file and checks it, and waits for the answer: its problems, or that it is fine. */
async function check(page, name, text) {
  await page.selectOption('#kind', 'activities');
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  // The page's script sends the file and puts the answer in place of the whole document.
  const before = await page.$('html');
  await page.click('main form button[name=action][value=check]');
  await page.waitForFunction((html) => !html.isConnected, before);
  await page.waitForSelector('main .error-summary h2, main .notice-success');
}

for (const lang of ['en', 'da']) {
  test(`a Danish spreadsheet, found from the menu (${lang})`, { timeout: 120_000 }, async (t) => {
    const words = TEXT[lang];
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, server.url, 'account.manager@accord.example');
    const ref = await anEmployerRef(page);
    await page.goto(`${server.url}/language/${lang}?next=/`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);

    // The imports have their own place in the menu, under Administration.
    await navigate(page, '/imports');
    assert.equal(new URL(page.url()).pathname, '/imports');
    assert.equal((await page.locator('main h1').innerText()).trim(), words.history);
    assert.match(await page.title(), new RegExp(`^${words.history} `));
    assert.match(await page.locator('summary.nav-current').innerText(), new RegExp(words.group));
    assert.equal(await page.getAttribute('nav.site-nav a[aria-current="page"]', 'href'), '/imports');
    await noViolations(page, `the import history (${lang})`);

    // The upload page has its own title and stands under the same menu entry.
    await clickAndWait(page, 'main a[href="/organisations/import?kind=activities"]');
    assert.equal((await page.locator('main h1').innerText()).trim(), words.upload);
    assert.match(await page.title(), new RegExp(`^${words.upload} `));
    assert.equal(await page.getAttribute('nav.site-nav a[aria-current="page"]', 'href'), '/imports');
    assert.match(await page.locator('main').innerText(), new RegExp(words.words.replace(/[()]/g, '\\$&')),
      'the help lists the words of the outcome column');
    await shot(page, `imports-upload-${lang}`);

    // Danish headers and words; one date that does not exist: one problem, named as such.
    const header = 'Kilde-id;Aktivitetstype;Organisation;Startdato;Resultat\n';
    await check(page, 'aktiviteter.csv', `${header}DA-${lang}-1;Løntilskud;${ref};31-02-2022;Ansat\n`);
    assert.equal((await page.locator('main .error-summary h2').innerText()).trim(), words.oneProblem);
    const problems = page.locator('main table tbody');
    assert.match(await problems.innerText(), new RegExp(words.noSuchDay.replace(/[.()]/g, '\\$&')));
    assert.match(await problems.innerText(), new RegExp(words.column.replace(/[()]/g, '\\$&')));
    await noViolations(page, `an impossible date (${lang})`);

    // Two problems: the date, and a word the outcome column does not take (its words listed).
    await check(page, 'aktiviteter.csv', `${header}DA-${lang}-1;Løntilskud;${ref};31-02-2022;Ansat\nDA-${lang}-2;Løntilskud;${ref};2022-02-01;vundet\n`);
    assert.equal((await page.locator('main .error-summary h2').innerText()).trim(), words.twoProblems);
    assert.match(await problems.innerText(), new RegExp(words.words.replace(/[()]/g, '\\$&')));
    await shot(page, `imports-problems-${lang}`);
    await page.setViewportSize({ width: 320, height: 640 });
    await shot(page, `imports-problems-320-${lang}`);
    await noViolations(page, `two problems on a phone (${lang})`);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Corrected, the Danish file is read whole: one row, counted in the singular.
    await check(page, 'aktiviteter.csv', `${header}DA-${lang}-1;Løntilskud;${ref};28-02-2022;Ansat\n`);
    assert.match(await page.locator('main .notice-success').innerText(), new RegExp(words.summary));
    await noViolations(page, `a Danish file checked (${lang})`);
  });
}
