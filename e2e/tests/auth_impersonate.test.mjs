// Impersonation: a superuser gets a client acting as a user; its token is not
// refreshable and only superusers may impersonate.
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, uniqueName, autodates, expectStatus, assertErrorShape, dropCollections, PocketBase,
} from './lib.mjs';
import { PASSWORD, uniqueEmail, createAuthCollection, signUp, login, assertAuthResponse } from './users.mjs';

let pb;
let users;
let notes;
const U = {};

before(async () => {
  pb = await superuser();
  users = await createAuthCollection(pb, 'ai_users', { fields: [{ name: 'name', type: 'text' }] });
  notes = await pb.collections.create({
    name: uniqueName('ai_notes'),
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1, required: true, cascadeDelete: true },
      ...autodates(),
    ],
    listRule: 'owner = @request.auth.id',
    viewRule: 'owner = @request.auth.id',
    createRule: 'owner = @request.auth.id',
    updateRule: 'owner = @request.auth.id',
    deleteRule: 'owner = @request.auth.id',
  });
  U.aEmail = uniqueEmail('ai_a');
  U.bEmail = uniqueEmail('ai_b');
  U.a = await signUp(users.name, U.aEmail, PASSWORD, { name: 'A' });
  U.b = await signUp(users.name, U.bEmail, PASSWORD, { name: 'B' });
  U.a1 = await pb.collection(notes.name).create({ title: 'a1', owner: U.a.id });
  U.a2 = await pb.collection(notes.name).create({ title: 'a2', owner: U.a.id });
  U.b1 = await pb.collection(notes.name).create({ title: 'b1', owner: U.b.id });
});

after(async () => {
  await dropCollections(pb, notes?.id, users?.id);
});

test('a superuser impersonates A: the new client reads what A may read', async () => {
  const client = await pb.collection(users.name).impersonate(U.a.id, 3600);
  assert.ok(client instanceof PocketBase, 'impersonate returns a new client');
  assert.notEqual(client, pb);
  assert.equal(client.authStore.isValid, true);
  assert.equal(client.authStore.isSuperuser, false);
  assert.equal(client.authStore.record.id, U.a.id);
  assert.equal(client.authStore.record.email, U.aEmail);
  assert.equal(client.authStore.record.collectionName, users.name);
  const p = assertAuthResponse({ token: client.authStore.token, record: client.authStore.record }, users, U.a.id, { refreshable: false });
  // duration 3600 s sets the expiry
  const ttl = p.exp - Date.now() / 1000;
  assert.ok(ttl > 3600 - 120 && ttl <= 3600 + 5, `impersonation token expires in ~3600 s, got ${ttl}`);
  // the superuser's own client is unchanged
  assert.equal(pb.authStore.isSuperuser, true);

  const list = await client.collection(notes.name).getList(1, 10, { sort: 'title' });
  assert.deepEqual(list.items.map((n) => n.title), ['a1', 'a2']);
  assert.equal((await client.collection(notes.name).getOne(U.a1.id)).title, 'a1');
  await expectStatus(client.collection(notes.name).getOne(U.b1.id), 404, 'impersonated A views B\'s note');
  // it acts as A for writes too
  const n = await client.collection(notes.name).create({ title: 'by impersonation', owner: U.a.id });
  assert.equal(n.owner, U.a.id);
  await expectStatus(client.collection(notes.name).create({ title: 'x', owner: U.b.id }), 400, 'create for B as A');
  // and it is not a superuser
  await expectStatus(client.collections.getList(1, 1), 403, 'collections API as the impersonated user');
});

test('an impersonation token is not refreshable: authRefresh -> 403', async () => {
  const client = await pb.collection(users.name).impersonate(U.a.id, 600);
  const token = client.authStore.token;
  const e = await expectStatus(client.collection(users.name).authRefresh(), 403, 'authRefresh with an impersonation token');
  assertErrorShape(e, 403);
  // the failed refresh does not change the stored token, which still works
  assert.equal(client.authStore.token, token);
  assert.equal((await client.collection(notes.name).getOne(U.a1.id)).title, 'a1');
});

test('duration 0 falls back to the collection\'s auth token duration', async () => {
  const col = await pb.collections.getOne(users.id);
  const client = await pb.collection(users.name).impersonate(U.b.id, 0);
  const p = assertAuthResponse({ token: client.authStore.token, record: client.authStore.record }, users, U.b.id, { refreshable: false });
  const ttl = p.exp - Date.now() / 1000;
  const want = col.authToken?.duration;
  assert.equal(typeof want, 'number', `collection authToken.duration in ${JSON.stringify(col.authToken)}`);
  assert.ok(Math.abs(ttl - want) < 120, `token ttl ${ttl} ≈ authToken.duration ${want}`);
  const list = await client.collection(notes.name).getList(1, 10);
  assert.deepEqual(list.items.map((n) => n.title), ['b1']);
});

test('only superusers may impersonate: guest 401, user 403; a missing id is 404', async () => {
  const e1 = await expectStatus(guest().collection(users.name).impersonate(U.a.id, 600), 401, 'guest impersonates');
  assertErrorShape(e1, 401);
  const clientB = await login(users.name, U.bEmail);
  const e2 = await expectStatus(clientB.collection(users.name).impersonate(U.a.id, 600), 403, 'user B impersonates A');
  assertErrorShape(e2, 403);
  await expectStatus(clientB.collection(users.name).impersonate(U.b.id, 600), 403, 'user B impersonates itself');
  await expectStatus(pb.collection(users.name).impersonate('missingid123456', 600), 404, 'impersonate a missing id');
  await expectStatus(pb.collection(notes.name).impersonate(U.a1.id, 600), 404, 'impersonate in a base collection');
});
