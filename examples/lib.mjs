// Shared helpers for the example apps' browser tests (run by examples/run.mjs,
// which sets GALLEY_URL and GALLEY_CONTROL_URL).
//
//   import { URL, launch, newPage, screenshot, control, superuser, uniqueEmail } from '../../lib.mjs';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import PocketBase from 'pocketbase';

const here = dirname(fileURLToPath(import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The running galley's base URL (no trailing slash). */
export const URL = (process.env.GALLEY_URL || 'http://127.0.0.1:8090').replace(/\/+$/, '');

/** The app being tested (run.mjs sets it) and its database kind ('sqlite' | 'postgres'). */
export const APP = process.env.GALLEY_EXAMPLE_APP || '';
export const DB = process.env.GALLEY_EXAMPLE_DB || 'sqlite';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'Secret123!';

/** Generous wait for conditions (tests never assert timings). */
export const WAIT = 20000;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's chromium (GALLEY_E2E_CHROMIUM overrides), or throws. */
export function findChromium() {
  const env = process.env.GALLEY_E2E_CHROMIUM;
  const path = env ? (existsSync(env) ? env : null) : CANDIDATES.find((p) => existsSync(p));
  if (!path) {
    throw new Error("chromium is not installed: apt-get install -y chromium, or set GALLEY_E2E_CHROMIUM");
  }
  return path;
}

/** Launches headless chromium through playwright-core (which never downloads a browser). */
export function launch() {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/**
 * Opens a page in a new context (or the given one) at path (relative to URL). Page errors
 * and console errors are written to stderr with the label. Returns {ctx, page}.
 */
export async function newPage(browser, label, path = '/', { ctx, viewport = { width: 1100, height: 760 } } = {}) {
  ctx = ctx ?? (await browser.newContext({ viewport }));
  const page = await ctx.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (e) => process.stderr.write(`[${label} page error] ${e.message}\n`));
  page.on('console', (m) => {
    if (m.type() === 'error') process.stderr.write(`[${label} console] ${m.text()}\n`);
  });
  if (path !== null) await page.goto(URL + path);
  return { ctx, page };
}

/**
 * Saves a PNG of the page into examples/<app>/screenshots/<name>.png (the folder is
 * gitignored except readme.png, the one an app's README shows). Returns the path.
 */
export async function screenshot(page, name, app = APP) {
  const dir = join(here, app, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Stops, starts or restarts the galley server (same port, --dir and database). */
export async function control(action) {
  const base = process.env.GALLEY_CONTROL_URL;
  if (!base) throw new Error('GALLEY_CONTROL_URL is not set: run the tests through examples/run.mjs');
  const res = await fetch(`${base}/${action}`, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${action}: ${text}`);
}

/** A pocketbase SDK client logged in as the superuser. */
export async function superuser() {
  const pb = new PocketBase(URL);
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  return pb;
}

/** A pocketbase SDK client logged in as the given user of collection (default users). */
export async function userClient(email, password, collection = 'users') {
  const pb = new PocketBase(URL);
  pb.autoCancellation(false);
  await pb.collection(collection).authWithPassword(email, password);
  return pb;
}

let seq = 0;
/** A unique email address for one test run. */
export function uniqueEmail(prefix = 'user') {
  seq++;
  return `${prefix}.${Date.now().toString(36)}${process.pid}${seq}@example.com`;
}

/**
 * Runs axe-core in the page and fails on serious or critical accessibility violations
 * (the minor ones are written to stderr). label names the screen in the messages.
 */
export async function axe(page, label) {
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.filter((v) => !bad.includes(v))) process.stderr.write(`[axe ${label}] ${v.impact}: ${v.id} ${v.nodes.join(', ')}\n`);
  assert.deepEqual(bad, [], `${label}: axe found serious or critical violations`);
}
