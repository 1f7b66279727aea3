// The dashboard's Backups and jobs screen in a real browser: a bad backup
// name refused beside its field, a backup created, listed, downloaded and
// deleted behind a confirmation, the nodes listed, and the automatic backup job (set in the
// settings) listed with its schedule and run from the page. Restores
// replace every collection, so they are left to backups.test.mjs, which
// runs them on a server of its own.
import { test, before, after } from 'node:test';
import { assert, uniqueName, URL } from './lib.mjs';
import { skip, setUp, tearDown, state, newPage, axe, shoot, logIn, main } from '../browser/dashboard.mjs';

let cronBefore = '';
before(async () => {
  await setUp('backups');
  if (skip) return;
  const s = await state.pb.settings.getAll();
  cronBefore = s.backups?.cron || '';
  await state.pb.settings.update({ backups: { cron: '0 3 * * *', cronMaxKeep: 2 } });
});
after(async () => {
  if (state.pb) {
    await state.pb.settings.update({ backups: { cron: cronBefore } }).catch(() => {});
    for (const b of await state.pb.backups.getFullList().catch(() => [])) {
      if (b.key.startsWith('dash_') || b.key.startsWith('@auto')) await state.pb.backups.delete(b.key).catch(() => {});
    }
  }
  await tearDown();
});

test('backups: create (bad name refused), download, delete; the backup job listed and run', { skip, timeout: 90000 }, async () => {
  const { ctx, page } = await newPage();
  const name = `${uniqueName('dash_bk').toLowerCase()}.zip`;
  try {
    await page.goto(`${URL}/_/`);
    await logIn(page);
    await page.getByRole('link', { name: 'Backups and jobs' }).first().click();
    await page.getByRole('heading', { name: 'Backups and jobs', level: 1 }).waitFor();

    // A bad name is refused beside the field and nothing is created.
    await main(page).getByRole('button', { name: 'Create backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a backup' });
    await dialog.getByLabel('Name').fill('../Evil.zip');
    await dialog.getByRole('button', { name: 'Create backup' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.equal(await dialog.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await axe(page, 'backup-create-error');

    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Create backup' }).click();
    const row = main(page).getByRole('row').filter({ hasText: name });
    await row.waitFor({ timeout: 30000 });
    assert.ok((await state.pb.backups.getFullList()).some((b) => b.key === name), 'the backup exists');

    // The job of automatic backups, with its schedule; run it from the page.
    const jobs = main(page).getByRole('region', { name: 'Scheduled jobs' });
    const job = jobs.getByRole('row').filter({ hasText: '__pbAutoBackup__' });
    await job.getByText('0 3 * * *').waitFor();
    await axe(page, 'backups');
    await shoot(page, 'backups');
    await job.getByRole('button', { name: /Run now/ }).click();
    await page.getByRole('status').getByText('Ran __pbAutoBackup__').waitFor({ timeout: 30000 });
    // The run is started; the backup it makes lands a moment later.
    let auto = false;
    for (const deadline = Date.now() + 30000; !auto && Date.now() < deadline; ) {
      auto = (await state.pb.backups.getFullList()).some((b) => b.key.startsWith('@auto'));
      if (!auto) await page.waitForTimeout(200);
    }
    assert.ok(auto, 'the job made an automatic backup');

    // Download through a file token.
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /^Download/ }).click()]);
    assert.equal(download.suggestedFilename(), name);

    // Delete, behind a confirmation that starts on Cancel.
    await row.getByRole('button', { name: /^Delete/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this backup?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.ok(await row.isVisible(), 'cancel keeps the backup');
    await row.getByRole('button', { name: /^Delete/ }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    assert.ok(!(await state.pb.backups.getFullList()).some((b) => b.key === name), 'the backup is gone');

    // The schedule is set in Settings → Backups: a bad one is refused beside its field.
    await page.getByRole('link', { name: 'Settings' }).first().click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Backups' }).click();
    const cron = main(page).getByLabel('Backup schedule (cron, UTC)');
    assert.equal(await cron.inputValue(), '0 3 * * *');
    await cron.fill('every night');
    await main(page).getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor();
    assert.equal(await cron.getAttribute('aria-invalid'), 'true');
    assert.equal((await state.pb.settings.getAll()).backups.cron, '0 3 * * *', 'nothing saved');
    await cron.fill('30 2 * * *');
    await main(page).getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').getByText('Settings saved').waitFor();
    assert.equal((await state.pb.settings.getAll()).backups.cron, '30 2 * * *');
    await axe(page, 'settings-backups');
    await shoot(page, 'settings-backups');

    // The nodes serving the app (one on SQLite; every live one on PostgreSQL).
    await page.getByRole('link', { name: 'Nodes' }).first().click();
    await page.getByRole('heading', { name: 'Nodes', level: 1 }).waitFor();
    const h = await state.pb.health.check();
    await main(page).getByRole('status').getByText(`${h.data.nodes.length} live node`).waitFor();
    await main(page).getByRole('table', { name: 'Live nodes' }).getByRole('row').filter({ hasText: '(this one)' }).waitFor();
    // Realtime counts per live node. Other test files share the server, so
    // counts are not exact: a WebSocket the page opens must show up in this
    // node's row (the screen refreshes every 5 s).
    const rt = main(page).getByRole('region', { name: 'Realtime by node' });
    assert.equal(await rt.getByRole('row').count(), h.data.nodes.length + 1, 'a row per live node');
    await page.evaluate(() => {
      window.__rtProbe = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/realtime/ws`);
    });
    const selfRow = rt.getByRole('row').filter({ hasText: '(this one)' });
    const wsCell = () => selfRow.getByRole('cell').nth(1).textContent(); // Connections, WebSocket, …
    const deadline = Date.now() + 15000;
    while (Number(await wsCell()) < 1 && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok(Number(await wsCell()) >= 1, `this node's WebSocket count shows the page's connection (got ${await wsCell()})`);
    await page.evaluate(() => window.__rtProbe.close());
    await axe(page, 'nodes');
    await shoot(page, 'nodes');
    assert.deepEqual(page.problems, []);
  } finally {
    await ctx.close();
  }
});
