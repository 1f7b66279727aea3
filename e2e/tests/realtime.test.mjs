// Realtime through the SDK: pb.collection(x).subscribe / unsubscribe over
// SSE (Node has no EventSource: the `eventsource` package stands in, as the
// SDK README suggests). Events carry the record shaped as REST shows it to
// that subscriber; user B never receives user A's private record.
import { test, before, after } from 'node:test';
import { EventSource } from 'eventsource';
import { assert, guest, superuser, uniqueName, autodates, dropCollections } from './lib.mjs';
import { createAuthCollection, uniqueEmail, signUp, login } from './users.mjs';

globalThis.EventSource = EventSource;

let pb;
const C = {};
let A;
let B;
let clientA;
let clientB;

/** A queue of events for one subscription; next() waits for the next one. */
function inbox() {
  const items = [];
  const waiters = [];
  return {
    push(e) {
      const w = waiters.shift();
      if (w) w(e);
      else items.push(e);
    },
    next(ms = 10000) {
      if (items.length) return Promise.resolve(items.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no realtime event within ${ms} ms`)), ms);
        waiters.push((e) => { clearTimeout(t); resolve(e); });
      });
    },
  };
}

before(async () => {
  pb = await superuser();
  C.users = await createAuthCollection(pb, 'rt_users', { listRule: '', viewRule: '', fields: [{ name: 'name', type: 'text' }] });
  C.notes = await pb.collections.create({
    name: uniqueName('rt_notes'),
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'public', type: 'bool' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'owner', type: 'relation', collectionId: C.users.id, maxSelect: 1 },
      ...autodates(),
    ],
    listRule: 'public = true || owner = @request.auth.id',
    viewRule: 'public = true || owner = @request.auth.id',
    createRule: '@request.auth.id != ""',
    updateRule: 'owner = @request.auth.id',
    deleteRule: 'owner = @request.auth.id',
  });
  const ea = uniqueEmail('rta');
  const eb = uniqueEmail('rtb');
  A = await signUp(C.users.name, ea, undefined, { name: 'Ann' });
  B = await signUp(C.users.name, eb, undefined, { name: 'Bob' });
  clientA = await login(C.users.name, ea);
  clientB = await login(C.users.name, eb);
});

after(async () => {
  for (const c of [clientA, clientB, pb]) c?.realtime.unsubscribe();
  await dropCollections(pb, C.notes?.id, C.users?.id);
});

test('subscribe("*") delivers create, update and delete shaped like the REST record', async () => {
  const a = inbox();
  const unsub = await clientA.collection(C.notes.name).subscribe('*', (e) => a.push(e), { expand: 'owner' });
  assert.ok(clientA.realtime.clientId, 'PB_CONNECT gave the SDK a client id');
  const rec = await clientA.collection(C.notes.name).create({ title: 'first', owner: A.id, secret: 'ignored' });
  let e = await a.next();
  assert.equal(e.action, 'create');
  const rest = await clientA.collection(C.notes.name).getOne(rec.id, { expand: 'owner' });
  assert.deepEqual(e.record, rest);
  assert.equal(e.record.expand.owner.id, A.id);
  assert.equal('secret' in e.record, false, 'hidden fields are not sent to non-superusers');

  await clientA.collection(C.notes.name).update(rec.id, { title: 'second' });
  e = await a.next();
  assert.equal(e.action, 'update');
  assert.equal(e.record.title, 'second');

  await clientA.collection(C.notes.name).delete(rec.id);
  e = await a.next();
  assert.equal(e.action, 'delete');
  assert.equal(e.record.id, rec.id);
  await unsub();
});

test('user B never receives user A\'s private record', async () => {
  const a = inbox();
  const b = inbox();
  await clientA.collection(C.notes.name).subscribe('*', (e) => a.push(e));
  await clientB.collection(C.notes.name).subscribe('*', (e) => b.push(e));
  const priv = await clientA.collection(C.notes.name).create({ title: 'private', owner: A.id });
  const pub = await clientA.collection(C.notes.name).create({ title: 'public', owner: A.id, public: true });
  assert.equal((await a.next()).record.id, priv.id);
  assert.equal((await a.next()).record.id, pub.id);
  // Events keep their order: B's first event being the public record
  // proves the private one was never sent to B.
  const first = await b.next();
  assert.equal(first.record.id, pub.id);
  assert.equal(first.record.title, 'public');
  await clientA.collection(C.notes.name).unsubscribe();
  await clientB.collection(C.notes.name).unsubscribe();
});

test('record topic, unsubscribe and the fields option', async () => {
  const rec = await clientA.collection(C.notes.name).create({ title: 'watched', owner: A.id, public: true });
  const g = inbox();
  const watcher = guest();
  await watcher.collection(C.notes.name).subscribe(rec.id, (e) => g.push(e), { fields: 'id,title' });
  await clientA.collection(C.notes.name).update(rec.id, { title: 'changed' });
  const e = await g.next();
  assert.deepEqual(e, { action: 'update', record: { id: rec.id, title: 'changed' } });
  await watcher.collection(C.notes.name).unsubscribe(rec.id);
  assert.equal(watcher.realtime.isConnected, false, 'the SDK closes the stream after the last unsubscribe');
});
