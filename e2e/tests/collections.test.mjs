// Collections API: create (every common field type + indexes), update (add /
// rename / remove a field keeps the data), delete, and their errors.
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, uniqueName, autodates, PUBLIC_RULES, expectStatus, assertErrorShape,
  assertFieldError, dropCollections, ID_RE,
} from './lib.mjs';

let pb;
const created = []; // collection ids to drop at the end (dependents first)

before(async () => {
  pb = await superuser();
});

after(async () => {
  await dropCollections(pb, ...created.reverse());
});

function fieldByName(collection, name) {
  const f = collection.fields.find((x) => x.name === name);
  assert.ok(f, `field ${name} missing in ${JSON.stringify(collection.fields.map((x) => x.name))}`);
  return f;
}

test('create a base collection with text/number/bool/select/relation/json/date fields and indexes', async () => {
  const authorsName = uniqueName('col_authors');
  const authors = await pb.collections.create({
    name: authorsName,
    type: 'base',
    fields: [{ name: 'name', type: 'text', required: true }],
    ...PUBLIC_RULES,
  });
  created.push(authors.id);
  assert.equal(authors.name, authorsName);
  assert.equal(authors.type, 'base');

  const name = uniqueName('col_posts');
  const col = await pb.collections.create({
    name,
    type: 'base',
    listRule: '',
    viewRule: 'published = true',
    createRule: null,
    updateRule: null,
    deleteRule: null,
    fields: [
      { name: 'title', type: 'text', required: true, max: 200 },
      { name: 'slug', type: 'text' },
      { name: 'views', type: 'number', onlyInt: true, min: 0 },
      { name: 'published', type: 'bool' },
      { name: 'status', type: 'select', values: ['draft', 'published', 'archived'], maxSelect: 1 },
      { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
      { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1, cascadeDelete: false },
      { name: 'meta', type: 'json' },
      { name: 'publishedAt', type: 'date' },
      ...autodates(),
    ],
    indexes: [
      `CREATE UNIQUE INDEX idx_${name}_slug ON ${name} (slug)`,
      `CREATE INDEX idx_${name}_status ON ${name} (status)`,
    ],
  });
  created.push(col.id);

  assert.equal(typeof col.id, 'string');
  assert.ok(col.id.length > 0);
  assert.equal(col.name, name);
  assert.equal(col.type, 'base');
  assert.equal(col.system, false);
  assert.equal(col.listRule, '');
  assert.equal(col.viewRule, 'published = true');
  assert.equal(col.createRule, null);
  assert.equal(col.updateRule, null);
  assert.equal(col.deleteRule, null);

  // every collection has the system `id` field
  const idField = fieldByName(col, 'id');
  assert.equal(idField.type, 'text');
  assert.equal(idField.system, true);

  const expectTypes = {
    title: 'text', slug: 'text', views: 'number', published: 'bool', status: 'select', tags: 'select',
    author: 'relation', meta: 'json', publishedAt: 'date', created: 'autodate', updated: 'autodate',
  };
  for (const [fname, ftype] of Object.entries(expectTypes)) {
    const f = fieldByName(col, fname);
    assert.equal(f.type, ftype, `type of ${fname}`);
    assert.equal(typeof f.id, 'string', `id of ${fname}`);
    assert.ok(f.id.length > 0, `id of ${fname}`);
    assert.equal(typeof f.system, 'boolean', `system of ${fname}`);
    assert.equal(typeof f.hidden, 'boolean', `hidden of ${fname}`);
    assert.equal(typeof f.presentable, 'boolean', `presentable of ${fname}`);
  }
  assert.equal(fieldByName(col, 'title').required, true);
  assert.equal(fieldByName(col, 'title').max, 200);
  assert.equal(fieldByName(col, 'views').onlyInt, true);
  assert.deepEqual(fieldByName(col, 'status').values, ['draft', 'published', 'archived']);
  assert.equal(fieldByName(col, 'status').maxSelect, 1);
  assert.deepEqual(fieldByName(col, 'tags').values, ['a', 'b', 'c']);
  assert.equal(fieldByName(col, 'tags').maxSelect, 3);
  assert.equal(fieldByName(col, 'author').collectionId, authors.id);
  assert.equal(fieldByName(col, 'author').maxSelect, 1);

  assert.equal(col.indexes.length, 2, JSON.stringify(col.indexes));
  assert.ok(col.indexes.some((i) => i.includes(`idx_${name}_slug`) && /unique/i.test(i)), JSON.stringify(col.indexes));
  assert.ok(col.indexes.some((i) => i.includes(`idx_${name}_status`)), JSON.stringify(col.indexes));

  // readable by name and by id, and listed
  const byName = await pb.collections.getOne(name);
  assert.equal(byName.id, col.id);
  const byId = await pb.collections.getOne(col.id);
  assert.equal(byId.name, name);
  assert.deepEqual(byId.fields.map((f) => f.name), col.fields.map((f) => f.name));
  const all = await pb.collections.getFullList();
  assert.ok(all.some((c) => c.id === col.id));
  const first = await pb.collections.getFirstListItem(`name = "${name}"`);
  assert.equal(first.id, col.id);

  // the collection is usable right away: records with every type round-trip
  const a = await pb.collection(authorsName).create({ name: 'Ada' });
  const rec = await pb.collection(name).create({
    title: 'Hello',
    slug: 'hello',
    views: 7,
    published: true,
    status: 'published',
    tags: ['a', 'c'],
    author: a.id,
    meta: { k: [1, 2, { x: null }], s: 'v' },
    publishedAt: '2024-05-06 07:08:09.123Z',
  });
  assert.match(rec.id, ID_RE);
  assert.equal(rec.title, 'Hello');
  assert.equal(rec.views, 7);
  assert.equal(rec.published, true);
  assert.equal(rec.status, 'published');
  assert.deepEqual(rec.tags, ['a', 'c']);
  assert.equal(rec.author, a.id);
  assert.deepEqual(rec.meta, { k: [1, 2, { x: null }], s: 'v' });
  assert.equal(rec.publishedAt, '2024-05-06 07:08:09.123Z');

  // the unique index is enforced and reported on the field
  const dup = await expectStatus(pb.collection(name).create({ title: 'Other', slug: 'hello' }), 400, 'duplicate slug');
  assertErrorShape(dup, 400);
  assertFieldError(dup, 'slug', 'validation_not_unique');
});

test('update: add, rename and remove fields keeps the stored data', async () => {
  const name = uniqueName('col_upd');
  const col = await pb.collections.create({
    name,
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'count', type: 'number' },
      { name: 'obsolete', type: 'text' },
    ],
    ...PUBLIC_RULES,
  });
  created.push(col.id);

  const r1 = await pb.collection(name).create({ title: 'one', count: 1, obsolete: 'x' });
  const r2 = await pb.collection(name).create({ title: 'two', count: 2, obsolete: 'y' });

  const titleField = fieldByName(col, 'title');
  const fields = col.fields
    .filter((f) => f.name !== 'obsolete')
    .map((f) => (f.id === titleField.id ? { ...f, name: 'headline' } : f));
  fields.push({ name: 'flag', type: 'bool' });
  fields.push({ name: 'note', type: 'text' });

  const updated = await pb.collections.update(col.id, { fields });
  assert.equal(updated.id, col.id);
  const names = updated.fields.map((f) => f.name);
  assert.ok(names.includes('headline'), JSON.stringify(names));
  assert.ok(names.includes('flag'), JSON.stringify(names));
  assert.ok(!names.includes('title'), JSON.stringify(names));
  assert.ok(!names.includes('obsolete'), JSON.stringify(names));
  assert.equal(fieldByName(updated, 'headline').id, titleField.id, 'a renamed field keeps its id');

  const g1 = await pb.collection(name).getOne(r1.id);
  assert.equal(g1.headline, 'one');
  assert.equal(g1.count, 1);
  assert.equal(g1.flag, false);
  assert.equal(g1.note, '');
  assert.equal('title' in g1, false, JSON.stringify(g1));
  assert.equal('obsolete' in g1, false, JSON.stringify(g1));

  const list = await pb.collection(name).getFullList({ sort: 'count' });
  assert.deepEqual(list.map((r) => [r.id, r.headline, r.count]), [[r1.id, 'one', 1], [r2.id, 'two', 2]]);

  // the new schema is live for writes and filters
  const r3 = await pb.collection(name).create({ headline: 'three', flag: true, count: 3 });
  assert.equal(r3.headline, 'three');
  const flagged = await pb.collection(name).getFullList({ filter: 'flag = true' });
  assert.deepEqual(flagged.map((r) => r.id), [r3.id]);
  await expectStatus(pb.collection(name).getList(1, 10, { filter: 'title = "one"' }), 400, 'filter on the old name');

  // renaming the collection itself keeps the records
  const newName = uniqueName('col_renamed');
  const renamed = await pb.collections.update(col.id, { name: newName });
  assert.equal(renamed.name, newName);
  const again = await pb.collection(newName).getOne(r2.id);
  assert.equal(again.headline, 'two');
  assert.equal(again.collectionName, newName);
  await expectStatus(pb.collection(name).getList(1, 1), 404, 'old collection name');
});

test('delete a collection: gone from the API, records endpoint 404', async () => {
  const name = uniqueName('col_del');
  const col = await pb.collections.create({
    name, type: 'base', fields: [{ name: 'title', type: 'text' }], ...PUBLIC_RULES,
  });
  await pb.collection(name).create({ title: 'x' });
  assert.equal(await pb.collections.delete(col.id), true);
  const e = await expectStatus(pb.collections.getOne(col.id), 404, 'deleted collection');
  assertErrorShape(e, 404);
  await expectStatus(pb.collection(name).getList(1, 1), 404, 'records of a deleted collection');
  // the name can be reused, and the new collection starts empty
  const again = await pb.collections.create({
    name, type: 'base', fields: [{ name: 'title', type: 'text' }], ...PUBLIC_RULES,
  });
  created.push(again.id);
  const list = await pb.collection(name).getList(1, 10);
  assert.equal(list.totalItems, 0);
});

test('collection errors: duplicate name, invalid name, unknown field type, missing collection', async () => {
  const name = uniqueName('col_err');
  const col = await pb.collections.create({ name, type: 'base', fields: [{ name: 'title', type: 'text' }] });
  created.push(col.id);
  // omitted rules default to null (superusers only)
  assert.equal(col.listRule, null);
  assert.equal(col.viewRule, null);

  const dup = await expectStatus(pb.collections.create({ name, type: 'base', fields: [] }), 400, 'duplicate name');
  assertErrorShape(dup, 400);
  assert.ok(dup.response.data.name, `data.name in ${JSON.stringify(dup.response)}`);

  const bad = await expectStatus(pb.collections.create({ name: 'bad name!', type: 'base' }), 400, 'invalid name');
  assert.ok(bad.response.data.name, `data.name in ${JSON.stringify(bad.response)}`);

  await expectStatus(
    pb.collections.create({ name: uniqueName('col_badtype'), type: 'base', fields: [{ name: 'x', type: 'nope' }] }),
    400, 'unknown field type');

  await expectStatus(pb.collections.getOne('no_such_collection_xyz'), 404, 'missing collection');
  await expectStatus(pb.collections.delete('no_such_collection_xyz'), 404, 'delete missing collection');
});

test('protected deletes: _superusers and a collection referenced by a relation answer 400', async () => {
  await expectStatus(pb.collections.delete('_superusers'), 400, 'delete _superusers');

  const targetName = uniqueName('col_target');
  const target = await pb.collections.create({ name: targetName, type: 'base', fields: [{ name: 'n', type: 'text' }] });
  created.push(target.id);
  const refName = uniqueName('col_ref');
  const ref = await pb.collections.create({
    name: refName,
    type: 'base',
    fields: [{ name: 't', type: 'relation', collectionId: target.id, maxSelect: 1 }],
  });
  created.push(ref.id);
  await expectStatus(pb.collections.delete(target.id), 400, 'delete a referenced collection');
  // still there
  const still = await pb.collections.getOne(target.id);
  assert.equal(still.name, targetName);
});

test('non-superusers cannot use the collections API', async () => {
  const g = guest();
  await expectStatus(g.collections.create({ name: uniqueName('col_guest'), type: 'base' }), 401, 'guest create');
  await expectStatus(g.collections.getOne('_superusers'), 401, 'guest view');
  await expectStatus(g.collections.delete('_superusers'), 401, 'guest delete');
});

test('truncate deletes every record and keeps the collection', async () => {
  const name = uniqueName('col_trunc');
  const col = await pb.collections.create({ name, type: 'base', fields: [{ name: 'title', type: 'text' }], ...PUBLIC_RULES });
  created.push(col.id);
  for (const t of ['a', 'b', 'c']) await pb.collection(name).create({ title: t });
  assert.equal((await pb.collection(name).getList(1, 10)).totalItems, 3);
  assert.equal(await pb.collections.truncate(name), true);
  assert.equal((await pb.collection(name).getList(1, 10)).totalItems, 0);
  const again = await pb.collections.getOne(col.id);
  assert.equal(again.name, name);
  const r = await pb.collection(name).create({ title: 'after' });
  assert.equal(r.title, 'after');
});

test('import creates new collections and keeps the others', async () => {
  const name = uniqueName('col_imp');
  assert.equal(
    await pb.collections.import([{ name, type: 'base', fields: [{ name: 'title', type: 'text' }], ...PUBLIC_RULES }], false),
    true,
  );
  const col = await pb.collections.getOne(name);
  created.push(col.id);
  assert.ok(col.fields.some((f) => f.name === 'title' && f.type === 'text'), JSON.stringify(col.fields));
  const r = await pb.collection(name).create({ title: 'imported' });
  assert.equal(r.title, 'imported');
  // other collections are untouched
  const su = await pb.collections.getOne('_superusers');
  assert.equal(su.type, 'auth');
});

test('a view collection lists the rows of its query', async () => {
  const src = uniqueName('col_vsrc');
  const srcCol = await pb.collections.create({
    name: src, type: 'base', fields: [{ name: 'title', type: 'text' }, { name: 'views', type: 'number' }], ...PUBLIC_RULES,
  });
  created.push(srcCol.id);
  const a = await pb.collection(src).create({ title: 'popular', views: 100 });
  await pb.collection(src).create({ title: 'quiet', views: 1 });

  const name = uniqueName('col_view');
  const view = await pb.collections.create({
    name,
    type: 'view',
    viewQuery: `SELECT id, title, views FROM ${src} WHERE views > 10`,
    listRule: '',
    viewRule: '',
  });
  created.push(view.id);
  assert.equal(view.type, 'view');
  assert.ok(view.fields.some((f) => f.name === 'title'), JSON.stringify(view.fields));

  const list = await guest().collection(name).getList(1, 10);
  assert.equal(list.totalItems, 1);
  assert.equal(list.items[0].id, a.id);
  assert.equal(list.items[0].title, 'popular');
  assert.equal(list.items[0].views, 100);
  assert.equal(list.items[0].collectionName, name);
  const one = await guest().collection(name).getOne(a.id);
  assert.equal(one.title, 'popular');
  // a view is read-only
  await expectStatus(pb.collection(name).create({ title: 'x' }), 400, 'create in a view');
  // the source cannot be dropped while the view uses it
  await expectStatus(pb.collections.delete(srcCol.id), 400, 'delete a collection used by a view');
});
