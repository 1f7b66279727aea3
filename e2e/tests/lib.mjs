// Shared helpers for the e2e tests. Not a test file (run.mjs picks *.test.mjs).
import assert from 'node:assert/strict';
import PocketBase, { BaseAuthStore, ClientResponseError } from 'pocketbase';

export const URL = (process.env.GALLEY_URL || 'http://127.0.0.1:8090').replace(/\/+$/, '');
export const ADMIN_EMAIL = process.env.GALLEY_ADMIN_EMAIL || 'admin@example.com';
export const ADMIN_PASSWORD = process.env.GALLEY_ADMIN_PASSWORD || 'Secret123!';

/** Record ids: 15 characters of [a-z0-9]. */
export const ID_RE = /^[a-z0-9]{15}$/;
/** Datetimes: 2006-01-02 15:04:05.000Z (UTC). */
export const DATE_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A guest client (no auth) with auto-cancellation off, so parallel calls are safe. */
export function guest() {
  const pb = new PocketBase(URL, new BaseAuthStore());
  pb.autoCancellation(false);
  return pb;
}

/** A client authenticated as the superuser created by run.mjs. */
export async function superuser() {
  const pb = guest();
  await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  return pb;
}

/** A collection name unique to this run: `${prefix}_<random>` (letters, digits, _). */
export function uniqueName(prefix) {
  const rnd = Math.random().toString(36).slice(2, 8);
  return `${prefix}_${Date.now().toString(36)}${rnd}`;
}

/** Standard created/updated autodate fields, as the dashboard sends them. */
export function autodates() {
  return [
    { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
    { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
  ];
}

/** Public rules: everyone may do everything. */
export const PUBLIC_RULES = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };

/**
 * Awaits `promise`, which must reject with a ClientResponseError of the given
 * HTTP status; returns the error for further checks.
 */
export async function expectStatus(promise, status, what = '') {
  let err = null;
  let value;
  try {
    value = await promise;
  } catch (e) {
    err = e;
  }
  if (err === null) {
    assert.fail(`${what ? what + ': ' : ''}expected HTTP ${status}, but the request succeeded with ${JSON.stringify(value)?.slice(0, 500)}`);
  }
  assert.ok(err instanceof ClientResponseError, `expected ClientResponseError, got ${err?.stack || err}`);
  assert.equal(
    err.status,
    status,
    `${what ? what + ': ' : ''}expected HTTP ${status}, got ${err.status} ${JSON.stringify(err.response)} (${err.url})`,
  );
  return err;
}

/** Asserts the standard error body shape {status, message, data}. */
export function assertErrorShape(err, status) {
  const body = err.response;
  assert.equal(body.status, status, `body.status in ${JSON.stringify(body)}`);
  assert.equal(typeof body.message, 'string', `body.message in ${JSON.stringify(body)}`);
  assert.ok(body.message.length > 0, `non-empty message in ${JSON.stringify(body)}`);
  assert.ok(body.data && typeof body.data === 'object' && !Array.isArray(body.data), `body.data object in ${JSON.stringify(body)}`);
}

/** Asserts data.<field>.code of a validation error. */
export function assertFieldError(err, field, code) {
  const data = err.response?.data ?? {};
  assert.ok(data[field], `expected data.${field} in ${JSON.stringify(err.response)}`);
  assert.equal(data[field].code, code, `data.${field}.code in ${JSON.stringify(err.response)}`);
  assert.equal(typeof data[field].message, 'string', `data.${field}.message in ${JSON.stringify(err.response)}`);
}

/** Deletes collections (in the given order), ignoring errors: cleanup only. */
export async function dropCollections(pb, ...ids) {
  for (const id of ids) {
    if (!id) continue;
    try {
      await pb.collections.delete(id);
    } catch {
      // best effort
    }
  }
}

export { assert, PocketBase, ClientResponseError };
