// The filter language on relation paths, back-relations, multi-valued fields,
// JSON paths and modifiers (contract-notes "Filters").
import { test, before, after } from 'node:test';
import {
  assert, superuser, uniqueName, autodates, PUBLIC_RULES, dropCollections,
} from './lib.mjs';

let pb;
const C = {};
const R = {};

before(async () => {
  pb = await superuser();
  for (const k of ['people', 'labels', 'posts', 'comments']) C[k] = uniqueName(`flt_${k}`);
  const ids = {};
  const mk = async (key, fields) => {
    ids[key] = (await pb.collections.create({ name: C[key], type: 'base', fields, ...PUBLIC_RULES })).id;
  };
  await mk('people', [{ name: 'name', type: 'text' }, { name: 'age', type: 'number' }]);
  await mk('labels', [{ name: 'name', type: 'text' }]);
  await mk('posts', [
    { name: 'title', type: 'text' },
    { name: 'author', type: 'relation', collectionId: ids.people, maxSelect: 1 },
    { name: 'labels', type: 'relation', collectionId: ids.labels, maxSelect: 5 },
    { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
    { name: 'meta', type: 'json' },
    { name: 'score', type: 'number' },
    ...autodates(),
  ]);
  await mk('comments', [
    { name: 'text', type: 'text' },
    { name: 'post', type: 'relation', collectionId: ids.posts, maxSelect: 1 },
  ]);
  const c = (k, b) => pb.collection(C[k]).create(b);
  R.ada = await c('people', { name: 'Ada', age: 36 });
  R.bob = await c('people', { name: 'Bob', age: 20 });
  R.red = await c('labels', { name: 'red' });
  R.blue = await c('labels', { name: 'blue' });
  R.one = await c('posts', {
    title: 'one', author: R.ada.id, labels: [R.red.id, R.blue.id], tags: ['a', 'b'], meta: { color: 'red', n: [1, 2] }, score: 5,
  });
  R.two = await c('posts', { title: 'two', author: R.bob.id, labels: [R.blue.id], tags: ['b'], meta: { color: 'blue' }, score: 0 });
  R.three = await c('posts', { title: 'three' });
  await c('comments', { text: 'nice', post: R.one.id });
  await c('comments', { text: 'great', post: R.one.id });
  await c('comments', { text: 'bad', post: R.two.id });
});

after(async () => {
  await dropCollections(pb, C.comments, C.posts, C.labels, C.people);
});

async function titles(filter) {
  const list = await pb.collection(C.posts).getFullList({ filter, sort: 'title' });
  return list.map((r) => r.title);
}

test('single relation paths: author.name, author.age', async () => {
  assert.deepEqual(await titles('author.name = "Ada"'), ['one']);
  assert.deepEqual(await titles('author.age > 30'), ['one']);
  // (how `author.age < 30` treats a post with no author is not pinned down by the contract)
  assert.deepEqual(await titles('author.age < 30 && author != ""'), ['two']);
  assert.deepEqual(await titles(pb.filter('author = {:id}', { id: R.bob.id })), ['two']);
});

test('empty relation: = "" and = null match the zero value', async () => {
  assert.deepEqual(await titles('author = ""'), ['three']);
  assert.deepEqual(await titles('author = null'), ['three']);
  assert.deepEqual(await titles('author != ""'), ['one', 'two']);
});

test('multi relation: plain operators need every value, ? forms mean any', async () => {
  assert.deepEqual(await titles('labels.name ?= "red"'), ['one']);
  assert.deepEqual(await titles('labels.name ?= "blue"'), ['one', 'two']);
  assert.deepEqual(await titles('labels.name = "blue"'), ['two']);
  // an empty multi relation counts as one NULL value
  assert.deepEqual(await titles('labels.name ?!= "red"'), ['one', 'three', 'two']);
  assert.deepEqual(await titles(pb.filter('labels ?= {:id}', { id: R.red.id })), ['one']);
});

test('back-relation paths: <collection>_via_<field>', async () => {
  const via = `${C.comments}_via_post`;
  assert.deepEqual(await titles(`${via}.text ?= "nice"`), ['one']);
  assert.deepEqual(await titles(`${via}.text ?~ "a"`), ['one', 'two']);
  assert.deepEqual(await titles(`${via}.text ?= "missing"`), []);
});

test('multi select: :each, :length', async () => {
  assert.deepEqual(await titles('tags:each ?= "a"'), ['one']);
  assert.deepEqual(await titles('tags:each ?= "b"'), ['one', 'two']);
  assert.deepEqual(await titles('tags:length = 2'), ['one']);
  assert.deepEqual(await titles('tags:length = 0'), ['three']);
  assert.deepEqual(await titles('labels:length >= 1'), ['one', 'two']);
});

test('json paths: keys, array index, missing key is null', async () => {
  assert.deepEqual(await titles('meta.color = "red"'), ['one']);
  assert.deepEqual(await titles('meta.n.1 = 2'), ['one']);
  assert.deepEqual(await titles('meta.color = null'), ['three']);
  assert.deepEqual(await titles('meta.color != null'), ['one', 'two']);
});

test('numbers and datetime macros', async () => {
  assert.deepEqual(await titles('score > 0'), ['one']);
  assert.deepEqual(await titles('score = 0'), ['three', 'two']);
  assert.deepEqual(await titles('created <= @now'), ['one', 'three', 'two']);
  assert.deepEqual(await titles('created > @now'), []);
  assert.deepEqual(await titles('created >= @todayStart || created < @todayStart'), ['one', 'three', 'two']);
});

test('superuser filters may join with @collection', async () => {
  assert.deepEqual(
    await titles(`@collection.${C.people}.name = "Ada" && @collection.${C.people}.id = author`),
    ['one'],
  );
});

test('sort by a relation path', async () => {
  const asc = await pb.collection(C.posts).getFullList({ sort: 'author.name,title', filter: 'author != ""' });
  assert.deepEqual(asc.map((r) => r.title), ['one', 'two']);
  const desc = await pb.collection(C.posts).getFullList({ sort: '-author.age', filter: 'author != ""' });
  assert.deepEqual(desc.map((r) => r.title), ['one', 'two']);
  const byName = await pb.collection(C.posts).getFullList({ sort: '-author.name', filter: 'author != ""' });
  assert.deepEqual(byName.map((r) => r.title), ['two', 'one']);
});
