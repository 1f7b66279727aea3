// PocketBase compatibility of settings, health and superuser IPs, through the real SDK
// (shared/contract-notes.md, "First start, health, settings").
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, expectStatus, ADMIN_EMAIL, ADMIN_PASSWORD,
} from './lib.mjs';

let pb;
let original; // the settings this file changes, restored in after()

before(async () => {
  pb = await superuser();
  const s = await pb.settings.getAll();
  original = { backups: { cron: s.backups.cron, cronMaxKeep: s.backups.cronMaxKeep }, trustedProxy: s.trustedProxy, superuserIPs: s.superuserIPs };
});

after(async () => {
  // From 127.0.0.1, which every list this file sets contains.
  await pb.settings.update({ superuserIPs: [] });
  await pb.settings.update(original);
});

/** SDK options that make the request come from ip once X-Forwarded-For is trusted. */
const from = (ip) => ({ headers: { 'X-Forwarded-For': ip } });

test('settings have every PocketBase group', async () => {
  const s = await pb.settings.getAll();
  for (const k of ['meta', 'logs', 'smtp', 's3', 'backups', 'batch', 'rateLimits', 'trustedProxy']) {
    assert.equal(typeof s[k], 'object', `group ${k} in ${JSON.stringify(s)}`);
  }
  assert.ok(Array.isArray(s.superuserIPs), 'superuserIPs is a list');
  assert.equal(typeof s.backups.cron, 'string');
  assert.equal(typeof s.backups.cronMaxKeep, 'number');
  assert.deepEqual(Object.keys(s.backups.s3).sort(), ['accessKey', 'bucket', 'enabled', 'endpoint', 'forcePathStyle', 'region']);
  for (const k of ['enabled', 'maxRequests', 'timeout', 'maxBodySize']) {
    assert.ok(k in s.batch, `batch.${k}`);
  }
  assert.ok(Array.isArray(s.trustedProxy.headers));
  assert.equal(typeof s.trustedProxy.useLeftmostIP, 'boolean');
});

test('a bad settings update answers PocketBase\'s nested errors', async () => {
  const e = await expectStatus(pb.settings.update({ meta: { appURL: 'not a url', appName: '' } }), 400, 'bad meta');
  assert.equal(e.response.message, 'An error occurred while saving the new settings.');
  assert.equal(e.response.data.meta?.appURL?.code, 'validation_is_url', JSON.stringify(e.response));
  assert.equal(e.response.data.meta?.appName?.code, 'validation_required', JSON.stringify(e.response));
  assert.deepEqual(Object.keys(e.response.data), ['meta']);
  const e2 = await expectStatus(pb.settings.update({ backups: { cron: '0 0 * *' } }), 400, 'cron with 4 fields');
  assert.equal(e2.response.data.backups?.cron?.code, 'validation_invalid_cron', JSON.stringify(e2.response));
  const e3 = await expectStatus(pb.settings.update({ superuserIPs: ['10.0.0.1', 'nope'] }), 400, 'bad IP');
  assert.equal(e3.response.data.superuserIPs?.['1']?.code, 'validation_invlaid_ip_or_subnet', JSON.stringify(e3.response));
});

test('backups settings are stored, their secret never returned', async () => {
  const s = await pb.settings.update({
    backups: {
      cron: '30 3 * * 1-5', cronMaxKeep: 4,
      s3: { enabled: false, bucket: 'bk', region: 'eu-1', endpoint: 'https://s3.example.com', accessKey: 'AK', secret: 'backup-s3-secret' },
    },
  });
  assert.equal(s.backups.cron, '30 3 * * 1-5');
  assert.equal(s.backups.cronMaxKeep, 4);
  assert.equal(s.backups.s3.bucket, 'bk');
  const again = await pb.settings.getAll();
  assert.ok(!JSON.stringify(again).includes('backup-s3-secret'), 'the secret is never returned');
  assert.equal(again.backups.s3.endpoint, 'https://s3.example.com');
  await pb.settings.update({ backups: { s3: { enabled: false, bucket: '', region: '', endpoint: '', accessKey: '', secret: '' } } });
});

test('health: guests get exactly PocketBase\'s answer, superusers the details', async () => {
  assert.deepEqual(await guest().health.check(), { code: 200, message: 'API is healthy.', data: {} });
  const h = await pb.health.check();
  assert.equal(h.code, 200);
  assert.equal(typeof h.data.canBackup, 'boolean'); // true unless a backup or restore runs (other files make some)
  assert.equal(h.data.realIP, '127.0.0.1');
  assert.equal(h.data.possibleProxyHeader, '');
  assert.equal(typeof h.data.leader, 'boolean');
  // A proxy header that is not trusted is named as a hint, and not believed.
  const h2 = await pb.health.check(from('203.0.113.9'));
  assert.equal(h2.data.possibleProxyHeader, 'X-Forwarded-For');
  assert.equal(h2.data.realIP, '127.0.0.1');
});

test('superuserIPs: superusers from other IPs are refused with 403', async () => {
  // A list that leaves out the request's own IP would lock the caller out.
  const e = await expectStatus(pb.settings.update({ superuserIPs: ['10.0.0.0/8'] }), 400, 'lock-out');
  assert.equal(e.response.data.superuserIPs?.code, 'validation_superuser_ip_lockout', JSON.stringify(e.response));

  await pb.settings.update({ trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: false }, superuserIPs: ['127.0.0.1', '10.0.0.0/8'] });
  const h = await pb.health.check(from('10.1.2.3'));
  assert.equal(h.data.realIP, '10.1.2.3', 'the trusted header gives the real IP');
  assert.equal(h.data.possibleProxyHeader, '');
  assert.ok((await pb.settings.getAll(from('10.1.2.3'))).superuserIPs.includes('10.0.0.0/8'));

  await expectStatus(pb.settings.getAll(from('203.0.113.9')), 403, 'superuser token from 203.0.113.9');
  await expectStatus(pb.collections.getFullList(from('203.0.113.9')), 403, 'collections from 203.0.113.9');
  await expectStatus(guest().collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD, from('203.0.113.9')), 403, 'log-in from 203.0.113.9');
  await expectStatus(guest().collection('_superusers').authWithPassword(ADMIN_EMAIL, 'wrong-password', from('203.0.113.9')), 403, 'wrong password from 203.0.113.9');
  const ok = await guest().collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD, from('10.9.9.9'));
  assert.equal(ok.record.email, ADMIN_EMAIL);
  // Guests are not concerned.
  assert.deepEqual(await guest().health.check(from('203.0.113.9')), { code: 200, message: 'API is healthy.', data: {} });

  await pb.settings.update({ superuserIPs: [] });
  assert.equal((await pb.settings.getAll(from('203.0.113.9'))).superuserIPs.length, 0, 'cleared: allowed again');
});

test('a fresh data directory has PocketBase\'s system collections and users collection', async () => {
  const all = await pb.collections.getFullList();
  const byName = Object.fromEntries(all.map((c) => [c.name, c]));
  const own = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";
  for (const name of ['_mfas', '_otps', '_externalAuths', '_authOrigins', '_superusers']) {
    assert.equal(byName[name]?.system, true, `${name} is a system collection`);
  }
  for (const name of ['_mfas', '_otps', '_authOrigins']) {
    const c = byName[name];
    assert.equal(c.type, 'base');
    assert.equal(c.listRule, own, `${name}.listRule`);
    assert.equal(c.viewRule, own, `${name}.viewRule`);
    assert.equal(c.createRule, null);
    assert.equal(c.updateRule, null);
  }
  assert.equal(byName._authOrigins.deleteRule, own);
  assert.equal(byName._mfas.deleteRule, null);
  const u = byName.users;
  assert.equal(u.id, '_pb_users_auth_');
  assert.equal(u.type, 'auth');
  assert.equal(u.system, false);
  assert.deepEqual(u.fields.map((f) => f.name),
    ['id', 'password', 'tokenKey', 'email', 'emailVisibility', 'verified', 'name', 'avatar', 'created', 'updated']);
  const avatar = u.fields.find((f) => f.name === 'avatar');
  assert.equal(avatar.type, 'file');
  assert.equal(avatar.maxSelect, 1);
  assert.deepEqual(avatar.mimeTypes, ['image/jpeg', 'image/png', 'image/svg+xml', 'image/gif', 'image/webp']);
  assert.equal(u.fields.find((f) => f.name === 'name').type, 'text');
  for (const r of ['listRule', 'viewRule', 'updateRule', 'deleteRule']) assert.equal(u[r], 'id = @request.auth.id', r);
  assert.equal(u.createRule, '');
  assert.deepEqual(u.indexes, [
    'CREATE UNIQUE INDEX `idx_tokenKey__pb_users_auth_` ON `users` (`tokenKey`)',
    "CREATE UNIQUE INDEX `idx_email__pb_users_auth_` ON `users` (`email` COLLATE NOCASE) WHERE `email` != ''",
  ]);
});

test('the default users collection: sign-up, each user sees only itself and its own auth rows', async () => {
  const stamp = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  const emails = [`a_${stamp}@example.com`, `b_${stamp}@example.com`];
  const ids = [];
  try {
    for (const email of emails) {
      ids.push((await guest().collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123', name: 'N' })).id);
    }
    const a = guest();
    await a.collection('users').authWithPassword(emails[0], 'password-123');
    assert.deepEqual((await a.collection('users').getFullList()).map((r) => r.id), [ids[0]]);
    await expectStatus(a.collection('users').getOne(ids[1]), 404, 'another user');
    assert.equal((await guest().collection('users').getList(1, 10)).totalItems, 0);
    for (const c of ['_mfas', '_otps', '_authOrigins', '_externalAuths']) {
      const list = await a.collection(c).getFullList();
      assert.ok(list.every((r) => r.recordRef === ids[0]), `${c}: only a's rows`);
      await expectStatus(a.collection(c).create({ collectionRef: 'x', recordRef: ids[0] }), 403, `${c} create`);
    }
  } finally {
    for (const id of ids) await pb.collection('users').delete(id).catch(() => {});
  }
});

test('collections: only the fields sent, indexes [] and in PocketBase\'s form, name errors', async () => {
  const stamp = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  const name = `compat_${stamp}`;
  const auth = `compat_auth_${stamp}`;
  try {
    const c = await pb.collections.create({ name, fields: [{ name: 'title', type: 'text' }, { name: 'slug', type: 'text' }] });
    assert.deepEqual(c.fields.map((f) => f.name), ['id', 'title', 'slug'], 'no created/updated added');
    assert.deepEqual(c.indexes, []);
    const up = await pb.collections.update(c.id, { indexes: [`create unique index idx_${stamp} on ${name} (slug) where slug != ''`] });
    assert.deepEqual(up.indexes, [`CREATE UNIQUE INDEX \`idx_${stamp}\` ON \`${name}\` (\`slug\`) WHERE \`slug\` != ''`]);
    await pb.collection(name).create({ title: 'a', slug: 's' });
    const dup = await expectStatus(pb.collection(name).create({ title: 'b', slug: 's' }), 400, 'duplicate slug');
    assert.equal(dup.response.data.slug?.code, 'validation_not_unique', JSON.stringify(dup.response));
    await pb.collection(name).create({ title: 'c' });
    await pb.collection(name).create({ title: 'd' }); // empty slugs are outside the partial index

    const a = await pb.collections.create({ name: auth, type: 'auth' });
    assert.deepEqual(a.indexes, [
      `CREATE UNIQUE INDEX \`idx_email_${a.id}\` ON \`${auth}\` (\`email\` COLLATE NOCASE) WHERE \`email\` != ''`,
      `CREATE UNIQUE INDEX \`idx_tokenKey_${a.id}\` ON \`${auth}\` (\`tokenKey\`)`,
    ]);
    const e = await expectStatus(pb.collections.create({ name: 'bad name' }), 400, 'bad name');
    assert.equal(e.response.data.name?.code, 'validation_match_invalid', JSON.stringify(e.response));

    const sc = await pb.collections.getScaffolds();
    assert.deepEqual(sc.base.fields.map((f) => f.name), ['id'], 'the base scaffold, as PocketBase\'s, has no created/updated (the dashboard adds them)');
  } finally {
    for (const n of [name, auth]) await pb.collections.delete(n).catch(() => {});
  }
});
