// Body modifiers on create/update: "views+", "views-", "tags+", "+tags", "tags-".
import { test, before, after } from 'node:test';
import {
  assert, superuser, uniqueName, PUBLIC_RULES, expectStatus, dropCollections,
} from './lib.mjs';

let pb;
let labels;
let items;
const L = {};

before(async () => {
  pb = await superuser();
  labels = uniqueName('mod_labels');
  items = uniqueName('mod_items');
  const lc = await pb.collections.create({ name: labels, type: 'base', fields: [{ name: 'name', type: 'text' }], ...PUBLIC_RULES });
  await pb.collections.create({
    name: items,
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'views', type: 'number' },
      { name: 'tags', type: 'select', values: ['a', 'b', 'c', 'd', 'e'], maxSelect: 4 },
      { name: 'rels', type: 'relation', collectionId: lc.id, maxSelect: 10 },
    ],
    ...PUBLIC_RULES,
  });
  for (const n of ['x', 'y', 'z']) L[n] = (await pb.collection(labels).create({ name: n })).id;
});

after(async () => {
  await dropCollections(pb, items, labels);
});

test('number modifiers: views+ and views-', async () => {
  const r = await pb.collection(items).create({ title: 'n', views: 10 });
  const a = await pb.collection(items).update(r.id, { 'views+': 5 });
  assert.equal(a.views, 15);
  const b = await pb.collection(items).update(r.id, { 'views-': 3 });
  assert.equal(b.views, 12);
  const c = await pb.collection(items).update(r.id, { 'views+': 0.5 });
  assert.equal(c.views, 12.5);
  const d = await pb.collection(items).update(r.id, { 'views-': 20 });
  assert.equal(d.views, -7.5);
  assert.equal((await pb.collection(items).getOne(r.id)).views, -7.5, 'persisted');
});

test('number modifier on create starts from zero', async () => {
  const r = await pb.collection(items).create({ title: 'c', 'views+': 2 });
  assert.equal(r.views, 2);
});

test('sequential increments all count', async () => {
  const r = await pb.collection(items).create({ title: 'seq' });
  for (let i = 0; i < 10; i++) await pb.collection(items).update(r.id, { 'views+': 1 });
  assert.equal((await pb.collection(items).getOne(r.id)).views, 10);
});

test('select modifiers: tags+ appends without duplicates, +tags prepends, tags- removes', async () => {
  const r = await pb.collection(items).create({ title: 's', tags: ['a', 'b'] });
  assert.deepEqual(r.tags, ['a', 'b']);
  const a = await pb.collection(items).update(r.id, { 'tags+': 'c' });
  assert.deepEqual(a.tags, ['a', 'b', 'c']);
  const b = await pb.collection(items).update(r.id, { 'tags+': ['b', 'c'] });
  assert.deepEqual(b.tags, ['a', 'b', 'c'], 'appending present values changes nothing');
  const c = await pb.collection(items).update(r.id, { '+tags': 'e' });
  assert.deepEqual(c.tags, ['e', 'a', 'b', 'c']);
  const d = await pb.collection(items).update(r.id, { 'tags-': ['a', 'c'] });
  assert.deepEqual(d.tags, ['e', 'b']);
  const e = await pb.collection(items).update(r.id, { 'tags-': 'd' });
  assert.deepEqual(e.tags, ['e', 'b'], 'removing an absent value changes nothing');
  const f = await pb.collection(items).update(r.id, { 'tags-': 'e' });
  assert.deepEqual(f.tags, ['b']);
  assert.deepEqual((await pb.collection(items).getOne(r.id)).tags, ['b'], 'persisted');
});

test('a modifier that exceeds maxSelect is a 400 and changes nothing', async () => {
  const r = await pb.collection(items).create({ title: 'max', tags: ['a', 'b', 'c'] });
  const e = await expectStatus(pb.collection(items).update(r.id, { 'tags+': ['d', 'e'] }), 400, 'five tags, max 4');
  assert.ok(e.response.data.tags, JSON.stringify(e.response));
  assert.deepEqual((await pb.collection(items).getOne(r.id)).tags, ['a', 'b', 'c']);
  const v = await expectStatus(pb.collection(items).update(r.id, { 'tags+': 'zzz' }), 400, 'value not allowed');
  assert.ok(v.response.data.tags, JSON.stringify(v.response));
});

test('relation modifiers: rels+, +rels, rels-', async () => {
  const r = await pb.collection(items).create({ title: 'r', rels: [L.x] });
  const a = await pb.collection(items).update(r.id, { 'rels+': L.y });
  assert.deepEqual(a.rels, [L.x, L.y]);
  const b = await pb.collection(items).update(r.id, { '+rels': [L.z] });
  assert.deepEqual(b.rels, [L.z, L.x, L.y]);
  const c = await pb.collection(items).update(r.id, { 'rels-': [L.x, L.z] });
  assert.deepEqual(c.rels, [L.y]);
  const d = await pb.collection(items).update(r.id, { 'rels+': [L.y, L.x] });
  assert.deepEqual(d.rels, [L.y, L.x]);
  const e = await expectStatus(pb.collection(items).update(r.id, { 'rels+': 'missingid123456' }), 400, 'unknown relation id');
  assert.ok(e.response.data.rels, JSON.stringify(e.response));
});
