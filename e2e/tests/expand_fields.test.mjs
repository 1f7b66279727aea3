// expand (single, multi, nested, back-relation) and fields (projection, `*`,
// :excerpt) on getOne / getList.
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, uniqueName, autodates, PUBLIC_RULES, dropCollections,
} from './lib.mjs';

let pb;
const C = {}; // collection names
const ids = {}; // collection ids
const R = {}; // records

before(async () => {
  pb = await superuser();
  for (const k of ['orgs', 'people', 'labels', 'secrets', 'posts', 'comments']) C[k] = uniqueName(`xf_${k}`);

  const mk = async (key, fields, rules = PUBLIC_RULES) => {
    const col = await pb.collections.create({ name: C[key], type: 'base', fields, ...rules });
    ids[key] = col.id;
  };
  await mk('orgs', [{ name: 'name', type: 'text' }]);
  await mk('people', [
    { name: 'name', type: 'text' },
    { name: 'org', type: 'relation', collectionId: ids.orgs, maxSelect: 1 },
  ]);
  await mk('labels', [{ name: 'name', type: 'text' }]);
  await mk('secrets', [{ name: 'code', type: 'text' }], {
    listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
  });
  await mk('posts', [
    { name: 'title', type: 'text' },
    { name: 'body', type: 'text' },
    { name: 'author', type: 'relation', collectionId: ids.people, maxSelect: 1 },
    { name: 'labels', type: 'relation', collectionId: ids.labels, maxSelect: 10 },
    { name: 'secret', type: 'relation', collectionId: ids.secrets, maxSelect: 1 },
    ...autodates(),
  ]);
  await mk('comments', [
    { name: 'text', type: 'text' },
    { name: 'post', type: 'relation', collectionId: ids.posts, maxSelect: 1 },
    { name: 'author', type: 'relation', collectionId: ids.people, maxSelect: 1 },
    ...autodates(),
  ]);

  const c = (k, body) => pb.collection(C[k]).create(body);
  R.acme = await c('orgs', { name: 'Acme' });
  R.ada = await c('people', { name: 'Ada', org: R.acme.id });
  R.bob = await c('people', { name: 'Bob' });
  R.red = await c('labels', { name: 'red' });
  R.blue = await c('labels', { name: 'blue' });
  R.green = await c('labels', { name: 'green' });
  R.s1 = await c('secrets', { code: 'top-secret' });
  R.p1 = await c('posts', {
    title: 'First post', body: 'abcdefghijklmnopqrstuvwxyz', author: R.ada.id, labels: [R.blue.id, R.red.id], secret: R.s1.id,
  });
  R.p2 = await c('posts', { title: 'Second', body: 'short', author: R.bob.id });
  R.p3 = await c('posts', { title: 'Html', body: '<p>Hello <b>big</b> world</p>' });
  R.c1 = await c('comments', { text: 'nice', post: R.p1.id, author: R.bob.id });
  R.c2 = await c('comments', { text: 'thanks', post: R.p1.id, author: R.ada.id });
  R.c3 = await c('comments', { text: 'meh', post: R.p2.id, author: R.ada.id });
});

after(async () => {
  await dropCollections(pb, ids.comments, ids.posts, ids.secrets, ids.labels, ids.people, ids.orgs);
});

test('expand a single relation', async () => {
  const r = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'author' });
  assert.equal(r.author, R.ada.id, 'the relation field keeps the id');
  assert.ok(r.expand, JSON.stringify(r));
  assert.equal(r.expand.author.id, R.ada.id);
  assert.equal(r.expand.author.name, 'Ada');
  assert.equal(r.expand.author.collectionName, C.people);
  assert.equal(r.expand.author.collectionId, ids.people);
  assert.equal(r.expand.author.org, R.acme.id);
  assert.ok(!r.expand.author.expand || Object.keys(r.expand.author.expand).length === 0, 'no nested expand unless asked');
  // without expand there is nothing expanded
  const plain = await guest().collection(C.posts).getOne(R.p1.id);
  assert.ok(!plain.expand || Object.keys(plain.expand).length === 0, JSON.stringify(plain.expand));
});

test('expand a multi relation keeps the stored order', async () => {
  const r = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'labels' });
  assert.deepEqual(r.labels, [R.blue.id, R.red.id]);
  assert.ok(Array.isArray(r.expand.labels), JSON.stringify(r.expand));
  assert.deepEqual(r.expand.labels.map((x) => x.name), ['blue', 'red']);
  // an empty relation expands to nothing
  const r2 = await guest().collection(C.posts).getOne(R.p2.id, { expand: 'labels' });
  assert.deepEqual(r2.labels, []);
  assert.equal(r2.expand?.labels, undefined, JSON.stringify(r2.expand));
});

test('expand nested relations and several paths at once', async () => {
  const r = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'author.org,labels' });
  assert.equal(r.expand.author.name, 'Ada');
  assert.equal(r.expand.author.expand.org.name, 'Acme');
  assert.equal(r.expand.labels.length, 2);
  const r2 = await guest().collection(C.posts).getOne(R.p2.id, { expand: 'author.org' });
  assert.equal(r2.expand.author.name, 'Bob');
  assert.equal(r2.expand.author.expand?.org, undefined, 'Bob has no org');
});

test('expand a back-relation (<comments>_via_post), also nested', async () => {
  const via_ = `${C.comments}_via_post`; // the back-relation is named <collection>_via_<field>
  const r = await guest().collection(C.posts).getOne(R.p1.id, { expand: via_ });
  const via = r.expand?.[via_];
  assert.ok(Array.isArray(via), JSON.stringify(r.expand));
  assert.deepEqual(via.map((x) => x.id).sort(), [R.c1.id, R.c2.id].sort());
  assert.deepEqual(via.map((x) => x.text).sort(), ['nice', 'thanks']);
  assert.ok(via.every((x) => x.collectionName === C.comments));

  const n = await guest().collection(C.posts).getOne(R.p1.id, { expand: `${via_}.author.org` });
  const byText = Object.fromEntries(n.expand[via_].map((x) => [x.text, x]));
  assert.equal(byText.nice.expand.author.name, 'Bob');
  assert.equal(byText.thanks.expand.author.name, 'Ada');
  assert.equal(byText.thanks.expand.author.expand.org.name, 'Acme');

  // and from the other side: comment -> post -> author
  const c = await guest().collection(C.comments).getOne(R.c3.id, { expand: 'post.author,author' });
  assert.equal(c.expand.post.title, 'Second');
  assert.equal(c.expand.post.expand.author.name, 'Bob');
  assert.equal(c.expand.author.name, 'Ada');
});

test('expand on getList applies to every item', async () => {
  const via = `${C.comments}_via_post`;
  const list = await guest().collection(C.posts).getList(1, 10, { sort: 'title', expand: `author,${via}` });
  const byTitle = Object.fromEntries(list.items.map((x) => [x.title, x]));
  assert.equal(byTitle['First post'].expand.author.name, 'Ada');
  assert.equal(byTitle['First post'].expand[via].length, 2);
  assert.equal(byTitle.Second.expand.author.name, 'Bob');
  assert.equal(byTitle.Second.expand[via].length, 1);
  assert.equal(byTitle.Html.expand?.author, undefined);
  assert.equal(byTitle.Html.expand?.[via], undefined);
});

test('unknown expand paths are ignored', async () => {
  const r = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'nope,author,title' });
  assert.equal(r.expand.author.name, 'Ada');
  assert.equal(r.expand.nope, undefined);
  assert.equal(r.expand.title, undefined);
});

test('expand respects the viewRule of the related collection', async () => {
  const g = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'secret' });
  assert.equal(g.secret, R.s1.id);
  assert.equal(g.expand?.secret, undefined, 'a guest may not see secrets');
  const s = await pb.collection(C.posts).getOne(R.p1.id, { expand: 'secret' });
  assert.equal(s.expand.secret.code, 'top-secret');
});

test('fields: id,title,expand.author.name projects exactly', async () => {
  const r = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'author', fields: 'id,title,expand.author.name' });
  assert.deepEqual(Object.keys(r).sort(), ['expand', 'id', 'title']);
  assert.equal(r.title, 'First post');
  assert.deepEqual(r.expand, { author: { name: 'Ada' } });

  const list = await guest().collection(C.posts).getList(1, 10, { sort: 'title', fields: 'id,title' });
  assert.equal(list.totalItems, 3, 'the list envelope is not projected');
  assert.equal(list.page, 1);
  for (const it of list.items) assert.deepEqual(Object.keys(it).sort(), ['id', 'title']);
  assert.deepEqual(list.items.map((x) => x.title), ['First post', 'Html', 'Second']);
});

test('fields: * returns every top-level field, and combines with expand paths', async () => {
  const full = await guest().collection(C.posts).getOne(R.p1.id);
  const star = await guest().collection(C.posts).getOne(R.p1.id, { fields: '*' });
  assert.deepEqual(star, full);

  const r = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'author.org', fields: '*,expand.author.name' });
  for (const k of Object.keys(full).filter((x) => x !== 'expand')) assert.deepEqual(r[k], full[k], `field ${k}`);
  assert.deepEqual(r.expand, { author: { name: 'Ada' } });

  const deep = await guest().collection(C.posts).getOne(R.p1.id, { expand: 'author.org', fields: 'id,expand.author.expand.org.name' });
  assert.deepEqual(deep, { id: R.p1.id, expand: { author: { expand: { org: { name: 'Acme' } } } } });
});

test('fields: :excerpt(max, ellipsis) shortens text to plain text', async () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  const r = await guest().collection(C.posts).getOne(R.p1.id, { fields: 'id,body:excerpt(10,true)' });
  assert.deepEqual(Object.keys(r).sort(), ['body', 'id']);
  assert.ok(r.body.endsWith('...'), `ellipsis expected: ${JSON.stringify(r.body)}`);
  const cut = r.body.slice(0, -3);
  assert.ok(cut.length > 0 && cut.length <= 10, `at most 10 characters before the ellipsis: ${JSON.stringify(r.body)}`);
  assert.ok(alphabet.startsWith(cut), `a prefix of the text: ${JSON.stringify(r.body)}`);

  const noEll = await guest().collection(C.posts).getOne(R.p1.id, { fields: 'body:excerpt(10)' });
  assert.ok(!noEll.body.endsWith('...'), JSON.stringify(noEll.body));
  assert.ok(noEll.body.length > 0 && noEll.body.length <= 10 && alphabet.startsWith(noEll.body), JSON.stringify(noEll.body));

  const short = await guest().collection(C.posts).getOne(R.p2.id, { fields: 'body:excerpt(10,true)' });
  assert.equal(short.body, 'short', 'a short text is not cut and gets no ellipsis');

  const html = await guest().collection(C.posts).getOne(R.p3.id, { fields: 'title,body:excerpt(100,true)' });
  assert.equal(html.title, 'Html');
  assert.ok(!html.body.includes('<'), `tags are stripped: ${JSON.stringify(html.body)}`);
  assert.equal(html.body.replace(/\s+/g, ' ').trim(), 'Hello big world');

  // on lists, with * for the other fields
  const list = await guest().collection(C.posts).getList(1, 10, { sort: 'title', fields: '*,body:excerpt(3,true)' });
  const first = list.items.find((x) => x.id === R.p1.id);
  assert.equal(first.title, 'First post');
  assert.ok(first.body.endsWith('...') && first.body.length <= 6, JSON.stringify(first.body));
});
