// A real browser against Galley's WebSocket realtime: headless Chromium
// (Debian's, driven by playwright-core) opens e2e/browser/realtime.html
// twice, as two users. Each page connects to /api/realtime/ws, subscribes to
// a collection and joins a presence channel; the test asserts on the DOM
// that each page shows the other's presence, that a broadcast typed in one
// page appears in the other, and that a record created over REST arrives in
// both. Without chromium the test fails under CI=true and skips elsewhere.
import { test, before, after } from 'node:test';
import { assert, URL, superuser, uniqueName, autodates, dropCollections } from './lib.mjs';
import { createAuthCollection, uniqueEmail, signUp, login } from './users.mjs';
import { findChromium, launch, serveStatic, MISSING_CHROMIUM } from '../browser/browser.mjs';

const chromiumPath = findChromium();
if (!chromiumPath && process.env.CI) {
  throw new Error(`${MISSING_CHROMIUM} (CI=true: the browser test may not be skipped)`);
}

let pb;
let site;
let browser;
let savedChannels;
const C = {};
const room = uniqueName('room');
const users = {};

before(async () => {
  if (!chromiumPath) return;
  pb = await superuser();
  C.users = await createAuthCollection(pb, 'br_users', { listRule: '', viewRule: '' });
  C.notes = await pb.collections.create({
    name: uniqueName('br_notes'),
    type: 'base',
    fields: [{ name: 'title', type: 'text' }, ...autodates()],
    listRule: '@request.auth.id != ""',
    viewRule: '@request.auth.id != ""',
  });
  for (const name of ['Ann', 'Bob']) {
    const email = uniqueEmail(`br${name.toLowerCase()}`);
    const rec = await signUp(C.users.name, email, undefined, {});
    const client = await login(C.users.name, email);
    users[name] = { id: rec.id, token: client.authStore.token };
  }
  // Channel rules live in the settings; ours goes first (first match wins)
  // and the previous list comes back in after().
  savedChannels = (await pb.settings.getAll()).realtime?.channels ?? [];
  await pb.settings.update({
    realtime: {
      channels: [
        { pattern: room, joinRule: '@request.auth.id != ""', sendRule: '@request.auth.id != "" && @request.body.data.text != ""' },
        ...savedChannels,
      ],
    },
  });
  site = await serveStatic();
  browser = await launch(chromiumPath);
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (pb) {
    await pb.settings.update({ realtime: { channels: savedChannels ?? [] } }).catch(() => {});
    await dropCollections(pb, C.notes?.id, C.users?.id);
  }
});

/** Opens the realtime page as user name in its own browser context. */
async function openPage(name) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[${name} page error] ${e.message}\n`));
  const q = new URLSearchParams({ api: URL, token: users[name].token, channel: room, name, collection: C.notes.name });
  await page.goto(`${site.url}/realtime.html?${q}`);
  await page.locator('#status', { hasText: /^(ready|failed|closed.*)$/ }).waitFor();
  assert.equal(await page.textContent('#status'), 'ready', `${name}'s page: ${await page.textContent('#errors')}`);
  return { page, ctx };
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));

test('two browsers: presence, broadcast and a record event over WebSocket', { skip: chromiumPath ? false : MISSING_CHROMIUM }, async () => {
  const ann = await openPage('Ann');
  const bob = await openPage('Bob');

  // Presence: Bob saw Ann in the member list of his join; Ann saw Bob's join event.
  await ann.page.locator('#members li', { hasText: 'Bob' }).waitFor();
  await bob.page.locator('#members li', { hasText: 'Ann' }).waitFor();
  assert.deepEqual((await texts(ann.page, '#members li')).sort(), ['Ann', 'Bob']);
  assert.deepEqual((await texts(bob.page, '#members li')).sort(), ['Ann', 'Bob']);
  const bobAsSeenByAnn = await ann.page.getAttribute('#members li:has-text("Bob")', 'data-user-id');
  assert.equal(bobAsSeenByAnn, users.Bob.id, 'presence carries the auth record id');
  const annClientID = await ann.page.textContent('#client-id');
  assert.equal(await bob.page.getAttribute('#members li:has-text("Ann")', 'data-client-id'), annClientID);

  // Broadcast: Ann types, Bob's page shows it; then Bob answers.
  await ann.page.fill('#text', 'hello from Ann');
  await ann.page.click('#send');
  await bob.page.locator('#messages li', { hasText: 'Ann: hello from Ann' }).waitFor();
  await bob.page.fill('#text', 'hi Ann');
  await bob.page.click('#send');
  await ann.page.locator('#messages li', { hasText: 'Bob: hi Ann' }).waitFor();
  // One dispatcher keeps the order: had Ann received her own message, it
  // would be listed before Bob's answer.
  assert.deepEqual(await texts(ann.page, '#messages li'), ['Bob: hi Ann']);
  assert.deepEqual(await texts(bob.page, '#messages li'), ['Ann: hello from Ann']);

  // The send rule refuses an empty text; the page shows the 400.
  await bob.page.fill('#text', '');
  await bob.page.click('#send');
  await bob.page.locator('#errors li', { hasText: /^4\d\d / }).waitFor();

  // A record created over REST reaches both subscribed pages.
  const rec = await pb.collection(C.notes.name).create({ title: 'made over REST' });
  for (const p of [ann.page, bob.page]) {
    await p.locator(`#records li[data-id="${rec.id}"]`).waitFor();
    assert.deepEqual(await texts(p, '#records li'), ['create made over REST']);
  }

  // Closing Bob's page leaves the channel: Ann's list drops him.
  await bob.ctx.close();
  await ann.page.locator('#members li', { hasText: 'Bob' }).waitFor({ state: 'detached' });
  assert.deepEqual(await texts(ann.page, '#members li'), ['Ann']);
  await ann.ctx.close();
});
