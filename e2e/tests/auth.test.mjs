// Superuser authentication through the real SDK.
import { test } from 'node:test';
import {
  assert, guest, superuser, expectStatus, assertErrorShape, ID_RE, ADMIN_EMAIL, ADMIN_PASSWORD,
} from './lib.mjs';

test('health endpoint answers 200 with a message', async () => {
  const pb = guest();
  const res = await pb.health.check();
  // As PocketBase v0.39 answers it (and as the SDK's HealthCheckResponse types it):
  // `code`, not the `status` of the API docs' example. compat_settings.test.mjs has the rest.
  assert.deepEqual(res, { code: 200, message: 'API is healthy.', data: {} });
});

test('superuser authWithPassword returns a token and the _superusers record', async () => {
  const pb = guest();
  const res = await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  assert.equal(typeof res.token, 'string');
  assert.ok(res.token.split('.').length === 3, `token should be a JWT, got ${res.token}`);
  assert.equal(res.record.email, ADMIN_EMAIL);
  assert.match(res.record.id, ID_RE);
  assert.equal(res.record.collectionName, '_superusers');
  assert.equal(typeof res.record.collectionId, 'string');
  assert.equal(res.record.password, undefined, 'password must never be returned');
  assert.equal(res.record.tokenKey, undefined, 'tokenKey must never be returned');
  // the SDK stored it and recognises a superuser
  assert.equal(pb.authStore.token, res.token);
  assert.equal(pb.authStore.isValid, true);
  assert.equal(pb.authStore.isSuperuser, true);
});

test('wrong password and unknown identity give the same 400 with empty data', async () => {
  const pb = guest();
  const e1 = await expectStatus(
    pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, 'wrong-password'), 400, 'wrong password');
  assertErrorShape(e1, 400);
  assert.deepEqual(e1.response.data, {});
  const e2 = await expectStatus(
    pb.collection('_superusers').authWithPassword('nobody@example.com', ADMIN_PASSWORD), 400, 'unknown email');
  assertErrorShape(e2, 400);
  assert.deepEqual(e2.response.data, {});
  assert.equal(e1.response.message, e2.response.message);
  assert.equal(pb.authStore.token, '');
});

test('superuser token refreshes', async () => {
  const pb = await superuser();
  const before = pb.authStore.token;
  const res = await pb.collection('_superusers').authRefresh();
  assert.equal(typeof res.token, 'string');
  assert.ok(res.token.length > 0);
  assert.equal(res.record.email, ADMIN_EMAIL);
  assert.equal(res.record.collectionName, '_superusers');
  assert.ok(before.length > 0);
});

test('collections API: 401 for guests, 200 for the superuser', async () => {
  const e = await expectStatus(guest().collections.getList(1, 10), 401, 'guest collections list');
  assertErrorShape(e, 401);
  const pb = await superuser();
  const list = await pb.collections.getFullList();
  assert.ok(Array.isArray(list));
  const su = list.find((c) => c.name === '_superusers');
  assert.ok(su, '_superusers should be listed');
  assert.equal(su.type, 'auth');
  assert.equal(su.system, true);
});

test('an invalid token on a public endpoint is ignored, on the collections API it is 401', async () => {
  const pb = guest();
  pb.authStore.save('not.a.valid-token', null);
  // health is public: the bad token is ignored
  const res = await pb.health.check();
  assert.equal(typeof res.message, 'string');
  await expectStatus(pb.collections.getList(1, 1), 401, 'collections with a bad token');
});
