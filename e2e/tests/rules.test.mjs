// API rules as seen by a guest: null rule -> 403 for every action, a list rule
// filters silently, view/update/delete rules -> 404, create rule -> 400.
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, uniqueName, PUBLIC_RULES, expectStatus, assertErrorShape, dropCollections,
} from './lib.mjs';

const NULL_RULES = { listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null };
const SUPERUSERS_ONLY = 'Only superusers can perform this action.';

let pb;
const C = {};
const R = {};
const fields = () => [
  { name: 'title', type: 'text' },
  { name: 'status', type: 'select', values: ['draft', 'published'], maxSelect: 1 },
];

before(async () => {
  pb = await superuser();
  C.closed = uniqueName('rl_closed');
  C.filtered = uniqueName('rl_filtered');
  C.open = uniqueName('rl_open');
  C.authOnly = uniqueName('rl_auth');
  await pb.collections.create({ name: C.closed, type: 'base', fields: fields(), ...NULL_RULES });
  await pb.collections.create({
    name: C.filtered,
    type: 'base',
    fields: fields(),
    listRule: 'status = "published"',
    viewRule: 'status = "published"',
    createRule: 'title != "forbidden"',
    updateRule: 'status = "draft"',
    deleteRule: 'status = "draft"',
  });
  await pb.collections.create({ name: C.open, type: 'base', fields: fields(), ...PUBLIC_RULES });
  await pb.collections.create({
    name: C.authOnly,
    type: 'base',
    fields: fields(),
    listRule: '@request.auth.id != ""',
    viewRule: '@request.auth.id != ""',
    createRule: null, updateRule: null, deleteRule: null,
  });

  R.closed = await pb.collection(C.closed).create({ title: 'closed', status: 'published' });
  R.pub1 = await pb.collection(C.filtered).create({ title: 'pub one', status: 'published' });
  R.pub2 = await pb.collection(C.filtered).create({ title: 'pub two', status: 'published' });
  R.draft1 = await pb.collection(C.filtered).create({ title: 'draft one', status: 'draft' });
  R.draft2 = await pb.collection(C.filtered).create({ title: 'draft two', status: 'draft' });
  R.authOnly = await pb.collection(C.authOnly).create({ title: 'members', status: 'published' });
});

after(async () => {
  await dropCollections(pb, C.closed, C.filtered, C.open, C.authOnly);
});

async function expect403(promise, what) {
  const e = await expectStatus(promise, 403, what);
  assertErrorShape(e, 403);
  assert.equal(e.response.message, SUPERUSERS_ONLY, what);
}

test('null rules: a guest gets 403 for every action, even on a missing id', async () => {
  const g = guest().collection(C.closed);
  await expect403(g.getList(1, 10), 'list');
  await expect403(g.getFullList(), 'full list');
  await expect403(g.getOne(R.closed.id), 'view');
  await expect403(g.getOne('missingid123456'), 'view missing');
  await expect403(g.create({ title: 'x' }), 'create');
  await expect403(g.update(R.closed.id, { title: 'x' }), 'update');
  await expect403(g.update('missingid123456', { title: 'x' }), 'update missing');
  await expect403(g.delete(R.closed.id), 'delete');
  await expect403(g.delete('missingid123456'), 'delete missing');
  // nothing changed
  const r = await pb.collection(C.closed).getOne(R.closed.id);
  assert.equal(r.title, 'closed');
  assert.equal((await pb.collection(C.closed).getList(1, 10)).totalItems, 1);
});

test('list rule filters silently; totals count only visible records', async () => {
  const list = await guest().collection(C.filtered).getList(1, 10, { sort: 'title' });
  assert.equal(list.totalItems, 2);
  assert.equal(list.totalPages, 1);
  assert.deepEqual(list.items.map((r) => r.title), ['pub one', 'pub two']);
  const full = await guest().collection(C.filtered).getFullList();
  assert.equal(full.length, 2);
  // the rule is ANDed with the user filter
  const f = await guest().collection(C.filtered).getList(1, 10, { filter: 'title ~ "one"' });
  assert.deepEqual(f.items.map((r) => r.id), [R.pub1.id]);
  const hidden = await guest().collection(C.filtered).getList(1, 10, { filter: 'status = "draft"' });
  assert.equal(hidden.totalItems, 0);
  assert.deepEqual(hidden.items, []);
  // an `||` in the user filter cannot widen the rule
  const widen = await guest().collection(C.filtered).getList(1, 10, { filter: 'status = "draft" || status = "published"' });
  assert.equal(widen.totalItems, 2);
  await expectStatus(guest().collection(C.filtered).getFirstListItem('title = "draft one"'), 404, 'first hidden item');
  // the superuser sees everything
  const all = await pb.collection(C.filtered).getList(1, 10);
  assert.equal(all.totalItems, 4);
});

test('view rule not met -> 404, like a missing record', async () => {
  const ok = await guest().collection(C.filtered).getOne(R.pub1.id);
  assert.equal(ok.title, 'pub one');
  const e = await expectStatus(guest().collection(C.filtered).getOne(R.draft1.id), 404, 'view a draft');
  assertErrorShape(e, 404);
  const superView = await pb.collection(C.filtered).getOne(R.draft1.id);
  assert.equal(superView.title, 'draft one');
});

test('update and delete rules not met -> 404; met -> success', async () => {
  const g = guest().collection(C.filtered);
  await expectStatus(g.update(R.pub2.id, { title: 'hacked' }), 404, 'update a published record');
  await expectStatus(g.delete(R.pub2.id), 404, 'delete a published record');
  assert.equal((await pb.collection(C.filtered).getOne(R.pub2.id)).title, 'pub two', 'unchanged');

  const u = await g.update(R.draft1.id, { title: 'draft one edited' });
  assert.equal(u.title, 'draft one edited');
  assert.equal(await g.delete(R.draft2.id), true);
  await expectStatus(pb.collection(C.filtered).getOne(R.draft2.id), 404, 'deleted draft');
});

test('create rule not met -> 400 "Failed to create record." with empty data', async () => {
  const g = guest().collection(C.filtered);
  const e = await expectStatus(g.create({ title: 'forbidden', status: 'draft' }), 400, 'create forbidden');
  assertErrorShape(e, 400);
  assert.equal(e.response.message, 'Failed to create record.');
  assert.deepEqual(e.response.data, {});
  const n = await pb.collection(C.filtered).getList(1, 1, { filter: 'title = "forbidden"' });
  assert.equal(n.totalItems, 0, 'nothing was stored');
  const ok = await g.create({ title: 'allowed', status: 'draft' });
  assert.equal(ok.title, 'allowed');
  await pb.collection(C.filtered).delete(ok.id);
});

test('empty-string rules: a guest may do everything', async () => {
  const g = guest().collection(C.open);
  const r = await g.create({ title: 'guest made', status: 'draft' });
  assert.equal(r.title, 'guest made');
  assert.equal((await g.getOne(r.id)).title, 'guest made');
  assert.equal((await g.update(r.id, { status: 'published' })).status, 'published');
  assert.ok((await g.getList(1, 10)).items.some((x) => x.id === r.id));
  assert.equal(await g.delete(r.id), true);
  await expectStatus(g.getOne(r.id), 404, 'deleted');
});

test('@request.auth rules: a guest sees an empty list and 404 on view', async () => {
  const g = guest().collection(C.authOnly);
  const list = await g.getList(1, 10);
  assert.equal(list.totalItems, 0);
  assert.deepEqual(list.items, []);
  await expectStatus(g.getOne(R.authOnly.id), 404, 'view as guest');
  const su = await pb.collection(C.authOnly).getOne(R.authOnly.id);
  assert.equal(su.title, 'members');
});

test('guests may not use @request or @collection in filter or sort (403)', async () => {
  const g = guest().collection(C.open);
  await expectStatus(g.getList(1, 10, { filter: '@request.auth.id = ""' }), 403, '@request in filter');
  await expectStatus(g.getList(1, 10, { filter: `@collection.${C.filtered}.title = "pub one"` }), 403, '@collection in filter');
  await expectStatus(g.getList(1, 10, { sort: '@request.auth.id' }), 403, '@request in sort');
});

test('changing a rule takes effect at once', async () => {
  const name = uniqueName('rl_change');
  const col = await pb.collections.create({ name, type: 'base', fields: fields(), ...PUBLIC_RULES });
  try {
    await pb.collection(name).create({ title: 't', status: 'draft' });
    assert.equal((await guest().collection(name).getList(1, 10)).totalItems, 1);
    await pb.collections.update(col.id, { listRule: null });
    await expect403(guest().collection(name).getList(1, 10), 'list after the rule became null');
    await pb.collections.update(col.id, { listRule: 'status = "published"' });
    assert.equal((await guest().collection(name).getList(1, 10)).totalItems, 0);
  } finally {
    await dropCollections(pb, col.id);
  }
});

test('@request.body rules and hidden fields', async () => {
  const name = uniqueName('rl_body');
  const col = await pb.collections.create({
    name,
    type: 'base',
    fields: [...fields(), { name: 'secret', type: 'text', hidden: true }],
    listRule: '',
    viewRule: '',
    createRule: '@request.body.status = "draft"',
    updateRule: '@request.body.status:isset = false',
    deleteRule: null,
  });
  try {
    const g = guest().collection(name);
    const e = await expectStatus(g.create({ title: 'x', status: 'published' }), 400, 'create rule on the body');
    assert.deepEqual(e.response.data, {});
    const r = await g.create({ title: 'x', status: 'draft', secret: 'from guest' });
    assert.equal(r.status, 'draft');
    assert.equal('secret' in r, false, 'hidden fields are not returned to guests');
    // a guest's value for a hidden field is ignored; the superuser sees hidden fields
    const su = await pb.collection(name).getOne(r.id);
    assert.equal(su.secret, '');
    await pb.collection(name).update(r.id, { secret: 's3cret' });
    assert.equal((await pb.collection(name).getOne(r.id)).secret, 's3cret');
    assert.equal('secret' in (await g.getOne(r.id)), false);
    // filtering or sorting by a hidden field is refused to non-superusers
    await expectStatus(g.getList(1, 10, { filter: 'secret = "s3cret"' }), 400, 'guest filter on a hidden field');
    await expectStatus(g.getList(1, 10, { sort: 'secret' }), 400, 'guest sort on a hidden field');
    const f = await pb.collection(name).getList(1, 10, { filter: 'secret = "s3cret"' });
    assert.equal(f.totalItems, 1);
    // update rule: status may not be sent
    await expectStatus(g.update(r.id, { status: 'published' }), 404, 'update that sets status');
    const u = await g.update(r.id, { title: 'renamed' });
    assert.equal(u.title, 'renamed');
  } finally {
    await dropCollections(pb, col.id);
  }
});
