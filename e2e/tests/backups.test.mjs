// The pocketbase SDK's pb.backups calls. On the shared server (SQLite, or
// PostgreSQL with GALLEY_E2E_DB) the calls that leave other tests' data
// alone: create (names checked), list, download with a superuser file
// token, upload (checked first), delete, and the refused restores. A full
// restore replaces every collection, so it runs on a galley of this file's
// own (a fresh SQLite directory, GALLEY_BIN or a fresh build), where the
// data comes back as it was at the backup and the server keeps serving.
import { test, after } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import PocketBase, { BaseAuthStore } from 'pocketbase';
import { assert, superuser, uniqueName, expectStatus, assertFieldError, ADMIN_EMAIL, ADMIN_PASSWORD } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cleanups = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** A backup name unique to this run. */
const backupName = (p) => `${uniqueName(p).toLowerCase()}.zip`;

test('create, list, download, upload and delete backups; bad names are 400 naming the field', async () => {
  const pb = await superuser();
  const name = backupName('e2e_bk');
  for (const bad of ['../evil.zip', 'a/b.zip', 'UPPER.zip', 'x.txt', 'x y.zip']) {
    const e = await expectStatus(pb.backups.create(bad), 400, `name ${bad}`);
    assertFieldError(e, 'name', 'validation_match_invalid');
  }
  assert.equal(await pb.backups.create(name), true);
  const e = await expectStatus(pb.backups.create(name), 400, 'the same name again');
  assert.ok(e.response.data.name, JSON.stringify(e.response));

  const list = await pb.backups.getFullList();
  const info = list.find((b) => b.key === name);
  assert.ok(info, `${name} in ${JSON.stringify(list)}`);
  assert.ok(info.size > 0);
  assert.match(info.modified, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);

  // Download with a superuser file token; without one it is refused.
  const token = await pb.files.getToken();
  const res = await fetch(pb.backups.getDownloadURL(token, name));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.equal(bytes.length, info.size);
  assert.equal((await fetch(pb.backups.getDownloadURL('', name))).status, 403);

  // Upload: a real archive is kept under its file name, garbage is refused.
  const up = backupName('e2e_up');
  assert.equal(await pb.backups.upload({ file: new File([bytes], up) }), true);
  const bad = await expectStatus(pb.backups.upload({ file: new File(['not a zip'], backupName('e2e_bad')) }), 400, 'garbage upload');
  assertFieldError(bad, 'file', 'validation_invalid_mime_type');
  const cut = await expectStatus(pb.backups.upload({ file: new File([bytes.slice(0, bytes.length / 2)], backupName('e2e_cut')) }), 400, 'broken zip upload');
  assertFieldError(cut, 'file', 'validation_invalid_backup');
  assert.ok((await pb.backups.getFullList()).some((b) => b.key === up));

  await expectStatus(pb.backups.restore('missing_backup.zip'), 400, 'restore of a missing backup (PocketBase: 400)');
  assert.equal(await pb.backups.delete(up), true);
  assert.equal(await pb.backups.delete(name), true);
  await expectStatus(pb.backups.delete(name), 400, 'delete twice (PocketBase: 400)');
  assert.ok(!(await pb.backups.getFullList()).some((b) => b.key === name || b.key === up));
});

test('guests and users cannot use backups', async () => {
  const guest = new PocketBase(process.env.GALLEY_URL || 'http://127.0.0.1:8090', new BaseAuthStore());
  await expectStatus(guest.backups.getFullList(), 401, 'guest list');
  await expectStatus(guest.backups.create(backupName('e2e_guest')), 401, 'guest create');
});

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Starts a galley of this file's own on a fresh SQLite directory. */
async function ownServer() {
  const tmp = mkdtempSync(join(tmpdir(), 'galley-e2e-backups-'));
  let bin = process.env.GALLEY_BIN;
  if (!bin) {
    bin = join(tmp, 'galley');
    const b = spawnSync('go', ['build', '-o', bin, './cmd/galley'], { cwd: resolve(here, '..', '..'), stdio: 'inherit' });
    assert.equal(b.status, 0, 'go build');
  }
  bin = resolve(bin);
  const dir = join(tmp, 'data');
  const su = spawnSync(bin, ['superuser', 'upsert', ADMIN_EMAIL, ADMIN_PASSWORD, '--dir', dir], { encoding: 'utf8' });
  assert.equal(su.status, 0, su.stderr);
  const port = await freePort();
  const proc = spawn(bin, ['serve', '--http', `127.0.0.1:${port}`, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  cleanups.push(async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    rmSync(tmp, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    assert.equal(proc.exitCode, null, `galley serve exited:\n${out}`);
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) break;
    } catch {}
    assert.ok(Date.now() < deadline, `not healthy within 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const pb = new PocketBase(url, new BaseAuthStore());
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  return pb;
}

test('restore brings back the data as it was at the backup, without a restart', { timeout: 180000 }, async () => {
  const pb = await ownServer();
  await pb.collections.create({ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'text', type: 'text' }] });
  await pb.collection('notes').create({ text: 'before' });
  assert.equal(await pb.backups.create('before.zip'), true);

  await pb.collection('notes').create({ text: 'after' });
  await pb.collections.create({ name: 'later', type: 'base', fields: [{ name: 'x', type: 'text' }] });
  assert.equal(await pb.backups.restore('before.zip'), true);

  const health = await pb.health.check();
  assert.equal(health.code, 200);
  const notes = await pb.collection('notes').getFullList();
  assert.deepEqual(notes.map((n) => n.text), ['before']);
  await expectStatus(pb.collections.getOne('later'), 404, 'a collection made after the backup');
  // The backup itself is still listed (backups are not part of the data).
  assert.ok((await pb.backups.getFullList()).some((b) => b.key === 'before.zip'));
});
