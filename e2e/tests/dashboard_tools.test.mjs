// The dashboard's other collection screens in a real browser: a view
// collection (a bad query refused beside it, the saved view previewed),
// export and import of definitions as JSON, deleting a collection, an
// expired session that keeps what was typed across a new log-in, the
// narrow layout's menu, and log-out. Also: /_/ is served with its CSP and
// compressed.
import { test, before, after } from 'node:test';
import { join } from 'node:path';
import { assert, URL, uniqueName } from './lib.mjs';
import { skip, setUp, tearDown, state, newPage, axe, shoot, measureTTI, logIn, saved, main, field, DB, SHOTS } from '../browser/dashboard.mjs';

const users = uniqueName('dash_tusers');
const posts = uniqueName('dash_tposts');

before(async () => {
  await setUp('tools');
  if (skip) return;
  const u = await state.pb.collections.create({ name: users, type: 'auth', listRule: '', viewRule: '' });
  state.made.push(u.id);
  const p = await state.pb.collections.create({
    name: posts,
    type: 'base',
    fields: [{ name: 'headline', type: 'text' }, { name: 'owner', type: 'relation', collectionId: u.id, maxSelect: 1 }],
    listRule: '@request.auth.id != ""',
    viewRule: 'owner = @request.auth.id',
  });
  state.made.push(p.id);
});
after(tearDown);

test('view with preview, export and import, delete, expired session, narrow menu, log out', { skip, timeout: 55000 }, async () => {
  const { ctx, page } = await newPage();
  const view = uniqueName('dash_view');
  try {
    await page.goto(`${URL}/_/`);
    await logIn(page);

    // A view collection: a bad query is refused beside it, a good one previewed.
    await page.goto(`${URL}/_/#/collections/new?type=view`);
    await page.getByRole('heading', { name: 'New collection' }).waitFor();
    await main(page).getByLabel('Collection name').fill(view);
    await main(page).getByLabel('View query').fill('SELECT id, headline FROM no_such_table');
    await main(page).getByRole('button', { name: 'Create collection' }).click();
    await main(page).getByLabel('View query').and(page.locator('[aria-invalid="true"]')).waitFor();
    await state.pb.collection(posts).create({ headline: 'hello', owner: (await state.pb.collection(users).create({ email: `o_${Date.now()}@example.com`, password: 'Passw0rd-123', passwordConfirm: 'Passw0rd-123' })).id });
    await main(page).getByLabel('View query').fill(`SELECT id, headline FROM ${posts}`);
    await main(page).getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: view, level: 1 }).waitFor();
    state.made.push((await state.pb.collections.getOne(view)).id);
    await main(page).getByRole('region', { name: 'Preview records' }).getByText('hello').waitFor();
    await axe(page, 'view');
    await shoot(page, 'view-preview');

    // Export, then import a copy under another name.
    await page.goto(`${URL}/_/#/collections/export`);
    const exported = main(page).getByLabel('Collections JSON');
    await page.waitForFunction(() => document.querySelector('textarea')?.value.length > 10);
    const defs = JSON.parse(await exported.inputValue());
    assert.ok(defs.some((c) => c.name === posts) && defs.some((c) => c.name === users));
    await axe(page, 'export');
    await shoot(page, 'export');
    const copyName = uniqueName('dash_copy');
    const copy = { ...defs.find((c) => c.name === posts), name: copyName, indexes: [] };
    delete copy.id;
    copy.fields = copy.fields.map(({ id, ...f }) => f);
    await page.goto(`${URL}/_/#/collections/import`);
    await main(page).getByLabel('Collections JSON').fill('[not json');
    await main(page).getByRole('button', { name: 'Review and import' }).click();
    await main(page).getByText(/Not valid JSON/).waitFor();
    await main(page).getByLabel('Collections JSON').fill(JSON.stringify([copy], null, 2));
    await main(page).getByText(`1 to create: ${copyName}.`).waitFor();
    await axe(page, 'import');
    await shoot(page, 'import');
    await main(page).getByRole('button', { name: 'Review and import' }).click();
    await page.getByRole('dialog', { name: 'Import collections?' }).getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Collections', exact: true, level: 1 }).waitFor();
    const imported = await state.pb.collections.getOne(copyName);
    state.made.push(imported.id);
    assert.equal(imported.viewRule, 'owner = @request.auth.id');

    // Delete a collection.
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: new RegExp(`^${copyName}`) }).click();
    await page.getByRole('heading', { name: copyName, level: 1 }).waitFor();
    await main(page).getByRole('link', { name: 'Edit collection' }).click(); // the sidebar leads to the records
    await main(page).getByRole('button', { name: `Delete collection ${copyName}` }).click();
    await page.getByRole('dialog', { name: `Delete ${copyName}?` }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Collections', exact: true, level: 1 }).waitFor();
    await assert.rejects(state.pb.collections.getOne(copyName), (e) => e.status === 404);

    // An expired session: what was typed survives a new log-in.
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: new RegExp(`^${posts}`) }).click();
    await page.getByRole('heading', { name: posts, level: 1 }).waitFor();
    await main(page).getByRole('link', { name: 'Edit collection' }).click();
    await main(page).getByRole('tab', { name: 'API rules' }).click();
    await main(page).getByRole('textbox', { name: 'List/Search rule' }).fill('headline != ""');
    await main(page).getByText('Valid rule.').first().waitFor(); // the check as typed is done before the token dies
    const su = await state.pb.collection('_superusers').getFirstListItem(state.pb.filter('email = {:e}', { e: state.email }));
    state.password = 'Dashboard-pass-2';
    await state.pb.collection('_superusers').update(su.id, { password: state.password, passwordConfirm: state.password }); // old tokens die
    await main(page).getByRole('button', { name: 'Save changes' }).click();
    const again = page.getByRole('dialog', { name: 'Log in again' });
    await again.waitFor();
    await shoot(page, 'session-expired');
    await again.getByLabel('Password').fill(state.password);
    await again.getByRole('button', { name: 'Log in again' }).click();
    await again.waitFor({ state: 'hidden' });
    assert.equal(await main(page).getByRole('textbox', { name: 'List/Search rule' }).inputValue(), 'headline != ""');
    await main(page).getByRole('button', { name: 'Save changes' }).click();
    await saved(page);
    assert.equal((await state.pb.collections.getOne(posts)).listRule, 'headline != ""');

    // The narrow layout: the sidebar is a menu.
    await page.setViewportSize({ width: 375, height: 800 });
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Collections', exact: true }).click();
    await page.getByRole('heading', { name: 'Collections', exact: true, level: 1 }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });

    // Log out: back to the log-in screen, also after a reload.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.deepEqual(page.problems, []);
  } catch (e) {
    await page.screenshot({ path: join(SHOTS, `${DB}-failure.png`), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
    process.stderr.write(`[dashboard ${DB}] screenshots in ${SHOTS}\n`);
  }
});


test('the dashboard is served with its CSP and compressed', { skip }, async () => {
  const res = await fetch(`${URL}/_/`);
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe/);
  const js = await fetch(`${URL}/_/app.js`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(js.headers.get('content-encoding'), 'gzip');
});
