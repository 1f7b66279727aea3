// Helpers of the dashboard's browser tests (tests/dashboard_*.test.mjs):
// a superuser of the test's own, headless chromium, axe-core, screenshots
// at two widths, and a few waits. Controls are found by role and name.
// DASH_DEBUG=1 prints every 401 the page gets (session handling).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, superuser } from '../tests/lib.mjs';
import { findChromium, launch, MISSING_CHROMIUM } from './browser.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = process.env.GALLEY_E2E_SCREENSHOTS || join(tmpdir(), 'galley-screens');
export const DB = process.env.GALLEY_E2E_DB ? 'postgres' : 'sqlite';
const WIDTHS = [1280, 375];

const chromiumPath = findChromium();
if (!chromiumPath && process.env.CI) {
  throw new Error(`${MISSING_CHROMIUM} (CI=true: the browser test may not be skipped)`);
}
/** skip is the reason to skip the browser tests (no chromium), or false. */
export const skip = chromiumPath ? false : MISSING_CHROMIUM;

/** state: the test file's superuser client (pb), browser, own superuser's email and password, collections made. */
export const state = { pb: null, browser: null, email: '', password: '', made: [] };

/**
 * setUp makes a superuser of the file's own (so that ending its session
 * disturbs no other file) and launches chromium; tearDown undoes it and
 * drops the collections listed in state.made.
 */
export async function setUp(tag) {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  state.pb = await superuser();
  state.email = `dash_${tag}_${Date.now().toString(36)}@example.com`;
  state.password = 'Dashboard-pass-1';
  await state.pb.collection('_superusers').create({ email: state.email, password: state.password, passwordConfirm: state.password });
  state.browser = await launch(chromiumPath);
}

export async function tearDown() {
  await state.browser?.close();
  const pb = state.pb;
  if (!pb) return;
  for (const id of state.made.reverse()) await pb.collections.delete(id).catch(() => {});
  const su = await pb.collection('_superusers').getFirstListItem(pb.filter('email = {:e}', { e: state.email })).catch(() => null);
  if (su) await pb.collection('_superusers').delete(su.id).catch(() => {});
}

/** newPage opens a page in a fresh context; it records CSP violations and page errors. */
export async function newPage(width = 1280) {
  const ctx = await state.browser.newContext({ viewport: { width, height: 800 } });
  const page = await ctx.newPage();
  page.problems = [];
  if (process.env.DASH_DEBUG) page.on('response', (r) => r.status() === 401 && process.stderr.write(`[401] ${r.request().method()} ${r.url()} ${(r.request().headers().authorization || '').slice(-12)}\n`));
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(`CSP: ${m.text()}`);
  });
  return { ctx, page };
}

/** axe runs axe-core in the page and fails on serious or critical violations. */
export async function axe(page, screen) {
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.filter((v) => !bad.includes(v))) process.stderr.write(`[axe ${screen}] ${v.impact}: ${v.id} ${v.nodes.join(', ')}\n`);
  assert.deepEqual(bad, [], `${screen}: axe found serious or critical violations`);
}

/** shoot writes the screen at both widths (the page is resized and restored). */
export async function shoot(page, name) {
  const vp = page.viewportSize();
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w, height: 800 });
    await page.waitForTimeout(50);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) {
      const wide = await page.evaluate(() => {
        const cw = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > cw + 1)
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || '').slice(0, 40)}"`);
      });
      assert.fail(`${name} at ${w}px scrolls sideways by ${overflow}px: ${wide.join('; ')}`);
    }
    await page.screenshot({ path: join(SHOTS, `${DB}-${name}-${w}.png`) });
  }
  await page.setViewportSize(vp);
}

/**
 * measureTTI makes the page record when its first button appears (ms since
 * the navigation started): the app is then rendered and takes input.
 */
export async function measureTTI(page) {
  await page.addInitScript(() => {
    const obs = new MutationObserver(() => {
      if (document.querySelector('#app button')) {
        window.__galleyTTI = performance.now();
        obs.disconnect();
      }
    });
    obs.observe(document, { childList: true, subtree: true });
  });
}

/** logIn fills the log-in form and waits for the collections. */
export async function logIn(page, email = state.email) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(state.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Collections', exact: true, level: 1 }).waitFor();
}

export const main = (page) => page.getByRole('main');

/** saved waits until the editor has nothing left to save, or fails with the error it shows. */
export async function saved(page) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (await main(page).getByRole('button', { name: 'Save changes' }).isDisabled()) return;
    await page.waitForTimeout(50);
  }
  const errors = await main(page).locator('.form-error, .field-error').allTextContents();
  assert.fail(`not saved within 15 s: ${errors.join(' | ')}`);
}
export const field = (page, n) => main(page).getByRole('group', { name: new RegExp(`^Field ${n}:`) });

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}
