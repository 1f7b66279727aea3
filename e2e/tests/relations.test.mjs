// Deleting a record that relations point to: required -> 400, optional ->
// cleared, cascadeDelete -> the referencing record goes too.
import { test, before, after } from 'node:test';
import {
  assert, superuser, uniqueName, PUBLIC_RULES, expectStatus, assertErrorShape, dropCollections,
} from './lib.mjs';

let pb;
const C = {};

before(async () => {
  pb = await superuser();
  for (const k of ['parent', 'req', 'opt', 'cas']) C[k] = uniqueName(`rel_${k}`);
  const parent = await pb.collections.create({ name: C.parent, type: 'base', fields: [{ name: 'n', type: 'text' }], ...PUBLIC_RULES });
  const rel = (extra) => [{ name: 'p', type: 'relation', collectionId: parent.id, ...extra }];
  await pb.collections.create({ name: C.req, type: 'base', fields: rel({ maxSelect: 1, required: true }), ...PUBLIC_RULES });
  await pb.collections.create({ name: C.opt, type: 'base', fields: rel({ maxSelect: 5 }), ...PUBLIC_RULES });
  await pb.collections.create({ name: C.cas, type: 'base', fields: rel({ maxSelect: 1, cascadeDelete: true }), ...PUBLIC_RULES });
});

after(async () => {
  await dropCollections(pb, C.req, C.opt, C.cas, C.parent);
});

test('a relation to a missing record is a 400 on the field', async () => {
  const e = await expectStatus(pb.collection(C.opt).create({ p: ['missingid123456'] }), 400, 'unknown id');
  assertErrorShape(e, 400);
  assert.ok(e.response.data.p, JSON.stringify(e.response));
  const r = await expectStatus(pb.collection(C.req).create({}), 400, 'required relation missing');
  assert.equal(r.response.data.p?.code, 'validation_required', JSON.stringify(r.response));
});

test('repeated relation ids are de-duplicated; a plain string becomes a one-item array', async () => {
  const a = await pb.collection(C.parent).create({ n: 'a' });
  const b = await pb.collection(C.parent).create({ n: 'b' });
  const r = await pb.collection(C.opt).create({ p: [a.id, b.id, a.id] });
  assert.deepEqual(r.p, [a.id, b.id]);
  const s = await pb.collection(C.opt).create({ p: a.id });
  assert.deepEqual(s.p, [a.id]);
});

test('deleting a record a required relation points to is a 400 and deletes nothing', async () => {
  const p = await pb.collection(C.parent).create({ n: 'req' });
  const child = await pb.collection(C.req).create({ p: p.id });
  const e = await expectStatus(pb.collection(C.parent).delete(p.id), 400, 'delete a required target');
  assertErrorShape(e, 400);
  assert.equal((await pb.collection(C.parent).getOne(p.id)).n, 'req');
  assert.equal((await pb.collection(C.req).getOne(child.id)).p, p.id);
});

test('deleting a record clears optional relations to it', async () => {
  const p = await pb.collection(C.parent).create({ n: 'opt' });
  const other = await pb.collection(C.parent).create({ n: 'other' });
  const child = await pb.collection(C.opt).create({ p: [p.id, other.id] });
  assert.equal(await pb.collection(C.parent).delete(p.id), true);
  assert.deepEqual((await pb.collection(C.opt).getOne(child.id)).p, [other.id]);
});

test('cascadeDelete removes the referencing records', async () => {
  const p = await pb.collection(C.parent).create({ n: 'cas' });
  const child = await pb.collection(C.cas).create({ p: p.id });
  assert.equal(await pb.collection(C.parent).delete(p.id), true);
  await expectStatus(pb.collection(C.cas).getOne(child.id), 404, 'cascaded child');
});
