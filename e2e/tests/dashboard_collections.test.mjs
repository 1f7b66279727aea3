// The dashboard's collection editor in a real browser: log-in (a wrong
// password first), the session kept across a reload, the skip link, an
// auth collection (an API error shown beside its field), a base collection
// with a relation to it and rules typed with keyboard suggestions, a rule
// error shown inline as it is typed, renamed and removed fields warned
// about before saving, indexes, and a change made elsewhere that is not
// silently overwritten. axe-core on each screen; screenshots at 1280 and
// 375 px in GALLEY_E2E_SCREENSHOTS (default <tmp>/galley-screens).
import { test, before, after } from 'node:test';
import { join } from 'node:path';
import { assert, URL, uniqueName } from './lib.mjs';
import { skip, setUp, tearDown, state, newPage, axe, shoot, measureTTI, logIn, saved, main, field, DB, SHOTS } from '../browser/dashboard.mjs';

before(() => setUp('coll'));
after(tearDown);

test('log in, an auth and a base collection with a relation and rules, rule errors, field changes, indexes, conflicts', { skip, timeout: 55000 }, async () => {
  const { ctx, page } = await newPage();
  const users = uniqueName('dash_users');
  const posts = uniqueName('dash_posts');
  try {
    // Log-in screen, with a wrong password first.
    let bytes = 0;
    page.on('requestfinished', async (req) => {
      const s = await req.sizes().catch(() => null);
      if (s) bytes += s.responseBodySize + s.responseHeadersSize;
    });
    await measureTTI(page);
    await page.goto(`${URL}/_/`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.waitForLoadState('networkidle');
    const tti = Math.round(await page.evaluate(() => window.__galleyTTI));
    process.stderr.write(`[dashboard ${DB}] log-in screen: ${(bytes / 1024).toFixed(1)} KB transferred, interactive after ${tti} ms\n`);
    await axe(page, 'login');
    await shoot(page, 'login');
    await page.getByLabel('Email').fill(state.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(/Failed to authenticate/i).waitFor();
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    await logIn(page);

    // The session survives a reload; the skip link reaches the main content.
    await page.reload();
    await page.getByRole('heading', { name: 'Collections', exact: true, level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    const skipLink = page.getByRole('link', { name: 'Skip to content' });
    assert.ok(await skipLink.evaluate((el) => el === document.activeElement), 'the skip link is the first stop');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-content');
    await axe(page, 'collections');
    await shoot(page, 'collections');

    // An auth collection.
    await main(page).getByRole('link', { name: 'New collection' }).click();
    await page.getByRole('heading', { name: 'New collection' }).waitFor();
    await main(page).getByLabel('Collection type').selectOption('auth');
    await field(page, 4).waitFor(); // the auth scaffold's system fields
    await main(page).getByLabel('Collection name').fill(users);
    await main(page).getByRole('tab', { name: 'Auth options' }).click();
    await main(page).getByLabel('Code length').fill('2');
    await axe(page, 'auth options');
    await shoot(page, 'auth-options');
    await main(page).getByRole('button', { name: 'Create collection' }).click();
    // The API's error on otp.length shows beside that field.
    await main(page).getByText('The OTP length must be between 4 and 32.').waitFor();
    assert.equal(await main(page).getByLabel('Code length').getAttribute('aria-invalid'), 'true');
    await main(page).getByLabel('Code length').fill('6');
    await main(page).getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: users, level: 1 }).waitFor();
    const usersColl = await state.pb.collections.getOne(users);
    state.made.push(usersColl.id);
    assert.equal(usersColl.type, 'auth');
    assert.equal(usersColl.otp.length, 6);
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: new RegExp(`^${users}`) }).waitFor();

    // A base collection: a text field, a relation to the users, rules.
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'New collection' }).click();
    await page.getByRole('heading', { name: 'New collection' }).waitFor();
    await main(page).getByLabel('Collection name').fill(posts);
    const fieldCount = await main(page).getByRole('group', { name: /^Field \d+:/ }).count();
    await main(page).getByLabel('New field type').selectOption('text');
    await main(page).getByRole('button', { name: 'Add field' }).click();
    // the new field comes before created/updated and has the focus
    const newName = (type) => main(page).getByRole('group', { name: new RegExp(`new field \\(${type}\\)`) }).getByLabel('Name');
    await page.waitForFunction(() => document.activeElement?.closest('fieldset') && document.activeElement.value === '');
    assert.ok(await newName('text').evaluate((el) => el === document.activeElement), 'the new field has the focus');
    await page.keyboard.type('title');
    await main(page).getByLabel('New field type').selectOption('relation');
    await main(page).getByRole('button', { name: 'Add field' }).click();
    await newName('relation').fill('owner');
    const owner = main(page).getByRole('group', { name: /^Field \d+: owner \(relation\)/ });
    await owner.getByLabel('Related collection').selectOption({ label: `${users} (auth)` });
    await owner.getByLabel('Required').check();
    assert.equal(await main(page).getByRole('group', { name: /^Field \d+:/ }).count(), fieldCount + 2);
    await main(page).getByLabel('New field type').selectOption('number');
    await main(page).getByRole('button', { name: 'Add field' }).click();
    await newName('number').fill('views');
    await shoot(page, 'fields');
    await axe(page, 'fields');

    await main(page).getByRole('tab', { name: 'API rules' }).click();
    await main(page).getByRole('checkbox', { name: 'Superusers only (List/Search rule)' }).uncheck();
    const listRule = main(page).getByRole('textbox', { name: 'List/Search rule' });
    // Suggestions by keyboard: "@request.au" offers "@request.auth.", then its fields.
    await listRule.click();
    await page.keyboard.type('@request.au');
    const list = main(page).getByRole('listbox', { name: 'Suggestions' });
    await list.getByRole('option', { name: /^@request\.auth\./ }).first().waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await listRule.inputValue(), '@request.auth.');
    await list.getByRole('option', { name: /@request\.auth\.id/ }).waitFor();
    await page.keyboard.type('i');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.equal(await listRule.inputValue(), '@request.auth.id');
    await page.keyboard.type(' != ""');
    await page.keyboard.press('Escape');
    await main(page).getByRole('checkbox', { name: 'Superusers only (View rule)' }).uncheck();
    await main(page).getByRole('textbox', { name: 'View rule' }).fill('owner = @request.auth.id');
    await main(page).getByRole('checkbox', { name: 'Superusers only (Create rule)' }).uncheck(); // empty: everyone
    // A rule error appears beside the rule while typing.
    await main(page).getByRole('checkbox', { name: 'Superusers only (Update rule)' }).uncheck();
    const updateRule = main(page).getByRole('textbox', { name: 'Update rule' });
    await updateRule.fill('owner = @request.auth.id && nosuchfield > 1');
    await main(page).getByText(/nosuchfield/).waitFor();
    const described = await updateRule.evaluate((el) =>
      (el.getAttribute('aria-describedby') || '').split(' ').map((id) => document.getElementById(id)?.textContent || '').join(' '));
    assert.match(described, /nosuchfield/, 'the error is the rule textbox\'s description');
    assert.equal(await updateRule.getAttribute('aria-invalid'), 'true');
    await axe(page, 'rules with an error');
    await shoot(page, 'rules-error');
    // Saving with the error: the API's message stays beside the rule.
    await main(page).getByRole('button', { name: 'Create collection' }).click();
    await main(page).getByRole('tab', { name: /API rules.*1 error/ }).waitFor();
    await updateRule.fill('owner = @request.auth.id');
    await main(page).getByText('Valid rule.').first().waitFor();
    await main(page).getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: posts, level: 1 }).waitFor();
    const postsColl = await state.pb.collections.getOne(posts);
    state.made.push(postsColl.id);
    const ownerField = postsColl.fields.find((f) => f.name === 'owner');
    assert.equal(ownerField?.type, 'relation');
    assert.equal(ownerField.collectionId, usersColl.id);
    assert.equal(ownerField.required, true);
    assert.ok(postsColl.fields.some((f) => f.name === 'title' && f.type === 'text'));
    assert.equal(postsColl.listRule, '@request.auth.id != ""');
    assert.equal(postsColl.viewRule, 'owner = @request.auth.id');
    assert.equal(postsColl.createRule, '');
    assert.equal(postsColl.updateRule, 'owner = @request.auth.id');
    assert.equal(postsColl.deleteRule, null);

    // Rename a field, remove one, reorder: a warning lists what is lost.
    await main(page).getByRole('tab', { name: 'Fields' }).click();
    const title = main(page).getByRole('group', { name: /^Field \d+: title/ });
    await title.getByLabel('Name').fill('headline');
    await main(page).getByRole('button', { name: 'Remove field views' }).click();
    await main(page).getByRole('region', { name: 'Removed fields' }).getByRole('button', { name: 'Restore views' }).waitFor();
    await main(page).getByRole('button', { name: 'Move headline down' }).click();
    await main(page).getByRole('button', { name: 'Save changes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save these changes?' });
    await dialog.waitFor();
    const warning = await dialog.textContent();
    assert.match(warning, /“title” is renamed to “headline”/);
    assert.match(warning, /“views” \(number\) is deleted, with its data/);
    await axe(page, 'save warning');
    await shoot(page, 'save-warning');
    await dialog.getByRole('button', { name: 'Save anyway' }).click();
    await saved(page);
    const renamed = await state.pb.collections.getOne(posts);
    const names = renamed.fields.map((f) => f.name);
    assert.ok(names.includes('headline') && !names.includes('title') && !names.includes('views'), names.join());
    assert.ok(names.indexOf('headline') > names.indexOf('owner'), `moved down: ${names.join()}`);

    // Indexes: a bad statement is refused beside it; a good one is saved.
    await main(page).getByRole('tab', { name: 'Indexes' }).click();
    await main(page).getByRole('button', { name: 'Add unique index' }).click();
    await main(page).getByRole('textbox', { name: 'Index 1' }).fill('CREATE INDEX broken');
    await main(page).getByRole('button', { name: 'Save changes' }).click();
    await main(page).getByRole('textbox', { name: 'Index 1' }).and(page.locator('[aria-invalid="true"]')).waitFor();
    await main(page).getByRole('textbox', { name: 'Index 1' }).fill(`CREATE UNIQUE INDEX idx_${posts}_headline ON ${posts} (headline)`);
    await main(page).getByRole('button', { name: 'Save changes' }).click();
    await saved(page);
    assert.equal((await state.pb.collections.getOne(posts)).indexes.length, 1);

    // A second tab's change is not silently overwritten.
    await state.pb.collections.update(posts, { deleteRule: '' });
    await main(page).getByRole('tab', { name: 'API rules' }).click();
    await main(page).getByRole('textbox', { name: 'List/Search rule' }).fill('');
    await main(page).getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByRole('dialog', { name: 'Changed elsewhere' });
    await conflict.waitFor();
    await conflict.getByRole('button', { name: /Reload their version/ }).click();
    assert.equal(await main(page).getByRole('checkbox', { name: 'Superusers only (Delete rule)' }).isChecked(), false);

  } catch (e) {
    await page.screenshot({ path: join(SHOTS, `${DB}-failure.png`), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
    process.stderr.write(`[dashboard ${DB}] screenshots in ${SHOTS}\n`);
  }
});

