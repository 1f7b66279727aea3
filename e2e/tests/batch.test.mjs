// The batch API through the SDK's createBatch(): in order, one transaction,
// rules per request, files, realtime events only after the commit.
import { test, before, after } from 'node:test';
import { EventSource } from 'eventsource';
import {
  assert, superuser, guest, uniqueName, expectStatus, dropCollections,
} from './lib.mjs';

globalThis.EventSource = EventSource; // Node has no EventSource

let pb;
let authors;
let posts;

before(async () => {
  pb = await superuser();
  await pb.settings.update({ batch: { enabled: true, maxRequests: 50, timeout: 10 } });
  authors = uniqueName('b_authors');
  posts = uniqueName('b_posts');
  const a = await pb.collections.create({
    name: authors, type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'name', type: 'text' }],
  });
  await pb.collections.create({
    name: posts,
    type: 'base',
    listRule: '', viewRule: '', createRule: 'title !~ "no%"', updateRule: 'views < 100', deleteRule: 'views < 100',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'views', type: 'number' },
      { name: 'author', type: 'relation', collectionId: a.id, maxSelect: 1 },
      { name: 'doc', type: 'file' },
    ],
  });
});

after(async () => {
  await dropCollections(pb, posts, authors);
});

test('create, update, upsert and delete in one batch, in order, with fields and expand', async () => {
  const g = guest();
  const keep = await g.collection(posts).create({ title: 'keep', views: 1 });
  const gone = await g.collection(posts).create({ title: 'gone' });
  const b = g.createBatch();
  b.collection(authors).create({ id: 'bauthor00000001', name: 'Ann' });
  b.collection(posts).create({ title: 'new', author: 'bauthor00000001' }, { expand: 'author', fields: 'title,expand' });
  b.collection(posts).update(keep.id, { 'views+': 5 });
  b.collection(posts).upsert({ id: keep.id, title: 'upserted' });
  b.collection(posts).upsert({ id: 'bfresh000000001', title: 'fresh' });
  b.collection(posts).delete(gone.id);
  const res = await b.send();
  assert.deepEqual(res.map((r) => r.status), [200, 200, 200, 200, 200, 204]);
  assert.deepEqual(res[1].body, { title: 'new', expand: { author: res[1].body.expand.author } });
  assert.equal(res[1].body.expand.author.name, 'Ann');
  assert.equal(res[2].body.views, 6);
  assert.equal(res[3].body.title, 'upserted');
  assert.equal(res[4].body.id, 'bfresh000000001');
  await expectStatus(g.collection(posts).getOne(gone.id), 404, 'deleted in the batch');
});

test('a failing request rolls back the whole batch and names itself', async () => {
  const g = guest();
  const before = (await g.collection(posts).getList(1, 1)).totalItems;
  const b = g.createBatch();
  b.collection(posts).create({ title: 'first' });
  b.collection(posts).create({ views: 3 }); // title is required
  b.collection(posts).create({ title: 'third' });
  const err = await expectStatus(b.send(), 400, 'batch with an invalid request');
  assert.equal(err.response.message, 'Batch transaction failed.');
  const r1 = err.response.data.requests['1'];
  assert.equal(r1.code, 'batch_request_failed');
  assert.equal(r1.response.status, 400);
  assert.equal(r1.response.data.title.code, 'validation_required');
  assert.equal((await g.collection(posts).getList(1, 1)).totalItems, before);

  // The createRule is checked per request, as alone.
  const b2 = g.createBatch();
  b2.collection(posts).create({ title: 'ok' });
  b2.collection(posts).create({ title: 'nope' });
  const err2 = await expectStatus(b2.send(), 400, 'batch with a refused create');
  assert.equal(err2.response.data.requests['1'].response.status, 400);
  assert.equal((await g.collection(posts).getList(1, 1)).totalItems, before);
});

test('files in a batch', async () => {
  const g = guest();
  const b = g.createBatch();
  b.collection(posts).create({ title: 'with file', doc: new File(['batch bytes'], 'Batch Doc.txt') });
  const [res] = await b.send();
  assert.match(res.body.doc, /^batch_doc_[a-z0-9]{10}\.txt$/);
  const got = await fetch(g.files.getURL(res.body, res.body.doc));
  assert.equal(got.status, 200);
  assert.equal(await got.text(), 'batch bytes');
});

test('realtime events come after the commit, and not at all for a failed batch', async () => {
  const g = guest();
  const seen = [];
  const unsub = await g.collection(posts).subscribe('*', (e) => seen.push(`${e.action}:${e.record.title}`));
  try {
    const bad = g.createBatch();
    bad.collection(posts).create({ title: 'rt-rolled-back' });
    bad.collection(posts).create({ title: 'nope' });
    await expectStatus(bad.send(), 400);
    const ok = g.createBatch();
    ok.collection(posts).create({ title: 'rt-a' });
    ok.collection(posts).create({ title: 'rt-b' });
    await ok.send();
    const deadline = Date.now() + 10000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen, ['create:rt-a', 'create:rt-b']);
  } finally {
    await unsub();
  }
});
