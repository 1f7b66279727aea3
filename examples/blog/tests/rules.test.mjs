// The blog's rules through the API (the SDK, as the pages use it): drafts,
// authorship, one like per user per post, moderators, search, pagination and
// the RSS feed's escaping.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import { URL, superuser, uniqueEmail } from '../../lib.mjs';

const PASSWORD = 'Writer-Pass-123';
let su;
const guest = () => { const pb = new PocketBase(URL); pb.autoCancellation(false); return pb; };

async function newUser(name, extra = {}) {
  const email = uniqueEmail(name.toLowerCase().replace(/[^a-z0-9]/g, '') || 'user');
  const rec = await su.collection('users').create({ email, name, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
  const pb = guest();
  await pb.collection('users').authWithPassword(email, PASSWORD);
  return { pb, id: rec.id, email };
}
const post = (u, fields = {}) => u.pb.collection('posts').create({ title: `Post ${Date.now()}`, body: 'Text.', status: 'published', author: u.id, ...fields });

before(async () => {
  su = await superuser();
});

test('a draft is seen by its author only; published posts by everyone', async () => {
  const ann = await newUser('Ann');
  const bob = await newUser('Bob');
  const draft = await post(ann, { title: 'Secret draft', status: 'draft' });
  const pub = await post(ann, { title: 'Public post' });
  await assert.rejects(guest().collection('posts').getOne(draft.id), (e) => e.status === 404);
  await assert.rejects(bob.pb.collection('posts').getOne(draft.id), (e) => e.status === 404);
  assert.equal((await ann.pb.collection('posts').getOne(draft.id)).title, 'Secret draft');
  assert.equal((await guest().collection('posts').getOne(pub.id)).title, 'Public post');
  const seen = await guest().collection('posts').getFullList({ filter: guest().filter('author = {:a}', { a: ann.id }) });
  assert.deepEqual(seen.map((p) => p.id), [pub.id]);
});

test('only the author edits or deletes a post, and nobody writes as someone else', async () => {
  const ann = await newUser('Ann');
  const bob = await newUser('Bob');
  const p = await post(ann, { title: 'Mine' });
  await assert.rejects(bob.pb.collection('posts').update(p.id, { title: 'Hijacked' }), (e) => e.status === 404);
  await assert.rejects(bob.pb.collection('posts').delete(p.id), (e) => e.status === 404);
  await assert.rejects(post(bob, { author: ann.id }), (e) => e.status === 400);
  await assert.rejects(ann.pb.collection('posts').update(p.id, { author: bob.id }), (e) => e.status === 404);
  await assert.rejects(guest().collection('posts').create({ title: 'x', status: 'published', author: ann.id }), (e) => e.status === 400);
  assert.equal((await ann.pb.collection('posts').update(p.id, { title: 'Still mine' })).title, 'Still mine');
  assert.equal((await guest().collection('posts').getOne(p.id)).title, 'Still mine');
});

test('one like per user per post, counted', async () => {
  const ann = await newUser('Ann');
  const bob = await newUser('Bob');
  const cat = await newUser('Cat');
  const p = await post(ann);
  await bob.pb.collection('likes').create({ post: p.id, user: bob.id });
  await assert.rejects(bob.pb.collection('likes').create({ post: p.id, user: bob.id }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.response.data.post?.code ?? e.response.data.user?.code, 'validation_not_unique', JSON.stringify(e.response));
    return true;
  });
  await assert.rejects(bob.pb.collection('likes').create({ post: p.id, user: cat.id }), (e) => e.status === 400);
  await cat.pb.collection('likes').create({ post: p.id, user: cat.id });
  assert.equal((await guest().collection('post_stats').getOne(p.id)).likes, 2);
  // Unlike, and a draft cannot be liked.
  const mine = await cat.pb.collection('likes').getFirstListItem(cat.pb.filter('post = {:p}', { p: p.id }));
  await cat.pb.collection('likes').delete(mine.id);
  assert.equal((await guest().collection('post_stats').getOne(p.id)).likes, 1);
  const draft = await post(ann, { status: 'draft' });
  await assert.rejects(bob.pb.collection('likes').create({ post: draft.id, user: bob.id }), (e) => e.status === 400);
  await assert.rejects(guest().collection('post_stats').getOne(draft.id), (e) => e.status === 404);
});

test('moderators hide comments; nobody else can, and nobody makes themselves a moderator', async () => {
  const ann = await newUser('Ann');
  const bob = await newUser('Bob');
  const mod = await newUser('Mo', { role: 'moderator' });
  const p = await post(ann);
  const c = await bob.pb.collection('comments').create({ post: p.id, author: bob.id, body: 'Rude words' });
  await assert.rejects(bob.pb.collection('comments').create({ post: p.id, author: ann.id, body: 'as Ann' }), (e) => e.status === 400);
  await assert.rejects(bob.pb.collection('comments').create({ post: p.id, author: bob.id, body: 'x', hidden: true }), (e) => e.status === 400);
  await assert.rejects(ann.pb.collection('comments').update(c.id, { hidden: true }), (e) => e.status === 404);
  await assert.rejects(bob.pb.collection('users').update(bob.id, { role: 'moderator' }), (e) => e.status === 404 || e.status === 400);
  await assert.rejects(guest().collection('users').create({ email: uniqueEmail('sneaky'), password: PASSWORD, passwordConfirm: PASSWORD, role: 'moderator' }), (e) => e.status === 400);
  // A moderator hides it but cannot rewrite it.
  await assert.rejects(mod.pb.collection('comments').update(c.id, { body: 'Nice words' }), (e) => e.status === 404);
  await mod.pb.collection('comments').update(c.id, { hidden: true });
  const list = (pb) => pb.collection('comments').getFullList({ filter: pb.filter('post = {:p}', { p: p.id }) });
  assert.equal((await list(guest())).length, 0);
  assert.equal((await list(ann.pb)).length, 0);
  assert.equal((await list(bob.pb))[0].hidden, true); // its author sees it, marked hidden
  assert.equal((await list(mod.pb)).length, 1);
  // Comments on drafts are refused.
  const draft = await post(ann, { status: 'draft' });
  await assert.rejects(ann.pb.collection('comments').create({ post: draft.id, author: ann.id, body: 'x' }), (e) => e.status === 400);
});

test('search titles with the filter language, page through the results', async () => {
  const ann = await newUser('Ann');
  const word = `zebra${Date.now().toString(36)}`;
  for (let i = 1; i <= 7; i++) await post(ann, { title: `A ${word} story ${i}` });
  await post(ann, { title: `A ${word} draft`, status: 'draft' });
  const pb = guest();
  const page1 = await pb.collection('posts').getList(1, 3, { filter: pb.filter('title ~ {:q}', { q: word }), sort: '-created' });
  assert.equal(page1.totalItems, 7);
  assert.equal(page1.totalPages, 3);
  assert.equal(page1.items[0].title, `A ${word} story 7`);
  const page3 = await pb.collection('posts').getList(3, 3, { filter: pb.filter('title ~ {:q}', { q: word }), sort: '-created' });
  assert.deepEqual(page3.items.map((p) => p.title), [`A ${word} story 1`]);
  // A quote in the search text is a value, not filter syntax.
  const odd = await pb.collection('posts').getList(1, 3, { filter: pb.filter('title ~ {:q}', { q: `" || title != "` }) });
  assert.equal(odd.totalItems, 0);
});

test('the RSS feed escapes what it prints', async () => {
  const ann = await newUser('Ann & "Co" <writers>');
  const title = `Tom & Jerry's <guide> to "SQL" ${Date.now()}`;
  await post(ann, { title, body: 'Ends with ]]> and a bell \u0007 and <script>alert(1)</script>', tags: ['howto', 'databases'] });
  await post(ann, { title: 'Unpublished <draft>', status: 'draft' });
  const res = await fetch(`${URL}/feed.xml`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
  const xml = await res.text();
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  assert.ok(xml.includes(`<title>Tom &amp; Jerry&apos;s &lt;guide&gt; to &quot;SQL&quot; ${title.split(' ').pop()}</title>`), xml.slice(0, 800));
  assert.ok(xml.includes('<dc:creator>Ann &amp; &quot;Co&quot; &lt;writers&gt;</dc:creator>'));
  assert.ok(xml.includes('Ends with ]]&gt; and a bell  and &lt;script&gt;'));
  assert.ok(!xml.includes('<script>') && !xml.includes('\u0007'));
  assert.ok(!xml.includes('Unpublished'));
  assert.ok(xml.includes('<category>databases</category>'));
});
