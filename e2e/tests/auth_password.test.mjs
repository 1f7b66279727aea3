// Auth records through the SDK: sign-up, authWithPassword, authRefresh and the
// SDK's authStore, with the same 400 for a wrong password and an unknown email.
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, expectStatus, assertErrorShape, assertFieldError, dropCollections, ID_RE, DATE_RE,
} from './lib.mjs';
import {
  PASSWORD, uniqueEmail, createAuthCollection, signUp, login, assertAuthResponse, sleep,
} from './users.mjs';

let pb;
let col;

before(async () => {
  pb = await superuser();
  col = await createAuthCollection(pb, 'au_pw', { fields: [{ name: 'name', type: 'text' }] });
});

after(async () => {
  await dropCollections(pb, col?.id);
});

test('sign-up creates an unverified auth record without secrets', async () => {
  const email = uniqueEmail('signup');
  const rec = await signUp(col.name, email, PASSWORD, { name: 'Sam' });
  assert.match(rec.id, ID_RE);
  assert.equal(rec.collectionId, col.id);
  assert.equal(rec.collectionName, col.name);
  assert.equal(rec.name, 'Sam');
  assert.equal(rec.verified, false);
  assert.equal(rec.emailVisibility, false);
  assert.match(rec.created, DATE_RE);
  assert.equal(rec.password, undefined, 'password must never be returned');
  assert.equal(rec.passwordConfirm, undefined);
  assert.equal(rec.tokenKey, undefined, 'tokenKey must never be returned');
  // the superuser sees the stored email
  const su = await pb.collection(col.name).getOne(rec.id);
  assert.equal(su.email, email);
  assert.equal(su.password, undefined);
  assert.equal(su.tokenKey, undefined);
});

test('sign-up validation: mismatched passwordConfirm, duplicate email, short password', async () => {
  const g = guest().collection(col.name);
  const email = uniqueEmail('signupval');
  const e1 = await expectStatus(
    g.create({ email, password: PASSWORD, passwordConfirm: PASSWORD + 'x' }), 400, 'passwordConfirm mismatch');
  assertErrorShape(e1, 400);
  // The mismatch is reported on passwordConfirm, as confirmPasswordReset does.
  assertFieldError(e1, 'passwordConfirm', 'validation_values_mismatch');

  await signUp(col.name, email);
  const e2 = await expectStatus(g.create({ email, password: PASSWORD, passwordConfirm: PASSWORD }), 400, 'duplicate email');
  assertFieldError(e2, 'email', 'validation_not_unique');
  // emails are unique case-insensitively
  const e3 = await expectStatus(
    g.create({ email: email.toUpperCase(), password: PASSWORD, passwordConfirm: PASSWORD }), 400, 'duplicate email, other case');
  assertFieldError(e3, 'email', 'validation_not_unique');

  const e4 = await expectStatus(
    g.create({ email: uniqueEmail('short'), password: 'short', passwordConfirm: 'short' }), 400, 'short password');
  assert.ok(e4.response.data.password, `data.password in ${JSON.stringify(e4.response)}`);
});

test('authWithPassword fills the authStore; authRefresh returns a new token and the record', async () => {
  const email = uniqueEmail('login');
  const rec = await signUp(col.name, email, PASSWORD, { name: 'Lee' });
  const client = guest();
  assert.equal(client.authStore.isValid, false);

  const res = await client.collection(col.name).authWithPassword(email, PASSWORD);
  const payload = assertAuthResponse(res, col, rec.id);
  assert.equal(res.record.email, email, 'a user sees its own email');
  assert.equal(res.record.name, 'Lee');
  assert.equal(res.record.verified, false);

  assert.equal(client.authStore.isValid, true);
  assert.equal(client.authStore.isSuperuser, false);
  assert.equal(client.authStore.token, res.token);
  assert.equal(client.authStore.record.id, rec.id);
  assert.equal(client.authStore.record.email, email);
  assert.equal(client.authStore.record.collectionName, col.name);

  // the token authenticates: the user's list rule `id = @request.auth.id` matches itself only
  const mine = await client.collection(col.name).getList(1, 10);
  assert.equal(mine.totalItems, 1);
  assert.equal(mine.items[0].id, rec.id);
  assert.equal(mine.items[0].email, email);

  // tokens carry second-resolution times: wait so the refreshed one must differ
  await sleep(1100);
  const ref = await client.collection(col.name).authRefresh();
  const p2 = assertAuthResponse(ref, col, rec.id);
  assert.notEqual(ref.token, res.token, 'authRefresh issues a new token');
  assert.ok(p2.exp > payload.exp, `the refreshed token expires later (${p2.exp} > ${payload.exp})`);
  assert.equal(ref.record.email, email);
  assert.equal(ref.record.name, 'Lee');
  assert.equal(client.authStore.token, ref.token, 'the SDK stores the refreshed token');
  assert.equal(client.authStore.record.id, rec.id);
  // the old token still works (it has not expired and the password did not change)
  const old = guest();
  old.authStore.save(res.token, res.record);
  assert.equal((await old.collection(col.name).getOne(rec.id)).id, rec.id);
});

test('the identity is matched case-insensitively for emails', async () => {
  const email = uniqueEmail('caseid');
  const rec = await signUp(col.name, email);
  const client = guest();
  const res = await client.collection(col.name).authWithPassword(email.toUpperCase(), PASSWORD);
  assert.equal(res.record.id, rec.id);
});

test('wrong password and unknown email give the same 400 "Failed to authenticate."', async () => {
  const email = uniqueEmail('wrong');
  await signUp(col.name, email);
  const client = guest();
  const e1 = await expectStatus(client.collection(col.name).authWithPassword(email, 'not-the-password'), 400, 'wrong password');
  assertErrorShape(e1, 400);
  assert.equal(e1.response.message, 'Failed to authenticate.');
  assert.deepEqual(e1.response.data, {});
  const e2 = await expectStatus(client.collection(col.name).authWithPassword(uniqueEmail('nobody'), PASSWORD), 400, 'unknown email');
  assertErrorShape(e2, 400);
  assert.equal(e2.response.message, 'Failed to authenticate.');
  assert.deepEqual(e2.response.data, {});
  assert.deepEqual(e1.response, e2.response, 'both answers are identical');
  assert.equal(client.authStore.isValid, false);
  assert.equal(client.authStore.token, '');
});

test('authWithPassword with missing fields -> 400 naming them', async () => {
  const e = await expectStatus(guest().collection(col.name).authWithPassword('', ''), 400, 'empty identity and password');
  assertErrorShape(e, 400);
  assertFieldError(e, 'identity', 'validation_required');
  assertFieldError(e, 'password', 'validation_required');
});

test('authRefresh needs a valid token: 401 for guests and for a garbage token', async () => {
  const e1 = await expectStatus(guest().collection(col.name).authRefresh(), 401, 'guest authRefresh');
  assertErrorShape(e1, 401);
  const bad = guest();
  bad.authStore.save('not.a.validtoken', null);
  await expectStatus(bad.collection(col.name).authRefresh(), 401, 'garbage token authRefresh');
});

test('authStore.clear logs out: the client is a guest again', async () => {
  const email = uniqueEmail('clear');
  const rec = await signUp(col.name, email);
  const client = await login(col.name, email);
  assert.equal((await client.collection(col.name).getOne(rec.id)).id, rec.id);

  let changes = 0;
  const unsub = client.authStore.onChange(() => changes++);
  client.authStore.clear();
  unsub();
  assert.equal(changes, 1, 'onChange fired once');
  assert.equal(client.authStore.isValid, false);
  assert.equal(client.authStore.token, '');
  assert.equal(client.authStore.record, null);

  const list = await client.collection(col.name).getList(1, 10);
  assert.equal(list.totalItems, 0);
  assert.deepEqual(list.items, []);
  await expectStatus(client.collection(col.name).getOne(rec.id), 404, 'view own record after clear');
  await expectStatus(client.collection(col.name).authRefresh(), 401, 'authRefresh after clear');
});

test('a user may update its own record but not another one', async () => {
  const a = await signUp(col.name, uniqueEmail('upda'), PASSWORD, { name: 'A' });
  const bEmail = uniqueEmail('updb');
  const b = await signUp(col.name, bEmail, PASSWORD, { name: 'B' });
  const client = await login(col.name, bEmail);
  const u = await client.collection(col.name).update(b.id, { name: 'B2' });
  assert.equal(u.name, 'B2');
  assert.equal(client.authStore.record.name, 'B2', 'the SDK refreshes authStore.record after a self-update');
  await expectStatus(client.collection(col.name).update(a.id, { name: 'hacked' }), 404, 'update another user');
  assert.equal((await pb.collection(col.name).getOne(a.id)).name, 'A');
});
