// The to-do app in a real browser against a real galley: sign-up, lists and tasks (add,
// edit, complete, reorder, delete), two tabs in sync over realtime, another user refused,
// data kept across a restart, and a clear message while the server is down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import { URL, WAIT, launch, newPage, screenshot, control, uniqueEmail, axe } from '../../lib.mjs';

const PASSWORD = 'correct-horse-1';
let browser;
const ann = { email: uniqueEmail('ann') };
const bob = { email: uniqueEmail('bob') };

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  // leave the server running for whoever comes next
  await control('start').catch(() => {});
});

async function signUp(page, email) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your lists' }).waitFor();
}

const taskTitles = (page) => page.getByRole('list', { name: 'Tasks' }).locator('li .title span').allTextContents();

async function waitTitles(page, want) {
  await page.waitForFunction(
    (want) => JSON.stringify([...document.querySelectorAll('#tasks li .title span')].map((s) => s.textContent)) === JSON.stringify(want),
    want, { timeout: WAIT },
  ).catch(async (e) => {
    await screenshot(page, 'failure');
    assert.deepEqual(await taskTitles(page), want, e.message);
  });
}

test('sign up, make a list, add, edit, complete, reorder and delete tasks', async () => {
  const { ctx, page } = await newPage(browser, 'ann');
  ann.ctx = ctx;
  ann.page = page;
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(page, 'signin');
  await axe(page, 'sign-in');
  await signUp(page, ann.email);
  await page.getByText(`Signed in as ${ann.email}`).waitFor();

  await page.getByLabel('New list name').fill('Groceries');
  await page.getByRole('button', { name: 'Add list' }).click();
  await page.getByRole('heading', { name: 'Groceries' }).waitFor();
  ann.listId = new URLSearchParams(new globalThis.URL(page.url()).hash.slice(1)).get('list');
  assert.match(ann.listId, /^[a-z0-9]{15}$/);

  for (const title of ['Buy milk', 'Bake bread', 'Call mom']) {
    await page.getByLabel('New task').fill(title);
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByRole('checkbox', { name: title }).waitFor();
  }
  await waitTitles(page, ['Buy milk', 'Bake bread', 'Call mom']);

  // An empty task is refused with a message.
  await page.getByLabel('New task').fill('   ');
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('alert').filter({ hasText: /Could not add the task.*title/ }).waitFor();

  // Complete
  await page.getByRole('checkbox', { name: 'Buy milk' }).check();
  await page.getByText('1 of 3 done').waitFor();
  assert.equal(await page.getByRole('alert').isVisible(), false, 'a successful action clears the message');

  // Edit
  await page.getByRole('button', { name: 'Edit Bake bread' }).click();
  await page.getByLabel('Task title').fill('Bake sourdough');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('checkbox', { name: 'Bake sourdough' }).waitFor();

  // Reorder: Call mom goes to the top in two moves.
  await page.getByRole('button', { name: 'Move Call mom up' }).click();
  await waitTitles(page, ['Buy milk', 'Call mom', 'Bake sourdough']);
  await page.getByRole('button', { name: 'Move Call mom up' }).click();
  await waitTitles(page, ['Call mom', 'Buy milk', 'Bake sourdough']);
  assert.equal(await page.getByRole('button', { name: 'Move Call mom up' }).isDisabled(), true);

  // Delete
  await page.getByLabel('New task').fill('Mistake');
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('button', { name: 'Delete Mistake' }).click();
  await waitTitles(page, ['Call mom', 'Buy milk', 'Bake sourdough']);

  // The order is the server's, not just the page's.
  await page.reload();
  await waitTitles(page, ['Call mom', 'Buy milk', 'Bake sourdough']);
  assert.equal(await page.getByRole('checkbox', { name: 'Buy milk' }).isChecked(), true);
  await screenshot(page, 'readme');
  await axe(page, 'a list');
});

test('two tabs stay in sync over realtime', async () => {
  const { page: tab2 } = await newPage(browser, 'ann tab 2', `/#list=${ann.listId}`, { ctx: ann.ctx });
  await waitTitles(tab2, ['Call mom', 'Buy milk', 'Bake sourdough']);
  await ann.page.getByText('Live updates on').waitFor();
  await tab2.getByText('Live updates on').waitFor();

  // added in tab 1, seen in tab 2
  await ann.page.getByLabel('New task').fill('Water plants');
  await ann.page.getByRole('button', { name: 'Add task' }).click();
  await tab2.getByRole('checkbox', { name: 'Water plants' }).waitFor();

  // completed in tab 2, seen in tab 1
  await tab2.getByRole('checkbox', { name: 'Water plants' }).check();
  await ann.page.waitForFunction(() => document.querySelector('#tasks li.done:last-child .title span')?.textContent === 'Water plants');
  assert.equal(await ann.page.getByRole('checkbox', { name: 'Water plants' }).isChecked(), true);

  // a new list in tab 2 shows up in tab 1's lists
  await tab2.getByLabel('New list name').fill('Work');
  await tab2.getByRole('button', { name: 'Add list' }).click();
  await ann.page.getByRole('navigation').getByRole('button', { name: 'Work' }).waitFor();
  await tab2.getByRole('navigation').getByRole('button', { name: 'Groceries' }).click();
  await tab2.getByRole('heading', { name: 'Groceries' }).waitFor();

  // deleted in tab 1, gone from tab 2
  await ann.page.getByRole('button', { name: 'Delete Water plants' }).click();
  await waitTitles(tab2, ['Call mom', 'Buy milk', 'Bake sourdough']);
  await tab2.close();
});

test("another user cannot see or change Ann's list", async () => {
  const { ctx, page } = await newPage(browser, 'bob');
  bob.ctx = ctx;
  await signUp(page, bob.email);
  await page.getByText('No lists yet').waitFor();
  assert.deepEqual(await page.getByRole('navigation').getByRole('listitem').allTextContents(), []);

  // Bob opens Ann's list by its address: refused with a message, nothing shown.
  await page.goto(`${URL}/#list=${ann.listId}`);
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'belongs to another account' }).waitFor();
  await page.getByRole('heading', { name: 'List not found' }).waitFor();
  assert.equal(await page.getByRole('list', { name: 'Tasks' }).getByRole('listitem').count(), 0);
  await screenshot(page, 'other-user');

  // And the API refuses Bob's writes to Ann's task and list.
  const pb = new PocketBase(URL);
  pb.autoCancellation(false);
  await pb.collection('users').authWithPassword(bob.email, PASSWORD);
  const annPb = new PocketBase(URL);
  await annPb.collection('users').authWithPassword(ann.email, PASSWORD);
  const [task] = await annPb.collection('tasks').getFullList({ filter: `list = "${ann.listId}"` });
  await assert.rejects(pb.collection('tasks').update(task.id, { title: 'hacked' }), (e) => e.status === 404);
  await assert.rejects(pb.collection('tasks').create({ title: 'x', list: ann.listId, owner: pb.authStore.record.id }), (e) => e.status === 400);
  await assert.rejects(pb.collection('tasks').create({ title: 'x', list: ann.listId, owner: annPb.authStore.record.id }), (e) => e.status === 400);
  assert.equal((await annPb.collection('tasks').getOne(task.id)).title, task.title);
  await ctx.close();
});

test('the data survives a restart of the server', async () => {
  await control('restart');
  const { page } = await newPage(browser, 'ann after restart', `/#list=${ann.listId}`, { ctx: ann.ctx });
  await page.getByRole('heading', { name: 'Groceries' }).waitFor();
  await waitTitles(page, ['Call mom', 'Buy milk', 'Bake sourdough']);
  assert.equal(await page.getByRole('checkbox', { name: 'Buy milk' }).isChecked(), true);
  await page.close();
});

test('a clear message while the server is down, and work goes on once it is back', async () => {
  const page = ann.page;
  await page.reload();
  await waitTitles(page, ['Call mom', 'Buy milk', 'Bake sourdough']);
  await page.getByText('Live updates on').waitFor(); // subscribed before the server goes
  await control('stop');
  await page.getByText('Live updates paused — reconnecting…').waitFor();
  await page.getByLabel('New task').fill('Offline task');
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('alert').filter({ hasText: 'Cannot reach the server' }).waitFor();
  await screenshot(page, 'offline');
  await axe(page, 'offline');
  await waitTitles(page, ['Call mom', 'Buy milk', 'Bake sourdough']);

  await control('start');
  // the page reconnects by itself and catches up on what changed meanwhile
  const other = new PocketBase(URL);
  await other.collection('users').authWithPassword(ann.email, PASSWORD);
  await other.collection('tasks').create({ title: 'While you were away', list: ann.listId, owner: other.authStore.record.id, position: 98 });
  await page.getByRole('checkbox', { name: 'While you were away' }).waitFor();
  await page.getByText('Live updates on').waitFor();
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('checkbox', { name: 'Offline task' }).waitFor();
  assert.equal(await page.getByRole('alert').isVisible(), false);

  // live updates are back: a change made elsewhere shows up in this page
  await other.collection('tasks').create({ title: 'From the phone', list: ann.listId, owner: other.authStore.record.id, position: 99 });
  await page.getByRole('checkbox', { name: 'From the phone' }).waitFor();
});
