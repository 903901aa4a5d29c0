// Invitations by mail, without JavaScript: staff invite two companies to an event with one
// seat by a mailing, sent through an SMTP server on loopback that this test runs; each company
// registers through the link in the mail it received. The first gets the seat, the second the
// waiting list; the first cancels and the second moves up. The attached calendar file is
// parsed. Screenshots of the registration page at 320 px in English and Danish (in
// $ACCORD_SCREENSHOTS, by default a folder in the system's temp dir).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, newContext, signIn, clickAndWait, usingExternalServer, SHOTS } from './helpers.js';
import { smtpSink, part } from './mail.js';

/** Checks an iCalendar file as RFC 5545 has it; returns the event's properties. */
function parseIcs(text) {
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  assert.ok(!/[^\r]\n|\r[^\n]/.test(text), 'only CRLF line ends');
  const physical = text.slice(0, -2).split('\r\n');
  for (const l of physical) assert.ok(Buffer.byteLength(l) <= 75, `${Buffer.byteLength(l)} octets: ${l}`);
  const lines = [];
  for (const l of physical) {
    if (l.startsWith(' ')) lines[lines.length - 1] += l.slice(1);
    else lines.push(l);
  }
  const open = [];
  const props = {};
  for (const l of lines) {
    if (l.startsWith('BEGIN:')) open.push(l.slice(6));
    else if (l.startsWith('END:')) assert.equal(open.pop(), l.slice(4), `${l} closes what was opened`);
    else if (open.at(-1) === 'VEVENT') {
      const i = l.indexOf(':');
      props[l.slice(0, i)] = l.slice(i + 1);
    }
  }
  assert.equal(open.length, 0, 'every BEGIN has its END');
  assert.equal(lines[0], 'BEGIN:VCALENDAR');
  assert.ok(lines.includes('VERSION:2.0') && lines.some((l) => l.startsWith('PRODID:')));
  for (const p of ['UID', 'DTSTAMP', 'DTSTART', 'SUMMARY']) assert.ok(props[p], `${p} in the VEVENT`);
  return props;
}

let server;
let browser;
let sink;

before(async () => {
  sink = await smtpSink();
  server = await startServer({
    env: (url) => ({ ACCORD_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, ACCORD_PUBLIC_URL: url, ACCORD_MAIL_FROM: 'events@jobcenter.test' }),
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
});

const pad = (n) => String(n).padStart(2, '0');
const utcMinute = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

test('invited by mail, two companies register through their links without JavaScript', { skip: usingExternalServer() && 'the server must send to this test\'s SMTP server' }, async (t) => {
  const staffContext = await newContext(browser, { javaScriptEnabled: false });
  t.after(() => staffContext.close());
  const staff = await staffContext.newPage();
  await signIn(staff, server.url, 'secretariat@accord.example');

  // An API token for the setup: two companies with a consenting contact each, and the event.
  await staff.goto(`${server.url}/account`);
  await staff.fill('#name', 'Invitation test');
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
    { ref: 'E2E-INV-A', name: 'Invitee Alpha ApS', contact: 'Anna Alpha', email: 'anna@alpha.test' },
    { ref: 'E2E-INV-B', name: 'Invitee Beta A/S', contact: 'Bo Beta', email: 'bo@beta.test' },
  ];
  for (const c of companies) {
    await api('POST', '/organisations', { ref: c.ref, name: c.name, district: 'slagelse' });
    await api('POST', '/contacts', { organisation_ref: c.ref, name: c.contact, email: c.email, consent: true });
  }
  const starts = new Date(Date.now() + 14 * 86400_000);
  const ends = new Date(starts.getTime() + 2 * 3600_000);
  const event = await api('POST', '/events', {
    district: 'slagelse', kind: 'dialogue_meeting', title: 'Dialogue meeting: apprentices in the trades',
    starts_at: `${utcMinute(starts)}:00Z`, ends_at: `${utcMinute(ends)}:00Z`, place: 'Jobcenter Slagelse, room 2', capacity: '1',
    agenda: '1. Welcome\n2. Apprentices in the trades\n3. Questions',
  });
  const segment = await api('POST', '/segments', { name: 'Invitees (browser test)', district: 'slagelse', filter: { purpose: 'invitations', q: 'Invitee' } });
  assert.deepEqual(await api('GET', `/segments/${segment.id}/preview`), { contacts: 2, organisations: 2 });

  // From the event page, "Invite by mail" composes a mailing for the event.
  await staff.goto(`${server.url}/events/${event.id}`);
  await clickAndWait(staff, `a[href="/mailings/new?event=${event.id}"]`);
  assert.equal(await staff.locator('#event_id').inputValue(), String(event.id));
  await staff.selectOption('#segment_id', String(segment.id));
  await staff.selectOption('#lang', 'en');
  await staff.fill('#subject', 'Invitation: dialogue meeting for {{company_name}}');
  await staff.fill('#body', 'Dear {{contact_name}},\n\nWe invite {{company_name}} to our dialogue meeting.\n\nRegister here: {{registration_link}}');
  await clickAndWait(staff, 'form[action="/mailings"] button[type=submit]');
  assert.match(new URL(staff.url()).pathname, /^\/mailings\/\d+$/);
  assert.match(await staff.locator('main').innerText(), /\/events\/register\//, 'the preview shows each recipient\'s link');
  await clickAndWait(staff, 'form[action$="/send"] button[type=submit]');

  const deadline = Date.now() + 20_000;
  while (sink.messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(sink.messages.map((m) => m.to[0]).sort(), ['anna@alpha.test', 'bo@beta.test']);
  const links = {};
  for (const m of sink.messages) {
    const text = part(m, 'text/plain');
    const link = text.match(/https?:\/\/\S+\/events\/register\/[^\s"<]+/)[0];
    assert.ok(link.startsWith(server.url), link);
    links[m.to[0]] = link;
    const cal = parseIcs(part(m, 'text/calendar'));
    assert.equal(cal.SUMMARY, 'Dialogue meeting: apprentices in the trades');
    assert.equal(cal.DTSTART, `${utcMinute(starts).replace(/[-:]/g, '')}00Z`);
  }
  assert.notEqual(links['anna@alpha.test'], links['bo@beta.test']);
  assert.equal((await api('GET', `/events/${event.id}`)).invited, 2, 'both companies count as invited');

  // Each company opens the link in its mail, on a phone, without JavaScript.
  const phone = { javaScriptEnabled: false, viewport: { width: 320, height: 640 } };
  const alpha = await (await newContext(browser, phone)).newPage();
  const beta = await (await newContext(browser, phone)).newPage();
  t.after(() => Promise.all([alpha.context().close(), beta.context().close()]));
  fs.mkdirSync(SHOTS, { recursive: true });

  let res = await alpha.goto(links['anna@alpha.test']);
  assert.equal(res.status(), 200);
  assert.match(await alpha.locator('#registration-status').innerText(), /not registered/);
  await alpha.screenshot({ path: path.join(SHOTS, 'invitation-en.png'), fullPage: true });
  await clickAndWait(alpha, 'button[name=action][value=register]');
  assert.match(await alpha.locator('#registration-status').innerText(), /You are registered/);

  res = await beta.goto(`${links['bo@beta.test']}?lang=da`);
  assert.equal(res.status(), 200);
  assert.equal(await beta.getAttribute('html', 'lang'), 'da');
  await clickAndWait(beta, 'button[name=action][value=register]');
  assert.match(await beta.locator('#registration-status').innerText(), /venteliste/);
  await beta.screenshot({ path: path.join(SHOTS, 'invitation-da.png'), fullPage: true });

  // Alpha cancels; Beta has the seat.
  await clickAndWait(alpha, 'button[name=action][value=cancel]');
  assert.match(await alpha.locator('#registration-status').innerText(), /not registered/);
  await beta.reload();
  assert.match(await beta.locator('#registration-status').innerText(), /^I er tilmeldt/);
  const e = await api('GET', `/events/${event.id}`);
  assert.deepEqual([e.invited, e.registered, e.waiting], [2, 1, 0]);
});
