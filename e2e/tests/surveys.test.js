// The satisfaction survey by mail, without JavaScript: staff send a survey to a segment of two
// companies through an SMTP server on loopback that this test runs, after seeing the recipient
// list; each company answers through the link in its mail on a 320 px screen, one in English
// (saving, continuing, and corrected beside the question it left out) and one switched to
// Danish. The answer page passes axe. Screenshots in English and Danish at 320 px (in
// $ACCORD_SCREENSHOTS, by default a folder in the system's temp dir).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, newContext, signIn, clickAndWait, usingExternalServer, noViolations, SHOTS } from './helpers.js';
import { smtpSink, part } from './mail.js';

let server;
let browser;
let sink;

before(async () => {
  sink = await smtpSink();
  server = await startServer({
    env: (url) => ({ ACCORD_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, ACCORD_PUBLIC_URL: url, ACCORD_MAIL_FROM: 'surveys@jobcenter.test' }),
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
});

test('sent by mail, two companies answer the survey through their links without JavaScript', { skip: usingExternalServer() && 'the server must send to this test\'s SMTP server' }, async (t) => {
  const staffContext = await newContext(browser, { javaScriptEnabled: false });
  t.after(() => staffContext.close());
  const staff = await staffContext.newPage();
  await signIn(staff, server.url, 'secretariat@accord.example');
  await staff.goto(`${server.url}/account`);
  await staff.fill('#name', 'Survey test');
  await clickAndWait(staff, 'form[action="/account/tokens"] button[type=submit]');
  const token = (await staff.locator('code.token').innerText()).trim();
  const api = async (method, p, body) => {
    const res = await fetch(`${server.url}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const json = await res.json();
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const companies = [
    { ref: 'E2E-SUR-A', name: 'Surveyee Alpha ApS', contact: 'Asta Alpha', email: 'asta@alpha.test' },
    { ref: 'E2E-SUR-B', name: 'Surveyee Beta A/S', contact: 'Bent Beta', email: 'bent@beta.test' },
  ];
  for (const c of companies) {
    await api('POST', '/organisations', { ref: c.ref, name: c.name, district: 'slagelse' });
    await api('POST', '/contacts', { organisation_ref: c.ref, name: c.contact, email: c.email, consent: true });
  }
  const segment = await api('POST', '/segments', { name: 'Surveyees (browser test)', district: 'slagelse', filter: { purpose: 'surveys', q: 'Surveyee' } });
  const closes = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
  const survey = await api('POST', '/surveys', { district: 'slagelse', year: 2026, name: 'Company satisfaction 2026', closes_on: closes });
  const text = (en, da) => ({ en, da });
  await api('POST', `/surveys/${survey.id}/questions`, { kind: 'scale', required: true, satisfaction: true, text: text('How satisfied are you with the cooperation?', 'Hvor tilfredse er I med samarbejdet?') });
  await api('POST', `/surveys/${survey.id}/questions`, { kind: 'yes_no', required: true, text: text('Did you hire through us?', 'Har I ansat gennem os?') });
  const last = await api('POST', `/surveys/${survey.id}/questions`, { kind: 'text', text: text('What could we do better?', 'Hvad kunne vi gøre bedre?') });
  const [scale, yesNo, free] = last.questions.map((q) => `q${q.id}`);

  // The survey's page: the recipients first, then the sending.
  await staff.goto(`${server.url}/surveys/${survey.id}`);
  await staff.selectOption('#segment_id', String(segment.id));
  await staff.selectOption('#lang', 'en');
  await clickAndWait(staff, `form[action="/surveys/${survey.id}/send"] button[type=submit]`);
  const recipients = await staff.locator('#recipients').innerText();
  assert.match(recipients, /Surveyee Alpha ApS/);
  assert.match(recipients, /Surveyee Beta A\/S/);
  await clickAndWait(staff, `form[method=post][action="/surveys/${survey.id}/send"] button[type=submit]`);
  assert.equal(new URL(staff.url()).pathname, `/surveys/${survey.id}`);

  const deadline = Date.now() + 20_000;
  while (sink.messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(sink.messages.map((m) => m.to[0]).sort(), ['asta@alpha.test', 'bent@beta.test']);
  const links = {};
  for (const m of sink.messages) {
    const link = part(m, 'text/plain').match(/https?:\/\/\S+\/surveys\/answer\/[^\s"<]+/)[0];
    assert.ok(link.startsWith(server.url), link);
    links[m.to[0]] = link;
  }

  const phone = { javaScriptEnabled: false, viewport: { width: 320, height: 640 } };
  const alpha = await (await newContext(browser, phone)).newPage();
  const beta = await (await newContext(browser, phone)).newPage();
  t.after(() => Promise.all([alpha.context().close(), beta.context().close()]));
  fs.mkdirSync(SHOTS, { recursive: true });

  // axe runs inside the page, so it needs JavaScript: the same link at 320 px with it on,
  // as it opens and as it comes back with the required questions unanswered.
  const checker = await (await newContext(browser, { viewport: { width: 320, height: 640 } })).newPage();
  t.after(() => checker.context().close());
  await checker.goto(links['asta@alpha.test']);
  await noViolations(checker, 'the answer page');
  await clickAndWait(checker, 'button[name=action][value=submit]');
  assert.match(await checker.locator(`#${yesNo}-error`).innerText(), /Answer this question/);
  await noViolations(checker, 'the answer page with an error');

  // Alpha: part now, saved; the rest later, corrected beside the question it left out.
  let res = await alpha.goto(links['asta@alpha.test']);
  assert.equal(res.status(), 200);
  assert.equal(await alpha.getAttribute('html', 'lang'), 'en');
  const width = await alpha.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 320, `no sideways scrolling at 320 px (${width})`);
  await alpha.check(`#${scale}-5`);
  await alpha.fill(`#${free}`, 'More apprentices, please.');
  await clickAndWait(alpha, 'button[name=action][value=save]');
  assert.match(await alpha.locator('#survey-status').innerText(), /saved/);
  await alpha.goto(links['asta@alpha.test']);
  assert.ok(await alpha.isChecked(`#${scale}-5`), 'the saved answer is there when the link is opened again');
  assert.equal(await alpha.inputValue(`#${free}`), 'More apprentices, please.');
  await clickAndWait(alpha, 'button[name=action][value=submit]');
  assert.match(await alpha.locator(`#${yesNo}-error`).innerText(), /Answer this question/);
  assert.ok(await alpha.isChecked(`#${scale}-5`), 'nothing lost');
  await alpha.screenshot({ path: path.join(SHOTS, 'survey-en.png'), fullPage: true });
  await alpha.check(`#${yesNo}-yes`);
  await clickAndWait(alpha, 'button[name=action][value=submit]');
  assert.match(await alpha.locator('#survey-status').innerText(), /Thank you/);
  res = await alpha.goto(links['asta@alpha.test']);
  assert.equal(res.status(), 410, 'a link answers once');
  assert.match(await alpha.locator('#survey-status').innerText(), /already been used/);

  // Beta switches to Danish and answers.
  await beta.goto(links['bent@beta.test']);
  await clickAndWait(beta, 'a[hreflang=da]');
  assert.equal(await beta.getAttribute('html', 'lang'), 'da');
  assert.match(await beta.locator('main').innerText(), /Hvor tilfredse er I med samarbejdet\?/);
  await beta.check(`#${scale}-3`);
  await beta.check(`#${yesNo}-no`);
  await beta.screenshot({ path: path.join(SHOTS, 'survey-da.png'), fullPage: true });
  await clickAndWait(beta, 'button[name=action][value=submit]');
  assert.match(await beta.locator('#survey-status').innerText(), /Tak for jeres svar/);

  const r = await api('GET', `/surveys/${survey.id}/results`);
  assert.deepEqual([r.invited, r.answered, r.response_rate], [2, 2, 100]);
  assert.equal(r.satisfaction_share, '<5', 'two answers are too few to show');
});

// Answers collected by another survey tool, uploaded on the survey's import page without
// JavaScript on a 320 px screen: a file with a bad line is refused naming its line and column
// with nothing written; the corrected file is imported and counts in the results; the page in
// Danish too, and through axe with JavaScript on.
test('answers from another tool are imported on the survey\'s page without JavaScript', { skip: usingExternalServer() && 'the server must send to this test\'s SMTP server' }, async (t) => {
  const phone = { javaScriptEnabled: false, viewport: { width: 320, height: 640 } };
  const staffContext = await newContext(browser, phone);
  t.after(() => staffContext.close());
  const staff = await staffContext.newPage();
  await signIn(staff, server.url, 'secretariat@accord.example');
  await staff.goto(`${server.url}/account`);
  await staff.fill('#name', 'Survey import test');
  await clickAndWait(staff, 'form[action="/account/tokens"] button[type=submit]');
  const token = (await staff.locator('code.token').innerText()).trim();
  const api = async (method, p, body) => {
    const res = await fetch(`${server.url}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const json = await res.json();
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await api('POST', '/organisations', { ref: 'E2E-IMP-A', name: 'Importee Alpha ApS', district: 'slagelse' });
  await api('POST', '/contacts', { organisation_ref: 'E2E-IMP-A', name: 'Ida Import', email: 'ida@importee.test', consent: true });
  const segment = await api('POST', '/segments', { name: 'Importees (browser test)', district: 'slagelse', filter: { purpose: 'surveys', q: 'Importee' } });
  const closes = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
  const survey = await api('POST', '/surveys', { district: 'slagelse', year: 2026, name: 'Imported satisfaction 2026', closes_on: closes });
  const text = (en, da) => ({ en, da });
  await api('POST', `/surveys/${survey.id}/questions`, { kind: 'scale', required: true, satisfaction: true, text: text('How satisfied are you?', 'Hvor tilfredse er I?') });
  await api('POST', `/surveys/${survey.id}/questions`, { kind: 'single', text: text('How often do we meet?', 'Hvor tit mødes vi?'), options: [text('Monthly', 'Månedligt'), text('Yearly', 'Årligt')] });
  const sent = await api('POST', `/surveys/${survey.id}/send`, { segment_id: segment.id, lang: 'en' });
  assert.equal(sent.queued, 1);

  await staff.goto(`${server.url}/surveys/${survey.id}`);
  await clickAndWait(staff, `a[href="/surveys/${survey.id}/import"]`);
  assert.match(await staff.locator('main').innerText(), /response_id, company, q1, q2/);
  const upload = async (csv, action) => {
    await staff.setInputFiles('#file', { name: 'answers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await clickAndWait(staff, `button[name=action][value=${action}]`);
  };
  await upload('response_id,company,q1,q2\nX-1,E2E-IMP-A,9,Weekly\n', 'import');
  const problems = await staff.locator('table').innerText();
  assert.match(problems, /2\s+q1\s+"9" is not a point of the scale/);
  assert.match(problems, /2\s+q2\s+"Weekly" is not one of the options/);
  await staff.screenshot({ path: path.join(SHOTS, 'survey-import-en.png'), fullPage: true });
  const width = await staff.evaluate(() => document.documentElement.scrollWidth);
  const wide = await staff.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > 320).slice(0, 5).map((e) => `${e.tagName}.${e.className}`).join(' '));
  assert.ok(width <= 320, `no sideways scrolling at 320 px (${width}): ${wide}`);
  let r = await api('GET', `/surveys/${survey.id}/results`);
  assert.equal(r.answered, 0, 'nothing written');

  await upload('response_id,company,q1,q2\nX-1,E2E-IMP-A,5,Årligt\n', 'check');
  assert.match(await staff.locator('[role=status]').innerText(), /1 answers added/);
  assert.equal((await api('GET', `/surveys/${survey.id}/results`)).answered, 0, 'a check writes nothing');
  await upload('response_id,company,q1,q2\nX-1,E2E-IMP-A,5,Årligt\n', 'import');
  assert.match(await staff.locator('[role=status]').innerText(), /1 answers added/);
  r = await api('GET', `/surveys/${survey.id}/results`);
  assert.deepEqual([r.invited, r.answered, r.response_rate], [1, 1, 100]);
  assert.equal(r.questions[1].answered, '<5');

  // In Danish: the same file again adds nothing.
  await staff.goto(`${server.url}/language/da`);
  await staff.goto(`${server.url}/surveys/${survey.id}/import`);
  assert.equal(await staff.getAttribute('html', 'lang'), 'da');
  await upload('response_id,company,q1,q2\nX-1,E2E-IMP-A,5,Årligt\n', 'import');
  assert.match(await staff.locator('[role=status]').innerText(), /0 svar tilføjet, 1 importeret før/);
  const daWidth = await staff.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(daWidth <= 320, `no sideways scrolling at 320 px in Danish (${daWidth})`);
  await staff.screenshot({ path: path.join(SHOTS, 'survey-import-da.png'), fullPage: true });

  const checker = await (await newContext(browser, { viewport: { width: 320, height: 640 } })).newPage();
  t.after(() => checker.context().close());
  await signIn(checker, server.url, 'secretariat@accord.example');
  await checker.goto(`${server.url}/surveys/${survey.id}/import`);
  await noViolations(checker, 'the import page');
  await checker.setInputFiles('#file', { name: 'answers.csv', mimeType: 'text/csv', buffer: Buffer.from('response_id,company,q1,q2\nX-2,NOPE,,\n') });
  await clickAndWait(checker, 'button[name=action][value=check]');
  assert.match(await checker.locator('table').innerText(), /company/);
  await noViolations(checker, 'the import page with problems');
});
