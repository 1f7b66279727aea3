// listAuthMethods: the public answer the SDK types as AuthMethodsList
// {password: {enabled, identityFields}, oauth2: {enabled, providers},
//  mfa: {enabled, duration}, otp: {enabled, duration}}.
import { test, before, after } from 'node:test';
import { assert, guest, superuser, expectStatus, dropCollections, uniqueName, autodates } from './lib.mjs';
import { PASSWORD, uniqueEmail, createAuthCollection, signUp } from './users.mjs';

let pb;
const C = {};

before(async () => {
  pb = await superuser();
  C.plain = await createAuthCollection(pb, 'am_plain');
  C.full = await createAuthCollection(pb, 'am_full', {
    otp: { enabled: true, duration: 300, length: 8 },
    mfa: { enabled: true, duration: 1800, rule: '' },
  });
  const uname = uniqueName('am_uname');
  C.uname = await createAuthCollection(pb, 'am_uname', {
    name: uname,
    fields: [{ name: 'username', type: 'text', required: true, min: 3, max: 50 }],
    indexes: [`CREATE UNIQUE INDEX idx_${uname}_username ON ${uname} (username)`],
    passwordAuth: { enabled: true, identityFields: ['email', 'username'] },
  });
  C.nopass = await createAuthCollection(pb, 'am_nopass', {
    passwordAuth: { enabled: false, identityFields: ['email'] },
    otp: { enabled: true, duration: 180, length: 6 },
  });
  C.base = await pb.collections.create({
    name: uniqueName('am_base'), type: 'base', fields: [{ name: 'title', type: 'text' }, ...autodates()],
    listRule: '', viewRule: '',
  });
});

after(async () => {
  await dropCollections(pb, C.plain?.id, C.full?.id, C.uname?.id, C.nopass?.id, C.base?.id);
});

function assertShape(m) {
  assert.deepEqual(Object.keys(m).sort(), ['mfa', 'oauth2', 'otp', 'password'], `keys of ${JSON.stringify(m)}`);
  assert.equal(typeof m.password.enabled, 'boolean');
  assert.ok(Array.isArray(m.password.identityFields), `password.identityFields in ${JSON.stringify(m)}`);
  assert.equal(typeof m.oauth2.enabled, 'boolean');
  assert.ok(Array.isArray(m.oauth2.providers), `oauth2.providers in ${JSON.stringify(m)}`);
  assert.equal(typeof m.mfa.enabled, 'boolean');
  assert.equal(typeof m.mfa.duration, 'number');
  assert.equal(typeof m.otp.enabled, 'boolean');
  assert.equal(typeof m.otp.duration, 'number');
}

test('a guest lists the auth methods of a password-only collection', async () => {
  const m = await guest().collection(C.plain.name).listAuthMethods();
  assertShape(m);
  assert.deepEqual(m.password, { enabled: true, identityFields: ['email'] });
  assert.deepEqual(m.oauth2, { enabled: false, providers: [] });
  assert.equal(m.otp.enabled, false);
  assert.equal(m.mfa.enabled, false);
  // by id as well as by name
  assert.deepEqual(await guest().collection(C.plain.id).listAuthMethods(), m);
});

test('otp and mfa flags and durations', async () => {
  const m = await guest().collection(C.full.name).listAuthMethods();
  assertShape(m);
  assert.deepEqual(m.password, { enabled: true, identityFields: ['email'] });
  assert.deepEqual(m.otp, { enabled: true, duration: 300 });
  assert.deepEqual(m.mfa, { enabled: true, duration: 1800 });
  assert.deepEqual(m.oauth2, { enabled: false, providers: [] });
});

test('identityFields follow passwordAuth; a username identity logs in', async () => {
  const m = await guest().collection(C.uname.name).listAuthMethods();
  assertShape(m);
  assert.deepEqual(m.password, { enabled: true, identityFields: ['email', 'username'] });
  const email = uniqueEmail('am_user');
  const rec = await signUp(C.uname.name, email, PASSWORD, { username: 'captain_' + randomSuffix() });
  const byName = await guest().collection(C.uname.name).authWithPassword(rec.username, PASSWORD);
  assert.equal(byName.record.id, rec.id);
  const byEmail = await guest().collection(C.uname.name).authWithPassword(email, PASSWORD);
  assert.equal(byEmail.record.id, rec.id);
});

test('password auth disabled: listed as disabled and authWithPassword refused', async () => {
  const m = await guest().collection(C.nopass.name).listAuthMethods();
  assertShape(m);
  assert.equal(m.password.enabled, false);
  assert.deepEqual(m.otp, { enabled: true, duration: 180 });
  const email = uniqueEmail('am_nopass');
  await signUp(C.nopass.name, email);
  const e = await expectStatus(guest().collection(C.nopass.name).authWithPassword(email, PASSWORD), 403, 'password auth disabled');
  assert.equal(typeof e.response.message, 'string');
});

test('listAuthMethods on a missing or non-auth collection -> 404', async () => {
  await expectStatus(guest().collection('no_such_collection_xyz').listAuthMethods(), 404, 'missing collection');
  await expectStatus(guest().collection(C.base.name).listAuthMethods(), 404, 'base collection');
});

function randomSuffix() {
  return Math.random().toString(36).slice(2, 8);
}
