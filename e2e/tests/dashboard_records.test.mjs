// The dashboard's records, logs, settings and rule tester in a real
// browser: records added through the panel (a relation and a file), the
// table filtered (a filter error shown inline as it is typed), bulk
// delete, a setting changed and saved, the logs and a log's detail, the
// rule tester. axe-core on each screen; screenshots at 1280 and 375 px.
import { test, before, after } from 'node:test';
import { join } from 'node:path';
import { assert, URL, uniqueName } from './lib.mjs';
import { skip, setUp, tearDown, state, newPage, axe, shoot, logIn, main, DB, SHOTS } from '../browser/dashboard.mjs';

before(() => setUp('rec'));
after(tearDown);

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let users, posts, ann, bob;

test('records through the panel: a relation and a file, filter, sort, bulk delete, an auth record', { skip, timeout: 90000 }, async () => {
  const pb = state.pb;
  users = await pb.collections.create({
    name: uniqueName('dr_users'), type: 'auth',
    fields: [{ name: 'name', type: 'text' }],
  });
  state.made.push(users.id);
  posts = await pb.collections.create({
    name: uniqueName('dr_posts'), type: 'base',
    listRule: 'owner = @request.auth.id', viewRule: '', createRule: null, updateRule: null, deleteRule: null,
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
      { name: 'cover', type: 'file', maxSelect: 1, maxSize: 1 << 20 },
      { name: 'meta', type: 'json' },
      { name: 'published', type: 'bool' },
      { name: 'created', type: 'autodate', onCreate: true },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
  });
  state.made.push(posts.id);
  ann = await pb.collection(users.id).create({ email: `ann_${Date.now()}@example.com`, password: 'Passw0rd-ann', passwordConfirm: 'Passw0rd-ann', name: 'Ann' });
  bob = await pb.collection(users.id).create({ email: `bob_${Date.now()}@example.com`, password: 'Passw0rd-bob', passwordConfirm: 'Passw0rd-bob', name: 'Bob' });
  for (let i = 0; i < 3; i++) await pb.collection(posts.id).create({ title: `bulk ${i}`, owner: bob.id });
  const { ctx, page } = await newPage();
  try {
    await page.goto(`${URL}/_/`);
    await logIn(page);
    await page.goto(`${URL}/_/#/collections/${posts.id}`);
    await page.getByRole('heading', { name: posts.name, level: 1 }).waitFor();
    await main(page).getByRole('status').getByText('3 records').waitFor();
    await axe(page, 'records');
    await shoot(page, 'records');

    // A new record with a relation (picked by search) and a file.
    await main(page).getByRole('button', { name: 'New record' }).click();
    const panel = page.getByRole('dialog', { name: `New ${posts.name} record` });
    await panel.waitFor();
    await panel.getByRole('button', { name: 'Create record' }).click();
    // The API's error shows beside the field it names.
    await panel.getByText('Cannot be blank.').waitFor();
    assert.equal(await panel.getByLabel('title', { exact: true }).getAttribute('aria-invalid'), 'true');
    await panel.getByLabel('title', { exact: true }).fill('hello from the panel');
    await panel.getByLabel(`Search ${users.name}`).fill('Ann');
    await panel.getByRole('button', { name: new RegExp(`^Choose Ann`) }).click();
    await panel.getByRole('list', { name: 'Chosen for owner' }).getByRole('button', { name: /^Remove Ann/ }).waitFor();
    await panel.getByLabel('Upload').setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PNG });
    await panel.getByRole('img', { name: 'Preview of pixel.png' }).waitFor();
    await panel.getByLabel('meta (JSON)').fill('{"a": ');
    await panel.getByText(/Not valid JSON/).waitFor();
    await panel.getByLabel('meta (JSON)').fill('{"a": 1}');
    await panel.getByLabel('published').check();
    await axe(page, 'record panel');
    await shoot(page, 'record-panel');
    await panel.getByRole('button', { name: 'Create record' }).click();
    await panel.waitFor({ state: 'detached' });
    const made = await pb.collection(posts.id).getFirstListItem(pb.filter('title = {:t}', { t: 'hello from the panel' }));
    assert.equal(made.owner, ann.id);
    assert.match(made.cover, /^pixel.*\.png$/);
    assert.deepEqual(made.meta, { a: 1 });
    assert.equal(made.published, true);
    await main(page).getByRole('status').getByText('4 records').waitFor();
    // The thumbnail shows in the table and in the edit panel.
    await main(page).getByRole('img', { name: made.cover }).waitFor();
    await main(page).getByRole('button', { name: `Edit record ${made.id}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${posts.name} record` });
    await edit.getByRole('img', { name: `Thumbnail of ${made.cover}` }).waitFor();
    // Saved by someone else while the panel is open: the panel asks before overwriting.
    await edit.getByLabel('title', { exact: true }).fill('my version');
    await new Promise((r) => setTimeout(r, 5));
    await pb.collection(posts.id).update(made.id, { title: 'their version' });
    await edit.getByRole('button', { name: 'Save record' }).click();
    const conflict = page.getByRole('dialog', { name: 'This record changed meanwhile' });
    await conflict.getByRole('button', { name: 'Cancel' }).click();
    await conflict.waitFor({ state: 'hidden' });
    assert.equal((await pb.collection(posts.id).getOne(made.id)).title, 'their version', 'cancel saves nothing');
    await edit.getByRole('button', { name: 'Save record' }).click();
    await axe(page, 'record conflict');
    await conflict.getByRole('button', { name: 'Save my version' }).click();
    await edit.waitFor({ state: 'detached' });
    assert.equal((await pb.collection(posts.id).getOne(made.id)).title, 'my version');
    await pb.collection(posts.id).update(made.id, { title: 'hello from the panel' });

    // Filter: an error appears as it is typed; a good filter narrows the table.
    const filter = main(page).getByRole('textbox', { name: 'Filter' });
    await filter.fill('nosuchfield = 1');
    await main(page).getByText(/nosuchfield/).first().waitFor();
    assert.equal(await filter.getAttribute('aria-invalid'), 'true');
    await axe(page, 'records filter error');
    await shoot(page, 'records-filter-error');
    await filter.fill('title ~ "bulk"');
    await main(page).getByText('Valid filter.').waitFor();
    await main(page).getByRole('button', { name: 'Apply filter' }).click();
    await main(page).getByRole('status').getByText('3 records match the filter').waitFor();

    // Sort by a column header.
    await main(page).getByRole('button', { name: /^title\W*sort$/ }).click();
    await main(page).getByRole('columnheader', { name: /title/ }).and(page.locator('[aria-sort="ascending"]')).waitFor();
    // The first row is "bulk 0" once the sorted page has arrived.
    await main(page).getByRole('row').nth(1).getByRole('cell', { name: 'bulk 0', exact: true }).waitFor();

    // Bulk delete.
    await main(page).getByRole('checkbox', { name: 'Select all records on this page' }).check();
    await main(page).getByRole('button', { name: 'Delete selected (3)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 3 records?' });
    await confirm.getByRole('button', { name: 'Delete them' }).click();
    await main(page).getByRole('status').getByText('0 records match the filter').waitFor();
    assert.equal((await pb.collection(posts.id).getList(1, 10)).totalItems, 1);

    // Auth records: verified, impersonate.
    await page.goto(`${URL}/_/#/collections/${users.id}`);
    await main(page).getByRole('button', { name: `Edit record ${ann.id}` }).click();
    const annPanel = page.getByRole('dialog', { name: `Edit ${users.name} record` });
    await annPanel.getByLabel('Verified').check();
    await annPanel.getByRole('button', { name: 'Impersonate' }).click();
    const token = await annPanel.getByLabel('Auth token of this user (not refreshable)').inputValue();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    await axe(page, 'auth record panel');
    await shoot(page, 'auth-record-panel');
    await annPanel.getByRole('button', { name: 'Save record' }).click();
    await annPanel.waitFor({ state: 'detached' });
    assert.equal((await pb.collection(users.id).getOne(ann.id)).verified, true);

    assert.deepEqual(page.problems, []);
  } catch (e) {
    await page.screenshot({ path: join(SHOTS, `${DB}-records-failure.png`), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
  }
});

test('the rule tester, settings (application, superusers) and the logs', { skip, timeout: 90000 }, async () => {
  const pb = state.pb;
  const oldSettings = await pb.settings.getAll();
  const { ctx, page } = await newPage();
  try {
    await page.goto(`${URL}/_/`);
    await logIn(page);
    // The rule tester: Ann lists her own posts only.
    await page.goto(`${URL}/_/#/collections/${posts.id}`);
    await main(page).getByRole('link', { name: 'Rule tester' }).click();
    await page.getByRole('heading', { name: `Rule tester: ${posts.name}` }).waitFor();
    assert.equal(await main(page).getByRole('textbox', { name: 'Rule to try' }).inputValue(), 'owner = @request.auth.id');
    await main(page).getByLabel("Requester's auth collection").selectOption({ label: users.name });
    await main(page).getByLabel('Requester', { exact: true }).selectOption({ label: `${ann.email} (${ann.id})` });
    await main(page).getByRole('button', { name: 'Run test' }).click();
    await main(page).getByText(`${ann.email} can list 1 record.`).waitFor();
    await main(page).getByRole('cell', { name: 'hello from the panel' }).waitFor();
    await main(page).getByLabel("Requester's auth collection").selectOption({ label: 'Guest (not logged in)' });
    await main(page).getByRole('button', { name: 'Run test' }).click();
    await main(page).getByText('a guest can list 0 records.').waitFor();
    await axe(page, 'rule tester');
    await shoot(page, 'rule-tester');

    // Settings: the application name, saved.
    const appName = `Galley e2e ${Date.now().toString(36)}`;
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await main(page).getByLabel('Application URL').fill('not a url');
    await main(page).getByRole('button', { name: 'Save settings' }).click();
    // The API's nested error (meta.appURL) shows beside the field.
    await main(page).getByLabel('Application URL').and(page.locator('[aria-invalid="true"]')).waitFor();
    await main(page).getByLabel('Application URL').fill(oldSettings.meta.appURL || 'http://localhost:8090');
    await main(page).getByLabel('Application name').fill(appName);
    await main(page).getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();
    assert.equal((await pb.settings.getAll()).meta.appName, appName);
    await axe(page, 'settings');
    await shoot(page, 'settings');
    for (const tab of ['Mail', 'Storage', 'Limits and proxy', 'Superusers']) {
      await main(page).getByRole('link', { name: tab, exact: true }).click();
      await main(page).getByRole('heading', { name: tab, level: 2 }).waitFor();
      await axe(page, `settings ${tab}`);
      await shoot(page, `settings-${tab.toLowerCase().replace(/\W+/g, '-')}`);
    }
    // Superusers: one created, listed, then deleted.
    const suEmail = `dash_su_${Date.now().toString(36)}@example.com`;
    await main(page).getByLabel('Email').fill(suEmail);
    await main(page).getByLabel('Password', { exact: true }).fill('Another-pass-1');
    await main(page).getByLabel('Confirm password').fill('Another-pass-2');
    await main(page).getByRole('button', { name: 'Create superuser' }).click();
    await main(page).getByLabel('Confirm password').and(page.locator('[aria-invalid="true"]')).waitFor();
    await main(page).getByLabel('Confirm password').fill('Another-pass-1');
    await main(page).getByRole('button', { name: 'Create superuser' }).click();
    await main(page).getByRole('cell', { name: suEmail, exact: true }).waitFor();
    await main(page).getByRole('button', { name: `Delete ${suEmail}` }).click();
    await page.getByRole('dialog', { name: 'Delete this superuser?' }).getByRole('button', { name: 'Delete' }).click();
    await main(page).getByRole('cell', { name: suEmail, exact: true }).waitFor({ state: 'detached' });
    assert.equal((await pb.collection('_superusers').getList(1, 1, { filter: pb.filter('email = {:e}', { e: suEmail }) })).totalItems, 0);

    // Logs: the list, the chart, a detail.
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    await main(page).getByRole('img', { name: /Requests over time/ }).waitFor();
    await main(page).getByLabel('Filter').fill('data.status >= 400');
    await main(page).getByRole('button', { name: 'Apply filter' }).click();
    await main(page).getByRole('button', { name: /^Details of/ }).first().click();
    const detail = page.getByRole('dialog', { name: /^Log / });
    await detail.getByText(/status/).first().waitFor();
    await axe(page, 'log detail');
    await shoot(page, 'log-detail');
    await detail.getByRole('button', { name: 'Close' }).click();
    await axe(page, 'logs');
    await shoot(page, 'logs');
    assert.deepEqual(page.problems, []);
  } catch (e) {
    await page.screenshot({ path: join(SHOTS, `${DB}-records-failure.png`), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await pb.settings.update({ meta: { appName: oldSettings.meta.appName } }).catch(() => {});
    await ctx.close();
  }
});
