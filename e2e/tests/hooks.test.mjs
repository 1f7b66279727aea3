// JavaScript hooks (e2e/hooks/main.pb.js) through the SDK: a route, a
// before-create hook that changes the record or refuses it, an after-create
// hook that writes another record.
import { test, before, after } from 'node:test';
import { assert, superuser, guest, expectStatus, dropCollections, PUBLIC_RULES } from './lib.mjs';

let pb;

before(async () => {
  pb = await superuser();
  await pb.collections.create({ name: 'e2e_hk_items', type: 'base', ...PUBLIC_RULES,
    fields: [{ name: 'title', type: 'text' }, { name: 'slug', type: 'text' }] });
  await pb.collections.create({ name: 'e2e_hk_log', type: 'base', listRule: '', viewRule: '',
    fields: [{ name: 'msg', type: 'text' }] });
});

after(async () => {
  await dropCollections(pb, 'e2e_hk_items', 'e2e_hk_log');
});

test('a JavaScript route answers through pb.send, with and without auth', async () => {
  assert.deepEqual(await guest().send('/api/e2e/hello/ann', {}), { hello: 'ann', auth: null });
  const me = await pb.send('/api/e2e/hello/bob', {});
  assert.equal(me.hello, 'bob');
  assert.equal(typeof me.auth, 'string');
  await expectStatus(guest().send('/api/e2e/me', {}), 401, 'requireAuth');
  assert.equal((await pb.send('/api/e2e/me', {})).id, pb.authStore.record.id);
});

test('a before-create hook changes the record, or refuses it with its message', async () => {
  const rec = await guest().collection('e2e_hk_items').create({ title: 'Hello Hooks' });
  assert.equal(rec.slug, 'hello-hooks');
  const err = await expectStatus(guest().collection('e2e_hk_items').create({ title: 'a forbidden word' }), 400);
  assert.equal(err.response.message, 'The title may not say forbidden.');
});

test('an after-create hook writes another record', async () => {
  const rec = await guest().collection('e2e_hk_items').create({ title: 'logged' });
  const log = await guest().collection('e2e_hk_log').getFirstListItem(`msg = "created ${rec.id}"`);
  assert.equal(log.msg, `created ${rec.id}`);
});
