// Records CRUD, listing (pagination, sort, skipTotal), filters with bound
// parameters, and the error shapes the SDK surfaces.
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, uniqueName, autodates, PUBLIC_RULES, expectStatus, assertErrorShape,
  assertFieldError, dropCollections, ID_RE, DATE_RE,
} from './lib.mjs';

let pb;
let items; // CRUD playground
let pages; // 7 fixed records for listing
let strs; // tricky strings for filters
const seeded = [];

const fields = () => [
  { name: 'title', type: 'text', required: true },
  { name: 'body', type: 'text' },
  { name: 'views', type: 'number' },
  { name: 'active', type: 'bool' },
  { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
  { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
  { name: 'meta', type: 'json' },
  { name: 'when', type: 'date' },
  ...autodates(),
];

before(async () => {
  pb = await superuser();
  items = uniqueName('rec_items');
  pages = uniqueName('rec_pages');
  strs = uniqueName('rec_strs');
  for (const name of [items, pages, strs]) {
    await pb.collections.create({ name, type: 'base', fields: fields(), ...PUBLIC_RULES });
  }
  // views/title pairs chosen so that multi-key sorts have ties to break
  const rows = [
    ['delta', 3, true], ['alpha', 1, false], ['echo', 3, false], ['bravo', 2, true],
    ['golf', 1, true], ['charlie', 3, true], ['foxtrot', 2, false],
  ];
  for (const [title, views, active] of rows) {
    seeded.push(await pb.collection(pages).create({ title, views, active, status: active ? 'live' : 'draft' }));
  }
});

after(async () => {
  await dropCollections(pb, items, pages, strs);
});

test('create returns the full record with system fields and zero values', async () => {
  const r = await pb.collection(items).create({ title: 'first' });
  assert.match(r.id, ID_RE);
  assert.equal(r.collectionName, items);
  assert.equal(typeof r.collectionId, 'string');
  assert.ok(r.collectionId.length > 0);
  assert.match(r.created, DATE_RE);
  assert.match(r.updated, DATE_RE);
  assert.equal(r.title, 'first');
  assert.equal(r.body, '');
  assert.equal(r.views, 0);
  assert.equal(r.active, false);
  assert.equal(r.status, '');
  assert.deepEqual(r.tags, []);
  assert.equal(r.meta, null);
  assert.equal(r.when, '');
  const col = await pb.collections.getOne(items);
  assert.equal(r.collectionId, col.id);
});

test('create with every value type round-trips through getOne', async () => {
  const body = {
    title: 'Typed',
    body: 'multi\nline "quoted" \'single\' \\ back',
    views: 12.5,
    active: true,
    status: 'live',
    tags: ['c', 'a'],
    meta: { nested: { arr: [1, 'two', false, null] }, n: 1.5 },
    when: '2023-12-31 23:59:59.999Z',
  };
  const r = await pb.collection(items).create(body);
  const g = await pb.collection(items).getOne(r.id);
  for (const [k, v] of Object.entries(body)) {
    assert.deepEqual(g[k], v, `field ${k}`);
  }
  assert.equal(g.created, r.created);
  // ISO input is normalised to the API date format
  const iso = await pb.collection(items).create({ title: 'iso', when: '2024-02-03T04:05:06Z' });
  assert.equal(iso.when, '2024-02-03 04:05:06.000Z');
});

test('create with a custom id keeps it; a duplicate id is 400', async () => {
  const id = Math.random().toString(36).slice(2, 10).padEnd(15, 'x').slice(0, 15);
  const r = await pb.collection(items).create({ id, title: 'custom id' });
  assert.equal(r.id, id);
  const g = await pb.collection(items).getOne(id);
  assert.equal(g.title, 'custom id');
  await expectStatus(pb.collection(items).create({ id, title: 'again' }), 400, 'duplicate id');
});

test('lenient input: numeric strings, "true", a plain string for a multi select', async () => {
  const r = await pb.collection(items).create({ title: 'lenient', views: '42', active: 'true', tags: 'b' });
  assert.equal(r.views, 42);
  assert.equal(r.active, true);
  assert.deepEqual(r.tags, ['b']);
  // unknown body fields are ignored
  const u = await pb.collection(items).create({ title: 'unknown', nope: 1 });
  assert.equal('nope' in u, false);
});

test('update is a partial PATCH; delete removes the record', async () => {
  const r = await pb.collection(items).create({ title: 'to update', views: 5, tags: ['a'], meta: { a: 1 } });
  await new Promise((res) => setTimeout(res, 10));
  const u = await pb.collection(items).update(r.id, { title: 'updated', active: true });
  assert.equal(u.id, r.id);
  assert.equal(u.title, 'updated');
  assert.equal(u.active, true);
  assert.equal(u.views, 5, 'untouched fields are kept');
  assert.deepEqual(u.tags, ['a']);
  assert.deepEqual(u.meta, { a: 1 });
  assert.equal(u.created, r.created);
  assert.ok(u.updated > r.updated, `updated should move forward: ${r.updated} -> ${u.updated}`);

  const cleared = await pb.collection(items).update(r.id, { meta: null, tags: [], views: 0 });
  assert.equal(cleared.meta, null);
  assert.deepEqual(cleared.tags, []);
  assert.equal(cleared.views, 0);

  assert.equal(await pb.collection(items).delete(r.id), true);
  const e = await expectStatus(pb.collection(items).getOne(r.id), 404, 'getOne after delete');
  assertErrorShape(e, 404);
  await expectStatus(pb.collection(items).delete(r.id), 404, 'delete twice');
  await expectStatus(pb.collection(items).update(r.id, { title: 'x' }), 404, 'update a deleted record');
});

test('validation errors: required, select value, number', async () => {
  const e = await expectStatus(pb.collection(items).create({ body: 'no title' }), 400, 'missing required');
  assertErrorShape(e, 400);
  assertFieldError(e, 'title', 'validation_required');

  const empty = await expectStatus(pb.collection(items).create({ title: '' }), 400, 'empty required');
  assertFieldError(empty, 'title', 'validation_required');

  const sel = await expectStatus(pb.collection(items).create({ title: 't', status: 'nope' }), 400, 'bad select');
  assert.ok(sel.response.data.status, JSON.stringify(sel.response));
  assert.equal(typeof sel.response.data.status.code, 'string');

  // Galley answers 400 for a non-numeric number (documented difference)
  const num = await expectStatus(pb.collection(items).create({ title: 't', views: 'abc' }), 400, 'non-numeric number');
  assert.ok(num.response.data.views, JSON.stringify(num.response));

  // an update that empties a required field
  const r = await pb.collection(items).create({ title: 'keep' });
  const ue = await expectStatus(pb.collection(items).update(r.id, { title: '' }), 400, 'update to empty required');
  assertFieldError(ue, 'title', 'validation_required');
  assert.equal((await pb.collection(items).getOne(r.id)).title, 'keep');
});

test('getList paginates with totals', async () => {
  const p1 = await pb.collection(pages).getList(1, 3, { sort: 'title' });
  assert.equal(p1.page, 1);
  assert.equal(p1.perPage, 3);
  assert.equal(p1.totalItems, 7);
  assert.equal(p1.totalPages, 3);
  assert.deepEqual(p1.items.map((r) => r.title), ['alpha', 'bravo', 'charlie']);
  const p3 = await pb.collection(pages).getList(3, 3, { sort: 'title' });
  assert.equal(p3.page, 3);
  assert.deepEqual(p3.items.map((r) => r.title), ['golf']);
  const p4 = await pb.collection(pages).getList(4, 3, { sort: 'title' });
  assert.equal(p4.totalItems, 7);
  assert.deepEqual(p4.items, []);
  // defaults: page 1, perPage 30
  const def = await pb.send(`/api/collections/${pages}/records`, {});
  assert.equal(def.page, 1);
  assert.equal(def.perPage, 30);
  assert.equal(def.items.length, 7);
});

test('getFullList returns every record, also across batches', async () => {
  const all = await pb.collection(pages).getFullList({ sort: 'title' });
  assert.equal(all.length, 7);
  assert.deepEqual(all.map((r) => r.id).sort(), seeded.map((r) => r.id).sort());
  const batched = await pb.collection(pages).getFullList({ batch: 2, sort: '-title' });
  assert.deepEqual(batched.map((r) => r.title), ['golf', 'foxtrot', 'echo', 'delta', 'charlie', 'bravo', 'alpha']);
});

test('sort: multi-key, -desc, +asc', async () => {
  const a = await pb.collection(pages).getFullList({ sort: '-views,title' });
  assert.deepEqual(a.map((r) => r.title), ['charlie', 'delta', 'echo', 'bravo', 'foxtrot', 'alpha', 'golf']);
  const b = await pb.collection(pages).getFullList({ sort: 'views,-title' });
  assert.deepEqual(b.map((r) => r.title), ['golf', 'alpha', 'foxtrot', 'bravo', 'echo', 'delta', 'charlie']);
  const c = await pb.collection(pages).getFullList({ sort: '+title' });
  assert.deepEqual(c.map((r) => r.title), ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf']);
  const d = await pb.collection(pages).getFullList({ sort: '-active,views,title' });
  assert.deepEqual(d.map((r) => r.title), ['golf', 'bravo', 'charlie', 'delta', 'alpha', 'foxtrot', 'echo']);
  const r = await pb.collection(pages).getList(1, 7, { sort: '@random' });
  assert.equal(r.items.length, 7);
  await expectStatus(pb.collection(pages).getList(1, 1, { sort: 'nope' }), 400, 'sort by an unknown field');
});

test('skipTotal gives -1 totals and still returns the page', async () => {
  const r = await pb.collection(pages).getList(1, 2, { sort: 'title', skipTotal: true });
  assert.equal(r.totalItems, -1);
  assert.equal(r.totalPages, -1);
  assert.equal(r.page, 1);
  assert.equal(r.perPage, 2);
  assert.deepEqual(r.items.map((x) => x.title), ['alpha', 'bravo']);
  const f = await pb.collection(pages).getList(1, 10, { filter: 'views = 3', skipTotal: true, sort: 'title' });
  assert.equal(f.totalItems, -1);
  assert.deepEqual(f.items.map((x) => x.title), ['charlie', 'delta', 'echo']);
});

test('filters: comparison operators, && || (), bound numbers/bools/dates', async () => {
  const titles = async (filter) =>
    (await pb.collection(pages).getFullList({ filter, sort: 'title' })).map((r) => r.title);
  assert.deepEqual(await titles('views = 3'), ['charlie', 'delta', 'echo']);
  assert.deepEqual(await titles('views != 3 && active = true'), ['bravo', 'golf']);
  assert.deepEqual(await titles('(views >= 3 || views < 2) && active = false'), ['alpha', 'echo']);
  assert.deepEqual(await titles('title ~ "ha"'), ['alpha', 'charlie']);
  assert.deepEqual(await titles('title !~ "o"'), ['alpha', 'charlie', 'delta']);
  assert.deepEqual(await titles('status = "live" // a comment\n && views > 2'), ['charlie', 'delta']);
  assert.deepEqual(await titles(pb.filter('views > {:v} && active = {:a}', { v: 1, a: true })), ['bravo', 'charlie', 'delta']);
  assert.equal((await titles(pb.filter('created <= {:d}', { d: new Date(Date.now() + 3600e3) }))).length, 7);
  assert.deepEqual(await titles(pb.filter('created > {:d}', { d: new Date(Date.now() + 3600e3) })), []);
});

test('pb.filter() binds quotes and SQL-looking strings exactly', async () => {
  const tricky = [
    "x' OR 1=1 --",
    'a"b',
    "it's",
    'back\\slash',
    "semi'; DROP TABLE users; --",
    '" OR "1"="1',
    '100% _sure_',
    'unicode ✓ 日本語 🚀',
    '{:t}',
    '  spaced  ',
    'null',
  ];
  const ids = {};
  for (const t of tricky) {
    const r = await pb.collection(strs).create({ title: t });
    assert.equal(r.title, t, 'stored exactly');
    ids[t] = r.id;
  }
  for (const t of tricky) {
    const res = await pb.collection(strs).getList(1, 50, { filter: pb.filter('title = {:t}', { t }) });
    assert.deepEqual(res.items.map((r) => r.title), [t], `filter title = ${JSON.stringify(t)}`);
    assert.equal(res.items[0].id, ids[t]);
    const first = await pb.collection(strs).getFirstListItem(pb.filter('title = {:t}', { t }));
    assert.equal(first.id, ids[t]);
    const neg = await pb.collection(strs).getList(1, 50, { filter: pb.filter('title != {:t}', { t }) });
    assert.equal(neg.totalItems, tricky.length - 1, `filter title != ${JSON.stringify(t)}`);
  }
  // injection attempts match nothing
  for (const t of ["' OR ''='", '" || title != "', "x' OR 1=1 -- extra", '1) OR (1=1']) {
    const res = await pb.collection(strs).getList(1, 50, { filter: pb.filter('title = {:t}', { t }) });
    assert.equal(res.totalItems, 0, `injection ${JSON.stringify(t)} matched ${JSON.stringify(res.items.map((r) => r.title))}`);
  }
  // ~ on a bound value: `_` is literal, match is case-insensitive
  const u1 = await pb.collection(strs).create({ title: 'a_c' });
  await pb.collection(strs).create({ title: 'abc' });
  const like = await pb.collection(strs).getFullList({ filter: pb.filter('title ~ {:t}', { t: 'a_c' }) });
  assert.deepEqual(like.map((r) => r.id), [u1.id], '`_` is literal in ~');
  const ci = await pb.collection(strs).getFullList({ filter: pb.filter('title ~ {:t}', { t: 'UNICODE ✓' }) });
  assert.deepEqual(ci.map((r) => r.id), [ids['unicode ✓ 日本語 🚀']], '~ is case-insensitive');
  // = on text is case-sensitive
  const cs = await pb.collection(strs).getList(1, 10, { filter: pb.filter('title = {:t}', { t: "IT'S" }) });
  assert.equal(cs.totalItems, 0);
});

test('pb.filter() binds control characters (tab, newline, CR, U+0001) exactly', async () => {
  // pb.filter() JSON-encodes strings, so "\t", "\n", "\r" and "\u0001" arrive as escapes
  const values = ['tab\there', 'new\nline', 'cr\rlf\r\n', 'ctl\u0001x'];
  for (const t of values) {
    const r = await pb.collection(strs).create({ title: t });
    assert.equal(r.title, t, 'stored exactly');
    const res = await pb.collection(strs).getList(1, 50, { filter: pb.filter('title = {:t}', { t }) });
    assert.deepEqual(res.items.map((x) => x.id), [r.id], `filter ${pb.filter('title = {:t}', { t })}`);
  }
});

test('filter errors: bad syntax and unknown fields are 400', async () => {
  for (const filter of ['title =', 'title = "unterminated', '(views > 1', 'views >>> 2', 'nope = 1', 'title = "a" &&']) {
    const e = await expectStatus(pb.collection(pages).getList(1, 10, { filter }), 400, `filter ${JSON.stringify(filter)}`);
    assertErrorShape(e, 400);
  }
});

test('getOne on a missing id, and a missing collection, answer 404', async () => {
  const e = await expectStatus(pb.collection(pages).getOne('doesnotexist123'), 404, 'missing id');
  assertErrorShape(e, 404);
  await expectStatus(pb.collection(pages).getOne('x'), 404, 'short id');
  await expectStatus(guest().collection(pages).getOne('doesnotexist123'), 404, 'missing id as guest');
  await expectStatus(pb.collection('no_such_collection_abc').getList(1, 1), 404, 'missing collection');
});

test('getFirstListItem returns the first match, or a 404 from the SDK', async () => {
  const r = await pb.collection(pages).getFirstListItem('views = 2', { sort: '-title' });
  assert.equal(r.title, 'foxtrot');
  const e = await expectStatus(pb.collection(pages).getFirstListItem('views = 99'), 404, 'no match');
  assert.equal(e.status, 404);
  // the server itself answers an empty 200 list for the same query
  const raw = await pb.collection(pages).getList(1, 1, { filter: 'views = 99' });
  assert.equal(raw.totalItems, 0);
  assert.deepEqual(raw.items, []);
});

test('perPage is clamped to 1000 and page/perPage 0 fall back to defaults', async () => {
  const big = await pb.send(`/api/collections/${pages}/records`, { query: { perPage: 5000 } });
  assert.equal(big.perPage, 1000);
  const zero = await pb.send(`/api/collections/${pages}/records`, { query: { page: 0, perPage: 0 } });
  assert.equal(zero.page, 1);
  assert.equal(zero.perPage, 30);
});
