// Field constraints on create/update, system fields that clients cannot set,
// and concurrent writes.
import { test, before, after } from 'node:test';
import {
  assert, superuser, guest, uniqueName, autodates, PUBLIC_RULES, expectStatus, assertErrorShape,
  assertFieldError, dropCollections, ID_RE,
} from './lib.mjs';

let pb;
let name;

before(async () => {
  pb = await superuser();
  name = uniqueName('val_items');
  await pb.collections.create({
    name,
    type: 'base',
    fields: [
      { name: 'title', type: 'text', required: true, min: 2, max: 10 },
      { name: 'code', type: 'text', pattern: '^[A-Z]+$' },
      { name: 'qty', type: 'number', min: 0, max: 100, onlyInt: true },
      { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 2 },
      { name: 'email', type: 'email' },
      { name: 'site', type: 'url' },
      ...autodates(),
    ],
    ...PUBLIC_RULES,
  });
});

after(async () => {
  await dropCollections(pb, name);
});

async function fieldError(body, field, what) {
  const e = await expectStatus(pb.collection(name).create({ title: 'ok', ...body }), 400, what);
  assertErrorShape(e, 400);
  assert.ok(e.response.data[field], `${what}: data.${field} in ${JSON.stringify(e.response)}`);
  assert.match(e.response.data[field].code, /^validation_/, `${what}: code`);
  assert.equal(typeof e.response.data[field].message, 'string');
  return e;
}

test('text min/max/pattern', async () => {
  await fieldError({ title: 'x' }, 'title', 'shorter than min');
  await fieldError({ title: 'x'.repeat(11) }, 'title', 'longer than max');
  await fieldError({ code: 'abc' }, 'code', 'pattern mismatch');
  const ok = await pb.collection(name).create({ title: 'x'.repeat(10), code: 'ABC' });
  assert.equal(ok.title, 'xxxxxxxxxx');
  assert.equal(ok.code, 'ABC');
});

test('number min/max/onlyInt', async () => {
  await fieldError({ qty: -1 }, 'qty', 'below min');
  await fieldError({ qty: 101 }, 'qty', 'above max');
  await fieldError({ qty: 1.5 }, 'qty', 'not an integer');
  assert.equal((await pb.collection(name).create({ title: 'ok', qty: 100 })).qty, 100);
});

test('select: value not allowed, too many values', async () => {
  await fieldError({ tags: ['z'] }, 'tags', 'unknown value');
  await fieldError({ tags: ['a', 'b', 'c'] }, 'tags', 'more than maxSelect');
  assert.deepEqual((await pb.collection(name).create({ title: 'ok', tags: ['b', 'a'] })).tags, ['b', 'a']);
});

test('email and url formats', async () => {
  await fieldError({ email: 'not-an-email' }, 'email', 'bad email');
  await fieldError({ site: 'not a url' }, 'site', 'bad url');
  const ok = await pb.collection(name).create({ title: 'ok', email: 'a@example.com', site: 'https://example.com/x?y=1' });
  assert.equal(ok.email, 'a@example.com');
  assert.equal(ok.site, 'https://example.com/x?y=1');
});

test('several invalid fields are reported together', async () => {
  const e = await expectStatus(pb.collection(name).create({ qty: -5, tags: ['z'] }), 400, 'many errors');
  assertFieldError(e, 'title', 'validation_required');
  assert.ok(e.response.data.qty, JSON.stringify(e.response));
  assert.ok(e.response.data.tags, JSON.stringify(e.response));
});

test('ids: a custom id must be 15 characters of [a-z0-9]', async () => {
  await fieldError({ id: 'short' }, 'id', 'short id');
  await fieldError({ id: 'UPPERCASEID1234' }, 'id', 'uppercase id');
  await fieldError({ id: 'has space 12345' }, 'id', 'id with a space');
  const r = await pb.collection(name).create({ title: 'ok' });
  assert.match(r.id, ID_RE);
});

test('autodate fields are set by the server, not the client', async () => {
  const fake = '2000-01-01 00:00:00.000Z';
  const r = await pb.collection(name).create({ title: 'dates', created: fake, updated: fake });
  assert.notEqual(r.created, fake);
  assert.notEqual(r.updated, fake);
  assert.ok(r.created.startsWith(String(new Date().getUTCFullYear())), r.created);
  const u = await pb.collection(name).update(r.id, { title: 'dates2', created: fake });
  assert.equal(u.created, r.created, 'created does not change on update');
});

test('the id cannot be changed by an update', async () => {
  const r = await pb.collection(name).create({ title: 'fixed' });
  let after;
  try {
    after = await pb.collection(name).update(r.id, { id: 'zzzzzzzzzzzzzzz', title: 'fixed2' });
  } catch (e) {
    assert.equal(e.status, 400, JSON.stringify(e.response));
  }
  if (after) assert.equal(after.id, r.id);
  const g = await pb.collection(name).getOne(r.id);
  assert.match(g.title, /^fixed2?$/);
  await expectStatus(pb.collection(name).getOne('zzzzzzzzzzzzzzz'), 404, 'no record under the new id');
});

test('20 concurrent creates all succeed with distinct ids', async () => {
  const g = guest();
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => g.collection(name).create({ title: `par${i}`, qty: i })),
  );
  const ids = new Set(results.map((r) => r.id));
  assert.equal(ids.size, 20);
  const list = await pb.collection(name).getFullList({ filter: 'title ~ "par"', sort: 'qty' });
  assert.deepEqual(list.map((r) => r.qty), Array.from({ length: 20 }, (_, i) => i));
});

test('20 concurrent qty+ increments on one record all count', async () => {
  const r = await pb.collection(name).create({ title: 'counter', qty: 0 });
  const g = guest();
  await Promise.all(Array.from({ length: 20 }, () => g.collection(name).update(r.id, { 'qty+': 1 })));
  assert.equal((await pb.collection(name).getOne(r.id)).qty, 20);
});
