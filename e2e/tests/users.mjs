// Helpers for the auth_* tests: auth collections, sign-up, log-in, tokens.
// Not a test file (run.mjs picks *.test.mjs).
import { assert, guest, uniqueName, autodates, ID_RE } from './lib.mjs';
import { getTokenPayload } from 'pocketbase';

/** A password that passes the default auth collection rules (min 8). */
export const PASSWORD = 'Passw0rd-123';

/** An email address unique to this run. */
export function uniqueEmail(prefix = 'user') {
  return `${uniqueName(prefix).toLowerCase()}@example.com`;
}

/**
 * Creates an auth collection named `${prefix}_<random>` as the superuser `pb`:
 * guests may sign up (createRule ""), a user may list/view/update itself, and
 * password auth with the email identity is on. `extra` is merged into the
 * collection body (fields are appended to the autodates; options such as
 * otp, mfa, passwordAuth or rules replace the defaults).
 */
export async function createAuthCollection(pb, prefix, extra = {}) {
  const { fields = [], ...rest } = extra;
  const name = rest.name ?? uniqueName(prefix);
  const col = await pb.collections.create({
    name,
    type: 'auth',
    fields: [...fields, ...autodates()],
    listRule: 'id = @request.auth.id',
    viewRule: 'id = @request.auth.id',
    createRule: '',
    updateRule: 'id = @request.auth.id',
    deleteRule: null,
    passwordAuth: { enabled: true, identityFields: ['email'] },
    ...rest,
  });
  assert.equal(col.name, name);
  assert.equal(col.type, 'auth');
  return col;
}

/** Signs up through the public create endpoint as a guest; returns the record. */
export async function signUp(collection, email, password = PASSWORD, data = {}) {
  const rec = await guest().collection(collection).create({ email, password, passwordConfirm: password, ...data });
  assert.match(rec.id, ID_RE);
  return rec;
}

/** A fresh client logged in with email and password. */
export async function login(collection, email, password = PASSWORD) {
  const pb = guest();
  await pb.collection(collection).authWithPassword(email, password);
  assert.equal(pb.authStore.isValid, true);
  return pb;
}

/** Asserts a {token, record} auth response for the record `id` of `col`. */
export function assertAuthResponse(res, col, id, { refreshable = true } = {}) {
  assert.equal(typeof res.token, 'string', JSON.stringify(res));
  assert.equal(res.token.split('.').length, 3, `token should be a JWT, got ${res.token}`);
  assert.equal(res.record.id, id);
  assert.equal(res.record.collectionId, col.id);
  assert.equal(res.record.collectionName, col.name);
  assert.equal(res.record.password, undefined, 'password must never be returned');
  assert.equal(res.record.tokenKey, undefined, 'tokenKey must never be returned');
  const p = getTokenPayload(res.token);
  assert.equal(p.id, id, `token payload ${JSON.stringify(p)}`);
  assert.equal(p.collectionId, col.id, `token payload ${JSON.stringify(p)}`);
  assert.equal(p.type, 'auth', `token payload ${JSON.stringify(p)}`);
  assert.equal(p.refreshable, refreshable, `token payload ${JSON.stringify(p)}`);
  assert.ok(p.exp * 1000 > Date.now(), `token expires in the future: ${JSON.stringify(p)}`);
  return p;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
