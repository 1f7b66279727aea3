// Compatibility of records through the SDK (issue 11): PocketBase's
// validation codes, every filter operator through multi relations and
// :each on relation paths, :excerpt as plain text, custom realtime topics,
// and the error shapes of record and auth endpoints.
import { test, before, after } from 'node:test';
import { EventSource } from 'eventsource';
import {
  assert, guest, superuser, uniqueName, autodates, PUBLIC_RULES, dropCollections,
  expectStatus, assertErrorShape, assertFieldError,
} from './lib.mjs';
import { createAuthCollection, uniqueEmail, signUp, login, PASSWORD } from './users.mjs';

globalThis.EventSource = EventSource;

let pb;
const C = {};
const R = {};
const clients = [];

before(async () => {
  pb = await superuser();
  C.users = await createAuthCollection(pb, 'cr_users', { fields: [{ name: 'name', type: 'text' }] });
  C.others = await createAuthCollection(pb, 'cr_others');
  C.things = await pb.collections.create({
    name: uniqueName('cr_things'),
    type: 'base',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'site', type: 'url' },
      { name: 'when', type: 'date', min: '2024-01-01 00:00:00.000Z', max: '2030-12-31 23:59:59.999Z' },
      { name: 'where', type: 'geoPoint' },
      { name: 'body', type: 'editor' },
      ...autodates(),
    ],
    ...PUBLIC_RULES,
  });
  C.teams = await pb.collections.create({ name: uniqueName('cr_teams'), type: 'base', fields: [{ name: 'name', type: 'text' }], ...PUBLIC_RULES });
  C.tags = await pb.collections.create({
    name: uniqueName('cr_tags'),
    type: 'base',
    fields: [{ name: 'name', type: 'text' }, { name: 'team', type: 'relation', collectionId: C.teams.id, maxSelect: 1 }],
    ...PUBLIC_RULES,
  });
  C.posts = await pb.collections.create({
    name: uniqueName('cr_posts'),
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'tags', type: 'relation', collectionId: C.tags.id, maxSelect: 10 },
      ...autodates(),
    ],
    ...PUBLIC_RULES,
  });
  C.locked = await pb.collections.create({ name: uniqueName('cr_locked'), type: 'base', fields: [{ name: 'title', type: 'text' }] });

  const c = (k, b) => pb.collection(C[k].name).create(b);
  R.red = await c('teams', { name: 'Red' });
  R.blue = await c('teams', { name: 'Blue' });
  R.apple = await c('tags', { name: 'apple', team: R.red.id });
  R.zebra = await c('tags', { name: 'zebra', team: R.blue.id });
  R.nut = await c('tags', { name: 'nut' });
  await c('posts', { title: 'az', tags: [R.apple.id, R.zebra.id] });
  await c('posts', { title: 'z', tags: [R.zebra.id] });
  await c('posts', { title: 'none' });
  await c('posts', { title: 'n', tags: [R.nut.id] });
  R.locked = await c('locked', { title: 'L' });
});

after(async () => {
  for (const cl of [...clients, pb]) cl?.realtime.unsubscribe();
  await dropCollections(pb, C.posts?.id, C.tags?.id, C.teams?.id, C.things?.id, C.locked?.id, C.users?.id, C.others?.id);
});

test('validation codes are PocketBase\'s: url, date min/max, geoPoint, password length', async () => {
  const things = guest().collection(C.things.name);
  const bad = async (body, field, code) => {
    const e = await expectStatus(things.create({ name: 'x', ...body }), 400, `${field} ${JSON.stringify(body)}`);
    assertErrorShape(e, 400);
    assertFieldError(e, field, code);
    assert.deepEqual(Object.keys(e.response.data), [field]);
    return e;
  };
  await bad({ site: 'example.com' }, 'site', 'validation_invalid_url');
  await bad({ site: 'ftp://example.com/x' }, 'site', 'validation_invalid_url');
  const early = await bad({ when: '2023-12-31 23:59:59.999Z' }, 'when', 'validation_min_greater_equal_than_required');
  assert.equal(early.response.data.when.message, 'Must be no less than 2024-01-01 00:00:00 +0000 UTC.');
  assert.deepEqual(early.response.data.when.params, { threshold: '2024-01-01T00:00:00Z' });
  await bad({ when: '2031-01-01 00:00:00.000Z' }, 'when', 'validation_max_less_equal_than_required');
  await bad({ where: { lon: 180.5, lat: 0 } }, 'where', 'validation_invalid_longitude');
  await bad({ where: { lon: 0, lat: 91 } }, 'where', 'validation_invalid_latitude');
  const req = await expectStatus(things.create({}), 400, 'required');
  assertFieldError(req, 'name', 'validation_required');
  assert.equal(req.response.message, 'Failed to create record.');
  const ok = await things.create({ name: 'ok', site: 'https://example.com', when: '2024-01-01 00:00:00.000Z', where: { lon: -180, lat: 90 } });
  assert.deepEqual(ok.where, { lon: -180, lat: 90 });

  const users = guest().collection(C.users.name);
  const short = await expectStatus(users.create({ email: uniqueEmail('short'), password: '1234567', passwordConfirm: '1234567' }), 400, 'short password');
  assertFieldError(short, 'password', 'validation_min_text_constraint');
  const long = 'p'.repeat(73);
  assertFieldError(await expectStatus(users.create({ email: uniqueEmail('long'), password: long, passwordConfirm: long }), 400, 'long password'),
    'password', 'validation_max_text_constraint');
});

test('requestEmailChange: an invalid or missing newEmail is a 400 on data.newEmail', async () => {
  const email = uniqueEmail('chg');
  await signUp(C.users.name, email);
  const client = await login(C.users.name, email);
  const users = client.collection(C.users.name);
  const e = await expectStatus(users.requestEmailChange('not-an-email'), 400, 'invalid');
  assertErrorShape(e, 400);
  assertFieldError(e, 'newEmail', 'validation_is_email');
  assertFieldError(await expectStatus(users.requestEmailChange(''), 400, 'empty'), 'newEmail', 'validation_required');
  // a token of another auth collection is not allowed here
  const otherEmail = uniqueEmail('oth');
  await signUp(C.others.name, otherEmail);
  const other = await login(C.others.name, otherEmail);
  await expectStatus(other.collection(C.users.name).requestEmailChange(uniqueEmail('n')), 403, 'other collection');
});

async function titles(filter) {
  const list = await guest().collection(C.posts.name).getFullList({ filter, sort: 'title' });
  return list.map((r) => r.title);
}

test('every ? operator through a multi relation (an empty relation is one empty value)', async () => {
  // tags.name: az {apple, zebra}, z {zebra}, none {}, n {nut}
  assert.deepEqual(await titles('tags.name ?= "zebra"'), ['az', 'z']);
  assert.deepEqual(await titles('tags.name ?!= "zebra"'), ['az', 'n', 'none']);
  assert.deepEqual(await titles('tags.name ?< "m"'), ['az', 'none']);
  assert.deepEqual(await titles('tags.name ?<= "nut"'), ['az', 'n', 'none']);
  assert.deepEqual(await titles('tags.name ?> "m"'), ['az', 'n', 'z']);
  assert.deepEqual(await titles('tags.name ?>= "zebra"'), ['az', 'z']);
  assert.deepEqual(await titles('tags.name ?~ "e"'), ['az', 'z']);
  assert.deepEqual(await titles('tags.name ?!~ "e"'), ['n', 'none']);
  // plain operators: every value
  assert.deepEqual(await titles('tags.name < "m"'), ['none']);
  assert.deepEqual(await titles('tags.name ~ "e"'), ['az', 'z']);
});

test('two hops through a multi relation', async () => {
  // tags.team.name: az {Red, Blue}, z {Blue}, none {}, n {} (nut has no team)
  assert.deepEqual(await titles('tags.team.name ?= "Red"'), ['az']);
  assert.deepEqual(await titles('tags.team.name ?< "C"'), ['az', 'n', 'none', 'z']);
  assert.deepEqual(await titles('tags.team.name ?> "C"'), ['az']);
  assert.deepEqual(await titles('tags.team.name ?!~ "u"'), ['az', 'n', 'none']);
});

test(':each on a relation path: every related value matches', async () => {
  assert.deepEqual(await titles('tags.name:each ~ "e"'), ['az', 'z']);
  assert.deepEqual(await titles('tags.name:each ~ "a"'), ['az', 'z']);
  assert.deepEqual(await titles('tags.name:each ?= "nut"'), ['n']);
  // an empty relation is one empty value: it matches != but not ~
  assert.deepEqual(await titles('tags.name:each != "zebra"'), ['n', 'none']);
  assert.deepEqual(await titles('tags.team.name:each = "Blue"'), ['z']);
  // :each on a single-valued path is a 400 naming it
  const e = await expectStatus(guest().collection(C.tags.name).getList(1, 10, { filter: 'team.name:each = "Red"' }), 400, 'single path');
  assert.match(e.response.message, /:each/);
});

test('fields :excerpt is plain text, without a space before punctuation', async () => {
  const rec = await pb.collection(C.things.name).create({
    name: 'html',
    body: '<p>Hello <b>world</b>, this is <a href="#">it</a>.</p><p>Second&nbsp;paragraph &amp; more</p>',
  });
  const full = await guest().collection(C.things.name).getOne(rec.id, { fields: 'id,body:excerpt(200)' });
  assert.deepEqual(full, { id: rec.id, body: 'Hello world, this is it. Second paragraph & more' });
  const cut = await guest().collection(C.things.name).getOne(rec.id, { fields: 'body:excerpt(17,true)' });
  assert.equal(cut.body, 'Hello world, this...');
  const same = await guest().collection(C.things.name).getOne(rec.id, { fields: 'body:excerpt(48,true)' });
  assert.equal(same.body, 'Hello world, this is it. Second paragraph & more', 'not cut: no ellipsis');
});

test('realtime: custom topics and the PB_CONNECT listener are accepted', async () => {
  const client = guest();
  clients.push(client);
  let connected = null;
  const gotConnect = new Promise((resolve) => {
    client.realtime.subscribe('PB_CONNECT', (e) => { connected = e; resolve(e); });
  });
  const unsubCustom = await client.realtime.subscribe('custom-topic', () => assert.fail('no event is sent to a custom topic'));
  await client.realtime.subscribe('chat:room1', () => assert.fail('no event is sent to a custom topic'));
  await gotConnect;
  assert.equal(typeof connected.clientId, 'string');
  assert.equal(client.realtime.clientId, connected.clientId);

  // A collection topic beside the custom ones still gets its events.
  let resolveEvent;
  const got = new Promise((resolve) => { resolveEvent = resolve; });
  await client.collection(C.posts.name).subscribe('*', (e) => resolveEvent(e));
  const created = await pb.collection(C.posts.name).create({ title: 'live' });
  const e = await got;
  assert.equal(e.action, 'create');
  assert.equal(e.record.id, created.id);
  await unsubCustom();
  await client.realtime.unsubscribe();
  await pb.collection(C.posts.name).delete(created.id);
});

test('record endpoint error shapes', async () => {
  const posts = guest().collection(C.posts.name);
  const missing = await expectStatus(posts.getOne('missing0000000a'), 404, 'view missing');
  assertErrorShape(missing, 404);
  assert.equal(missing.response.message, "The requested resource wasn't found.");
  assert.deepEqual(missing.response.data, {});
  await expectStatus(posts.update('missing0000000a', { title: 'x' }), 404, 'update missing');
  await expectStatus(posts.delete('missing0000000a'), 404, 'delete missing');

  const locked = guest().collection(C.locked.name);
  for (const [what, call] of [
    ['list', () => locked.getList(1, 10)],
    ['view', () => locked.getOne(R.locked.id)],
    ['create', () => locked.create({ title: 'x' })],
    ['update', () => locked.update(R.locked.id, { title: 'x' })],
    ['update missing', () => locked.update('missing0000000a', { title: 'x' })],
    ['delete', () => locked.delete(R.locked.id)],
  ]) {
    const e = await expectStatus(call(), 403, `locked ${what}`);
    assertErrorShape(e, 403);
    assert.equal(e.response.message, 'Only superusers can perform this action.');
    assert.deepEqual(e.response.data, {});
  }
  const bad = await expectStatus(posts.getList(1, 10, { filter: 'title ~' }), 400, 'invalid filter');
  assertErrorShape(bad, 400);
  const forbidden = await expectStatus(posts.getList(1, 10, { filter: '@request.auth.id = ""' }), 403, '@request filter as guest');
  assertErrorShape(forbidden, 403);
  await expectStatus(guest().collection('cr_missing_collection').getList(1, 10), 404, 'unknown collection');
});

test('auth endpoint error shapes', async () => {
  const users = guest().collection(C.users.name);
  const wrong = await expectStatus(users.authWithPassword(uniqueEmail('nobody'), 'whatever-1'), 400, 'unknown identity');
  assert.equal(wrong.response.message, 'Failed to authenticate.');
  assert.deepEqual(wrong.response.data, {});
  const noPass = await expectStatus(users.authWithPassword('someone@example.com', ''), 400, 'no password');
  assertFieldError(noPass, 'password', 'validation_required');
  await expectStatus(users.authRefresh(), 401, 'refresh as guest');
  assertFieldError(await expectStatus(users.requestVerification(''), 400, 'no email'), 'email', 'validation_required');
  assertFieldError(await expectStatus(users.confirmVerification(''), 400, 'no token'), 'token', 'validation_required');
  assertFieldError(await expectStatus(users.confirmVerification('bad'), 400, 'bad token'), 'token', 'validation_invalid_token');
  assertFieldError(await expectStatus(users.requestPasswordReset(''), 400, 'no email'), 'email', 'validation_required');
  assertFieldError(await expectStatus(users.confirmPasswordReset('', PASSWORD, PASSWORD), 400, 'no token'), 'token', 'validation_required');
  assertFieldError(await expectStatus(users.confirmEmailChange('', PASSWORD), 400, 'no token'), 'token', 'validation_required');
  // OTP switched off is answered before the body is looked at (PocketBase's order).
  const otpOff = await expectStatus(users.requestOTP('bad'), 403, 'OTP off');
  assert.equal(otpOff.response.message, 'The collection is not configured to allow OTP authentication.');
  const imp = await expectStatus(pb.collection(C.users.name).impersonate('missing0000000a', 60), 404, 'impersonate missing');
  assertErrorShape(imp, 404);
  const email = uniqueEmail('imp');
  const u = await signUp(C.users.name, email);
  assertFieldError(await expectStatus(pb.collection(C.users.name).impersonate(u.id, -1), 400, 'negative duration'),
    'duration', 'validation_min_greater_equal_than_required');
});
