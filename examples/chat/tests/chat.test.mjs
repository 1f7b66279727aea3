// The chat app in a real browser against a real galley: rooms, invitations, messages over
// the WebSocket, presence (online lists), typing indicators, attachments, unread counts,
// history paging, and the rules that keep non-members out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import PocketBase from 'pocketbase';
import { URL, launch, newPage, screenshot, uniqueEmail, axe, control } from '../../lib.mjs';

const PASSWORD = 'correct-horse-1';
const PNG = png(160, 100);

/** A w×h RGB PNG with a colour gradient (an attachment worth looking at). */
function png(w, h) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set([200 - y, 80 + x / 2, 120 + y], 1 + x * 3);
    rows.push(row);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

let browser;
const ann = { name: 'Ann', email: uniqueEmail('ann') };
const bob = { name: 'Bob', email: uniqueEmail('bob') };
const cid = { name: 'Cid', email: uniqueEmail('cid') };
const rooms = {};

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await control('start').catch(() => {});
});

async function signUp(who) {
  const { ctx, page } = await newPage(browser, who.name);
  if (who === ann) await axe(page, 'sign-in');
  who.ctx = ctx;
  who.page = page;
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Your name').fill(who.name);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Rooms' }).waitFor();
  await page.getByText('Connected').waitFor();
  who.pb = new PocketBase(URL);
  who.pb.autoCancellation(false);
  await who.pb.collection('users').authWithPassword(who.email, PASSWORD);
  who.id = who.pb.authStore.record.id;
}

const roomButton = (page, name) => page.getByRole('navigation').getByRole('button', { name: new RegExp(`^${name}`) });
const log = (page) => page.getByRole('log', { name: 'Messages' });
const member = (page, name) => page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: name });

async function openRoom(page, name) {
  await roomButton(page, name).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

async function send(page, text) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await log(page).getByText(text, { exact: true }).waitFor();
}

test('sign up, make a room, invite someone: the room appears for them live', async () => {
  await signUp(ann);
  await signUp(bob);
  await ann.page.getByLabel('New room name').fill('General');
  await ann.page.getByRole('button', { name: 'Create room' }).click();
  await ann.page.getByRole('heading', { name: 'General' }).waitFor();
  rooms.general = new URLSearchParams(new globalThis.URL(ann.page.url()).hash.slice(1)).get('room');
  await member(ann.page, 'Ann (you)').getByText('online', { exact: true }).waitFor();

  // Bad input: an unknown email, then Bob's.
  await ann.page.getByLabel('Invite by email').fill('nobody@example.com');
  await ann.page.getByRole('button', { name: 'Invite' }).click();
  await ann.page.getByRole('alert').filter({ hasText: 'Nobody has signed up as nobody@example.com' }).waitFor();
  await ann.page.getByLabel('Invite by email').fill(bob.email);
  await ann.page.getByRole('button', { name: 'Invite' }).click();
  await member(ann.page, 'Bob').getByText('offline', { exact: true }).waitFor();
  assert.equal(await ann.page.getByRole('alert').isVisible(), false);

  // Bob's room list gets General over the WebSocket, without a reload.
  await roomButton(bob.page, 'General').waitFor();
});

test('messages, presence and typing between two people', async () => {
  await openRoom(bob.page, 'General');
  // presence: each sees the other online
  await member(ann.page, 'Bob').getByText('online', { exact: true }).waitFor();
  await member(bob.page, 'Ann').getByText('online', { exact: true }).waitFor();

  await send(ann.page, 'Hello Bob!');
  await log(bob.page).getByText('Hello Bob!').waitFor();

  // typing indicator: a broadcast, never stored
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi Ann, ');
  await ann.page.getByRole('status').filter({ hasText: 'Bob is typing…' }).waitFor();
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('here is a picture');
  await bob.page.getByLabel('Attach files').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: PNG });
  await bob.page.getByRole('button', { name: 'Send' }).click();
  await log(ann.page).getByText('Hi Ann, here is a picture').waitFor();
  await log(ann.page).getByRole('img', { name: 'sunset.png' }).waitFor();
  // the typing line goes once the message is in
  await ann.page.getByRole('status').filter({ hasText: 'typing' }).waitFor({ state: 'detached' }).catch(() => {});
  await ann.page.waitForFunction(() => document.getElementById('typing').textContent === '');
  const src = await log(ann.page).getByRole('img', { name: 'sunset.png' }).getAttribute('src');
  const img = await fetch(new globalThis.URL(src, URL));
  assert.equal(img.status, 200);
  assert.match(img.headers.get('content-type'), /^image\/png/);

  // an empty message is refused with a message
  await ann.page.getByRole('button', { name: 'Send' }).click();
  await ann.page.getByRole('alert').filter({ hasText: 'Write a message or attach a file.' }).waitFor();
  await send(ann.page, 'Nice one.');
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('Thanks');
  await ann.page.getByRole('status').filter({ hasText: 'Bob is typing…' }).waitFor();
  await screenshot(ann.page, 'readme');
  await axe(ann.page, 'a room');
  await bob.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await log(ann.page).getByText('Thanks', { exact: true }).waitFor();

  // Bob leaves the page: Ann sees him go offline.
  await bob.page.close();
  await member(ann.page, 'Bob').getByText('offline', { exact: true }).waitFor();
  ({ page: bob.page } = await newPage(browser, 'Bob again', `/#room=${rooms.general}`, { ctx: bob.ctx }));
  await member(ann.page, 'Bob').getByText('online', { exact: true }).waitFor();
});

test('unread counts per room, kept by the server', async () => {
  await ann.page.getByLabel('New room name').fill('Random');
  await ann.page.getByRole('button', { name: 'Create room' }).click();
  await ann.page.getByRole('heading', { name: 'Random' }).waitFor();

  await send(bob.page, 'First while you were away');
  await send(bob.page, 'Second while you were away');
  await roomButton(ann.page, 'General 2 unread').waitFor();

  // the count comes from the server too (the last-read marker), not only from the page
  await ann.page.reload();
  await roomButton(ann.page, 'General 2 unread').waitFor();
  await screenshot(ann.page, 'unread');
  await axe(ann.page, 'unread counts');

  await openRoom(ann.page, 'General');
  await roomButton(ann.page, 'General').filter({ hasNotText: 'unread' }).waitFor();
  await log(ann.page).getByText('Second while you were away').waitFor();
  await ann.page.reload();
  await ann.page.getByRole('heading', { name: 'General' }).waitFor();
  await log(ann.page).getByText('Second while you were away').waitFor();
  assert.equal(await roomButton(ann.page, 'General').textContent(), 'General');
});

test('history pages: the newest first, older ones on demand', async () => {
  const room = await ann.pb.collection('rooms').create({ name: 'Archive', owner: ann.id });
  rooms.archive = room.id;
  for (let i = 1; i <= 45; i++) {
    await ann.pb.collection('messages').create({ room: room.id, author: ann.id, text: `Archived message ${i}` });
  }
  await ann.page.goto(`${URL}/#room=${room.id}`);
  await ann.page.reload();
  await ann.page.getByRole('heading', { name: 'Archive' }).waitFor();
  const items = log(ann.page).getByRole('listitem');
  await log(ann.page).getByText('Archived message 45', { exact: true }).waitFor();
  assert.equal(await items.count(), 20);
  assert.equal(await log(ann.page).getByText('Archived message 26', { exact: true }).count(), 1);
  assert.equal(await log(ann.page).getByText('Archived message 25', { exact: true }).count(), 0);

  await ann.page.getByRole('button', { name: 'Load older messages' }).click();
  await log(ann.page).getByText('Archived message 6', { exact: true }).waitFor();
  assert.equal(await items.count(), 40);
  await ann.page.getByRole('button', { name: 'Load older messages' }).click();
  await log(ann.page).getByText('Archived message 1', { exact: true }).waitFor();
  assert.equal(await items.count(), 45);
  await ann.page.getByText('This is the beginning of the conversation.').waitFor();
  assert.equal(await ann.page.getByRole('button', { name: 'Load older messages' }).isVisible(), false);
  const texts = await log(ann.page).locator('.text').allTextContents();
  assert.deepEqual(texts, Array.from({ length: 45 }, (_, i) => `Archived message ${i + 1}`));
});

test('only members read or post in a room', async () => {
  await signUp(cid);
  // Cid has the address of General but is not a member.
  await cid.page.goto(`${URL}/#room=${rooms.general}`);
  await cid.page.reload();
  await cid.page.getByRole('alert').filter({ hasText: 'You are not a member of this room' }).waitFor();
  await cid.page.getByRole('heading', { name: 'Room not available' }).waitFor();
  assert.equal(await log(cid.page).isVisible(), false);
  await screenshot(cid.page, 'not-a-member');
  await axe(cid.page, 'not a member');

  // The API agrees: no messages, no posting, no joining the room's channel.
  assert.equal((await cid.pb.collection('messages').getList(1, 50, { filter: `room = "${rooms.general}"` })).totalItems, 0);
  await assert.rejects(cid.pb.collection('rooms').getOne(rooms.general), (e) => e.status === 404);
  await assert.rejects(cid.pb.collection('messages').create({ room: rooms.general, author: cid.id, text: 'let me in' }), (e) => e.status === 400);
  await assert.rejects(cid.pb.collection('messages').create({ room: rooms.general, author: ann.id, text: 'as Ann' }), (e) => e.status === 400);
  await assert.rejects(cid.pb.send(`/api/chat/rooms/${rooms.general}/members`, { method: 'POST', body: { email: cid.email } }), (e) => e.status === 403 || e.status === 404);
  const joined = await cid.page.evaluate(async ({ room, token }) => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api/realtime/ws?token=${token}`);
    await new Promise((r) => { ws.onopen = r; });
    return new Promise((resolve) => {
      ws.onmessage = (m) => {
        const d = JSON.parse(m.data);
        if (d.id === 'j') { ws.close(); resolve(d); }
      };
      ws.send(JSON.stringify({ type: 'join', id: 'j', channel: `room:${room}`, meta: { room, name: 'Cid' } }));
    });
  }, { room: rooms.general, token: cid.pb.authStore.token });
  assert.equal(joined.type, 'error');
  assert.equal(joined.status, 403);

  // Bob is in General in two tabs; the second one misses the membership events (its
  // WebSocket is filtered), as a tab that was asleep would. Ann removes Bob.
  await bob.page.getByRole('heading', { name: 'General' }).waitFor();
  const { page: stale } = await newPage(browser, 'Bob stale tab', null, { ctx: bob.ctx });
  await stale.routeWebSocket(/\/api\/realtime\/ws/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      const d = JSON.parse(m);
      if (d.type === 'event' && d.topic.startsWith('members')) return;
      if (d.type === 'left') return; // nor the channel's word that it was removed
      ws.send(m);
    });
  });
  await stale.goto(`${URL}/#room=${rooms.general}`);
  await log(stale).getByText('Nice one.').waitFor();
  await stale.getByText('Connected').waitFor();
  // a raw socket of Bob's in the room's channel, to try broadcasting after his removal
  assert.equal(await stale.evaluate(async ({ room, token }) => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api/realtime/ws?token=${token}`);
    await new Promise((r) => { ws.onopen = r; });
    window.probe = { ws, replies: {} };
    ws.onmessage = (m) => { const d = JSON.parse(m.data); if (d.id) window.probe.replies[d.id] = d; };
    ws.send(JSON.stringify({ type: 'join', id: 'j', channel: `room:${room}`, meta: { room, name: 'Bob' } }));
    while (!window.probe.replies.j) await new Promise((r) => setTimeout(r, 20));
    return window.probe.replies.j.type;
  }, { room: rooms.general, token: bob.pb.authStore.token }), 'ok');

  await openRoom(ann.page, 'General');
  ann.page.once('dialog', (d) => d.accept());
  await ann.page.getByRole('button', { name: 'Remove Bob' }).click();
  await member(ann.page, 'Bob').waitFor({ state: 'detached' });
  await bob.page.getByRole('alert').filter({ hasText: 'You are no longer a member of “General”' }).waitFor();
  await roomButton(bob.page, 'General').waitFor({ state: 'detached' });
  // The stale tab still shows the room; posting there is refused with a message.
  await stale.getByRole('textbox', { name: 'Message' }).fill('Am I still here?');
  await stale.getByRole('button', { name: 'Send' }).click();
  await stale.getByRole('alert').filter({ hasText: 'you are not a member of this room, so you cannot post in it' }).waitFor();
  await screenshot(stale, 'post-refused');
  // and the channel refuses his typing broadcasts now
  const sent = await stale.evaluate(async (room) => {
    window.probe.ws.send(JSON.stringify({ type: 'send', id: 's', channel: `room:${room}`, data: { typing: true, room } }));
    while (!window.probe.replies.s) await new Promise((r) => setTimeout(r, 20));
    return window.probe.replies.s;
  }, rooms.general);
  assert.equal(sent.type, 'error');
  assert.equal(sent.status, 403);
  assert.equal(await log(stale).getByText('Am I still here?').count(), 0);
  await assert.rejects(bob.pb.collection('messages').create({ room: rooms.general, author: bob.id, text: 'still here?' }), (e) => e.status === 400);
  assert.equal((await bob.pb.collection('messages').getList(1, 1, { filter: `room = "${rooms.general}"` })).totalItems, 0);
});

// A raw WebSocket in page's browser as the holder of token, kept in window.probe: call(id,
// msg) sends and waits for the reply; frames holds everything else that arrives, in order.
async function openProbe(page, token) {
  await page.evaluate(async (token) => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api/realtime/ws?token=${token}`);
    await new Promise((r) => { ws.onopen = r; });
    const replies = {};
    const frames = [];
    ws.onmessage = (m) => {
      const d = JSON.parse(m.data);
      if (d.id) replies[d.id] = d;
      else frames.push(d);
    };
    let seq = 0;
    const call = async (msg) => {
      const id = `p${++seq}`;
      ws.send(JSON.stringify({ ...msg, id }));
      while (!replies[id]) await new Promise((r) => setTimeout(r, 20));
      return replies[id];
    };
    window.probe = { ws, frames, call };
  }, token);
}
const probeCall = (page, msg) => page.evaluate((msg) => window.probe.call(msg), msg);
const probeFrames = (page) => page.evaluate(() => window.probe.frames);

test('a removed member stops getting the room’s messages and typing at once', async () => {
  const team = await ann.pb.collection('rooms').create({ name: 'Team', owner: ann.id });
  const side = await ann.pb.collection('rooms').create({ name: 'Side', owner: ann.id });
  for (const r of [team, side]) await ann.pb.send(`/api/chat/rooms/${r.id}/members`, { method: 'POST', body: { email: bob.email } });
  const join = (room, name) => ({ type: 'join', channel: `room:${room}`, meta: { room, name } });

  // Bob's tab in Team learns of his removal only from the room's channel: its WebSocket
  // drops the members record events.
  const { page: tab } = await newPage(browser, 'Bob in Team', null, { ctx: bob.ctx });
  await tab.routeWebSocket(/\/api\/realtime\/ws/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      const d = JSON.parse(m);
      if (d.type === 'event' && d.topic.startsWith('members')) return;
      ws.send(m);
    });
  });
  await tab.goto(`${URL}/#room=${team.id}`);
  await tab.getByRole('heading', { name: 'Team', exact: true }).waitFor();
  await tab.getByText('Connected').waitFor();
  await member(tab, 'Bob (you)').getByText('online', { exact: true }).waitFor();
  // Another socket of Bob's, in both rooms' channels and subscribed to messages, records
  // every frame it gets; Ann's socket types in the rooms.
  await openProbe(tab, bob.pb.authStore.token);
  assert.equal((await probeCall(tab, { type: 'subscribe', topics: ['messages/*'] })).type, 'ok');
  for (const r of [team, side]) assert.equal((await probeCall(tab, join(r.id, 'Bob'))).type, 'ok');
  await openProbe(ann.page, ann.pb.authStore.token);
  for (const r of [team, side]) assert.equal((await probeCall(ann.page, join(r.id, 'Ann'))).type, 'ok');
  const typing = (room) => probeCall(ann.page, { type: 'send', channel: `room:${room}`, data: { typing: true, room } });

  // Before: Bob's tab shows Ann online and typing, and her messages.
  await member(tab, 'Ann').getByText('online', { exact: true }).waitFor();
  assert.equal((await typing(team.id)).type, 'ok');
  await tab.getByRole('status').filter({ hasText: 'Ann is typing…' }).waitFor();
  await ann.pb.collection('messages').create({ room: team.id, author: ann.id, text: 'Team news' });
  await log(tab).getByText('Team news', { exact: true }).waitFor();

  // Ann removes Bob from Team.
  await openRoom(ann.page, 'Team');
  ann.page.once('dialog', (d) => d.accept());
  await ann.page.getByRole('button', { name: 'Remove Bob' }).click();
  await member(ann.page, 'Bob').waitFor({ state: 'detached' });
  // Bob's tab is told by the channel, and says so.
  await tab.getByRole('alert').filter({ hasText: 'You are no longer a member of “Team”' }).waitFor();
  await roomButton(tab, 'Team').waitFor({ state: 'detached' });
  await tab.waitForFunction(() => window.probe.frames.some((f) => f.type === 'left'));
  const leftAt = (await probeFrames(tab)).findIndex((f) => f.type === 'left');
  assert.equal((await probeFrames(tab))[leftAt].channel, `room:${team.id}`);

  // After: Ann types and writes in Team, then in Side. Bob's socket gets Side's typing and
  // message — sent later, over the same connection — and nothing of Team's.
  assert.equal((await typing(team.id)).type, 'ok');
  await ann.pb.collection('messages').create({ room: team.id, author: ann.id, text: 'Team after Bob left' });
  assert.equal((await typing(side.id)).type, 'ok');
  await ann.pb.collection('messages').create({ room: side.id, author: ann.id, text: 'Side marker' });
  await tab.waitForFunction((side) => window.probe.frames.some((f) => f.type === 'event' && f.data.record.room === side), side.id);
  const after = (await probeFrames(tab)).slice(leftAt + 1);
  assert.ok(after.some((f) => f.type === 'message' && f.channel === `room:${side.id}` && f.data.typing), 'Side typing reached Bob');
  const leaked = after.filter((f) => f.channel === `room:${team.id}` || f.data?.record?.room === team.id);
  assert.deepEqual(leaked, []);
  assert.equal(await tab.getByRole('status').filter({ hasText: 'typing' }).count(), 0);
  assert.equal(await log(tab).getByText('Team after Bob left').count(), 0);
  // Joining again is refused; so is typing there.
  assert.equal((await probeCall(tab, join(team.id, 'Bob'))).status, 403);
  assert.equal((await probeCall(tab, { type: 'send', channel: `room:${team.id}`, data: { typing: true, room: team.id } })).status, 403);
  await ann.page.evaluate(() => window.probe.ws.close());
  await tab.close();
});

test('the page reconnects by itself after the server restarts', async () => {
  await ann.page.goto(`${URL}/#room=${rooms.archive}`);
  await ann.page.reload();
  await log(ann.page).getByText('Archived message 45', { exact: true }).waitFor();
  await member(ann.page, 'Ann (you)').getByText('online', { exact: true }).waitFor();
  await control('stop');
  await ann.page.getByText('Disconnected — reconnecting…').waitFor();
  await member(ann.page, 'Ann (you)').getByText('offline', { exact: true }).waitFor();
  await control('start');
  // written while Ann's page was disconnected: it catches up once it is back
  await ann.pb.collection('messages').create({ room: rooms.archive, author: ann.id, text: 'Written during the outage' });
  await log(ann.page).getByText('Written during the outage').waitFor();
  await ann.page.getByText('Connected', { exact: true }).waitFor();
  // back in the room's channel, and record events flow again
  await member(ann.page, 'Ann (you)').getByText('online', { exact: true }).waitFor();
  await ann.pb.collection('messages').create({ room: rooms.archive, author: ann.id, text: 'Sent from another device' });
  await log(ann.page).getByText('Sent from another device').waitFor();
});
