// Shared helpers for Accord's browser tests: start a demo server, launch Debian's Chromium,
// sign in, and run axe.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/** The e2e/ directory. */
export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The password of every demo user. */
export const DEMO_PASSWORD = 'accord-demo-2026';

/** The demo users, one per role, as `accord serve --demo` creates them. */
export const DEMO_USERS = [
  { role: 'admin', email: 'admin@accord.example', name: 'Alex Admin' },
  { role: 'manager', email: 'manager@accord.example', name: 'Karen Holm' },
  { role: 'secretariat', email: 'secretariat@accord.example', name: 'Mette Jensen' },
  { role: 'account_manager', email: 'account.manager@accord.example', name: 'Lars Nielsen' },
  { role: 'adviser', email: 'adviser@accord.example', name: 'Priya Shah' },
  { role: 'partner', email: 'partner@accord.example', name: 'Paul Toomer' },
  { role: 'committee', email: 'committee@accord.example', name: 'Birgitte Madsen' },
];

/** True when the tests run against a server someone else started (`ACCORD_E2E_URL`). */
export const usingExternalServer = () => Boolean(process.env.ACCORD_E2E_URL);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `accord serve --demo` on a free port with a fresh SQLite database in a temp dir, and
 * waits until `/healthz` answers `ok`. With `ACCORD_E2E_URL` set, uses that server instead.
 * `options.env(url)` may give more settings for the server, from the address it will have.
 * Returns `{ url, stop() }`.
 */
export async function startServer(options = {}) {
  if (process.env.ACCORD_E2E_URL) {
    return { url: process.env.ACCORD_E2E_URL.replace(/\/+$/, ''), stop: async () => {} };
  }
  const bin = path.resolve(E2E_DIR, process.env.ACCORD_BIN || '../target/debug/accord');
  if (!fs.existsSync(bin)) {
    throw new Error(`accord binary not found at ${bin} (build it with \`cargo build\`, or set ACCORD_BIN or ACCORD_E2E_URL)`);
  }
  const port = await freePort();
  const tmp = fs.mkdtempSync(os.tmpdir() + '/accord-e2e-');
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve', '--demo'], {
    cwd: tmp,
    env: {
      ...process.env,
      ACCORD_DATABASE_URL: `sqlite://${tmp}/accord.db?mode=rwc`,
      ACCORD_BIND: `127.0.0.1:${port}`,
      RUST_LOG: 'warn',
      ...(options.env ? options.env(url) : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.on('data', (d) => { stdout += d; });
  let exited = null;
  let stopping = false;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (!stopping && ready) {
        // The server died under a test: say why, or every later test just sees
        // "connection refused".
        process.stderr.write(`\n*** accord serve (${url}) exited unexpectedly (code ${code}, signal ${signal})\n` +
          `--- its stderr ---\n${stderr}\n--- its stdout ---\n${stdout}\n`);
      }
      resolve();
    });
  });
  let ready = false;
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  const stop = async () => {
    stopping = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    cleanup();
  };

  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.text()).trim();
      if (res.ok && body === 'ok') {
        ready = true;
        return { url, stop, logs: () => ({ stdout, stderr, exited }) };
      }
      last = `HTTP ${res.status}: ${body}`;
    } catch (e) {
      last = String(e.cause?.code || e.message);
    }
    await sleep(200);
  }
  await stop();
  const why = exited ? `exited (code ${exited.code}, signal ${exited.signal})` : `did not answer ok within 60 s (last: ${last})`;
  throw new Error(`accord serve --demo ${why}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`);
}

/** Debian's Chromium, headless, with nothing reaching out to the network by itself. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** A new browser context with a fixed locale (so the default language is English). */
export function newContext(browser, options = {}) {
  return browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 }, ...options });
}

/**
 * Signs in through the form at `/login` and waits for the page that follows. Returns the
 * response of the page landed on (after redirects).
 */
export async function signIn(page, url, email, password = DEMO_PASSWORD) {
  await page.goto(`${url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('form[action="/login"] button[type=submit]'),
  ]);
  return response;
}

/** Clicks `selector` and waits for the navigation it starts; returns the final response. */
export async function clickAndWait(page, selector) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click(selector),
  ]);
  return response;
}

/**
 * Follows the main menu's link to `href` as a person would: opens the menu on a narrow
 * screen, then the heading the link stands under, then clicks it. Returns the response.
 */
export async function navigate(page, href) {
  const toggle = page.locator('nav.site-nav .nav-toggle');
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const link = `nav.site-nav a[href="${href}"]`;
  const group = page.locator('nav.site-nav details.nav-group', { has: page.locator(`a[href="${href}"]`) });
  if (await group.count() && (await group.getAttribute('open')) === null) await group.locator('summary').click();
  return clickAndWait(page, link);
}

/**
 * Runs axe with the WCAG 2.0/2.1/2.2 A and AA rules; returns the violations. Legacy mode runs
 * axe in the page itself instead of finishing in a new blank page: half the time per page,
 * and the same results, since Accord's pages have no frames.
 */
export async function axeCheck(page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .setLegacyMode(true)
    .analyze();
  return results.violations;
}

/** Violations as readable lines: rule id, impact, help, and each offending node's selector. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const target = n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' ');
          const why = (n.failureSummary || '').split('\n').map((s) => s.trim())
            .filter((s) => s && !/^Fix (any|all) of the following:$/.test(s)).join('; ');
          return `      - ${target}${why ? `  (${why})` : ''}`;
        })
        .join('\n');
      return `    [${v.id}] (${v.impact}) ${v.help}\n${nodes}`;
    })
    .join('\n');
}

/** A path and query of `href` relative to `base`, or null if another origin. */
export function localPath(href, base) {
  const u = new URL(href, base);
  if (u.origin !== new URL(base).origin) return null;
  return u.pathname + u.search;
}

/** Where the browser tests put their screenshots: $ACCORD_SCREENSHOTS, or a temporary folder. */
export const SHOTS = process.env.ACCORD_SCREENSHOTS || path.join(os.tmpdir(), 'accord-screenshots');

/** Fails with the list of violations when axe finds any on the page. */
export async function noViolations(page, what) {
  const v = await axeCheck(page);
  assert.equal(v.length, 0, `${what}: axe violations\n${formatViolations(v)}`);
}

/** A full-page screenshot named `name` in SHOTS. */
export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
