// The to-do app: plain ES module on the pocketbase SDK, served by Galley from pb_public/.
import PocketBase from '/vendor/pocketbase.es.mjs';

const pb = new PocketBase(location.origin);
pb.autoCancellation(false);

const $ = (id) => document.getElementById(id);
const state = { lists: [], tasks: [], listId: null, missing: false };
let unsubscribe = [];

// ---- messages -------------------------------------------------------------

function showAlert(text) {
  $('alert').textContent = text;
  $('alert').hidden = false;
}

function clearAlert() {
  $('alert').hidden = true;
  $('alert').textContent = '';
}

/** Turns an SDK error into a sentence a person can act on. */
function explain(err, what) {
  const status = err?.status ?? 0;
  if (status === 0) {
    return `Cannot reach the server: could not ${what}, nothing was saved. Check your connection and try again in a moment.`;
  }
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return `You are not allowed to ${what}.`;
  if (status === 404) return `Could not ${what}: it was not found. It may have been deleted, or it belongs to another account.`;
  const fields = Object.entries(err?.response?.data ?? {})
    .map(([name, e]) => `${name}: ${e?.message ?? e}`)
    .join('; ');
  return `Could not ${what}: ${err?.response?.message || err.message}${fields ? ` (${fields})` : ''}`;
}

async function act(what, fn) {
  clearAlert();
  try {
    return await fn();
  } catch (err) {
    if (err?.isAbort) return;
    showAlert(explain(err, what));
    if (err?.status === 401) signOut(false);
  }
}

// ---- auth -----------------------------------------------------------------

function showScreen() {
  const signedIn = pb.authStore.isValid;
  $('auth').hidden = signedIn;
  $('app').hidden = !signedIn;
  $('who').hidden = !signedIn;
  if (signedIn) {
    $('who-name').textContent = `Signed in as ${pb.authStore.record?.email ?? ''}`;
    start();
  }
}

$('auth-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const mode = ev.submitter?.value ?? 'signin';
  const data = new FormData(ev.target);
  const email = String(data.get('email')).trim();
  const password = String(data.get('password'));
  act(mode === 'signup' ? 'create the account' : 'sign in', async () => {
    if (mode === 'signup') {
      await pb.collection('users').create({ email, password, passwordConfirm: password });
    }
    try {
      await pb.collection('users').authWithPassword(email, password);
    } catch (err) {
      if (err?.status === 400) throw Object.assign(new Error('wrong email or password'), { status: 400, response: { message: 'Wrong email or password.' } });
      throw err;
    }
    ev.target.reset();
    showScreen();
  });
});

function signOut(clear = true) {
  for (const u of unsubscribe) u().catch(() => {});
  unsubscribe = [];
  connectSub = null;
  pb.realtime.unsubscribe().catch(() => {});
  pb.authStore.clear();
  state.lists = [];
  state.tasks = [];
  if (clear) clearAlert();
  showScreen();
}
$('sign-out').addEventListener('click', () => signOut());

// ---- data -----------------------------------------------------------------

const me = () => pb.authStore.record?.id;

async function start() {
  await act('load your lists', async () => {
    state.lists = await pb.collection('lists').getFullList({ sort: 'created' });
    renderLists();
    await selectFromHash();
  });
  subscribe();
}

let connectedOnce = false;
let recordSubs = []; // unsubscribe functions of the lists and tasks subscriptions

async function subscribeRecords() {
  recordSubs.push(await pb.collection('lists').subscribe('*', onListEvent));
  recordSubs.push(await pb.collection('tasks').subscribe('*', onTaskEvent));
}

let connectSub = null; // the PB_CONNECT subscription's unsubscribe, once in place

async function subscribe() {
  try {
    if (!connectSub) {
      // PB_CONNECT comes on every (re)connection of the SDK's event stream
      connectSub = await pb.realtime.subscribe('PB_CONNECT', () => {
        if (connectedOnce) setTimeout(resync);
        connectedOnce = true;
      });
      unsubscribe.push(connectSub, () => Promise.all(recordSubs.splice(0).map((u) => u())));
    }
    await subscribeRecords();
    $('conn').textContent = 'Live updates on';
  } catch {
    // The server went away while we subscribed. Once PB_CONNECT is in place the SDK's
    // reconnection brings resync(); before that, try again in a moment.
    $('conn').textContent = 'Live updates paused — reconnecting…';
    if (!connectSub) setTimeout(() => pb.authStore.isValid && !connectSub && subscribe(), 2000);
  }
}

// After a reconnection: make sure the server has our subscriptions again (a fresh
// subscribe request, answered once it is in place), then catch up on what changed while
// we were away, and only then say live updates are on.
async function resync() {
  $('conn').textContent = 'Reconnected — catching up…';
  try {
    for (const u of recordSubs.splice(0)) await u().catch(() => {});
    await subscribeRecords();
    state.lists = await pb.collection('lists').getFullList({ sort: 'created' });
    if (state.listId && !state.missing) {
      state.tasks = await pb.collection('tasks').getFullList({ filter: pb.filter('list = {:id}', { id: state.listId }), sort: 'position,created' });
    }
    renderLists();
    renderTasks();
    $('conn').textContent = 'Live updates on';
  } catch {
    $('conn').textContent = 'Live updates paused — reconnecting…';
  }
}
pb.realtime.onDisconnect = () => {
  if (pb.authStore.isValid) $('conn').textContent = 'Live updates paused — reconnecting…';
};

function upsert(arr, rec) {
  const i = arr.findIndex((r) => r.id === rec.id);
  if (i >= 0) arr[i] = rec;
  else arr.push(rec);
}

function onListEvent(e) {
  $('conn').textContent = 'Live updates on';
  if (e.action === 'delete') {
    state.lists = state.lists.filter((l) => l.id !== e.record.id);
    if (state.listId === e.record.id) location.hash = '';
  } else {
    upsert(state.lists, e.record);
  }
  renderLists();
  renderTasks();
}

function onTaskEvent(e) {
  $('conn').textContent = 'Live updates on';
  if (e.record.list !== state.listId) return;
  if (e.action === 'delete') state.tasks = state.tasks.filter((t) => t.id !== e.record.id);
  else upsert(state.tasks, e.record);
  renderTasks();
}

async function selectFromHash() {
  const id = new URLSearchParams(location.hash.slice(1)).get('list');
  state.listId = id || null;
  state.tasks = [];
  state.missing = false;
  if (id) {
    try {
      const list = await pb.collection('lists').getOne(id);
      upsert(state.lists, list);
      state.tasks = await pb.collection('tasks').getFullList({ filter: pb.filter('list = {:id}', { id }), sort: 'position,created' });
    } catch (err) {
      if (err?.status === 404) {
        state.missing = true;
        showAlert('This list was not found. It may have been deleted, or it belongs to another account: you can only open your own lists.');
      } else {
        throw err;
      }
    }
  }
  renderLists();
  renderTasks();
}
window.addEventListener('hashchange', () => act('open the list', selectFromHash));

// ---- rendering ------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else if (v !== false && v != null) node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function renderLists() {
  const ul = $('lists');
  ul.replaceChildren(
    ...state.lists.map((l) =>
      el('li', {}, el('button', {
        type: 'button',
        'aria-current': l.id === state.listId ? 'true' : false,
        onclick: () => { location.hash = `list=${l.id}`; },
      }, l.title)),
    ),
  );
  $('no-lists').hidden = state.lists.length > 0;
}

const sorted = () => [...state.tasks].sort((a, b) => a.position - b.position || a.created.localeCompare(b.created));

function renderTasks() {
  const list = state.lists.find((l) => l.id === state.listId);
  $('list-title').textContent = list ? list.title : state.missing ? 'List not found' : state.lists.length ? 'Pick a list' : 'Make a list to start';
  $('new-task').hidden = !list;
  $('delete-list').hidden = !list;
  const tasks = list ? sorted() : [];
  const done = tasks.filter((t) => t.done).length;
  $('progress').textContent = list ? (tasks.length ? `${done} of ${tasks.length} done` : 'No tasks yet — add one above.') : '';
  $('tasks').replaceChildren(...tasks.map((t, i) => taskItem(t, i, tasks)));
}

let editing = null;

function taskItem(t, i, tasks) {
  if (editing === t.id) {
    const form = el('form', {
      onsubmit: (ev) => {
        ev.preventDefault();
        const title = new FormData(form).get('title').trim();
        act('save the task', async () => {
          const rec = await pb.collection('tasks').update(t.id, { title });
          editing = null;
          upsert(state.tasks, rec);
          renderTasks();
        });
      },
    },
    el('label', {}, 'Task title', el('input', { name: 'title', value: t.title, maxlength: 200 })),
    el('button', { type: 'submit', class: 'primary small' }, 'Save'),
    el('button', { type: 'button', class: 'small', onclick: () => { editing = null; renderTasks(); } }, 'Cancel'));
    const li = el('li', {}, form);
    queueMicrotask(() => form.querySelector('input').focus());
    return li;
  }
  return el('li', { class: t.done ? 'done' : '' },
    el('label', { class: 'title' },
      el('input', {
        type: 'checkbox',
        checked: t.done,
        onchange: (ev) => act('update the task', async () => {
          const rec = await pb.collection('tasks').update(t.id, { done: ev.target.checked });
          upsert(state.tasks, rec);
          renderTasks();
        }).finally(() => renderTasks()),
      }),
      el('span', {}, t.title)),
    el('button', { type: 'button', class: 'small', 'aria-label': `Move ${t.title} up`, disabled: i === 0, onclick: () => move(tasks, i, -1) }, '↑'),
    el('button', { type: 'button', class: 'small', 'aria-label': `Move ${t.title} down`, disabled: i === tasks.length - 1, onclick: () => move(tasks, i, 1) }, '↓'),
    el('button', { type: 'button', class: 'small', 'aria-label': `Edit ${t.title}`, onclick: () => { editing = t.id; renderTasks(); } }, 'Edit'),
    el('button', {
      type: 'button', class: 'small danger', 'aria-label': `Delete ${t.title}`,
      onclick: () => act('delete the task', async () => {
        await pb.collection('tasks').delete(t.id);
        state.tasks = state.tasks.filter((x) => x.id !== t.id);
        renderTasks();
      }),
    }, 'Delete'));
}

function move(tasks, i, step) {
  const a = tasks[i];
  const b = tasks[i + step];
  if (!b) return;
  act('reorder the tasks', async () => {
    // Renumber the whole list in its new order, so equal positions never tie.
    const order = tasks.map((t) => t.id);
    order[i] = b.id;
    order[i + step] = a.id;
    const changed = order.map((id, pos) => ({ id, pos })).filter(({ id, pos }) => state.tasks.find((t) => t.id === id).position !== pos);
    for (const { id, pos } of changed) {
      upsert(state.tasks, await pb.collection('tasks').update(id, { position: pos }));
    }
    renderTasks();
  });
}

$('new-list').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const title = new FormData(form).get('title').trim();
  act('add the list', async () => {
    const list = await pb.collection('lists').create({ title, owner: me() });
    form.reset();
    upsert(state.lists, list);
    location.hash = `list=${list.id}`;
  });
});

$('new-task').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const title = new FormData(form).get('title').trim();
  act('add the task', async () => {
    const position = state.tasks.reduce((m, t) => Math.max(m, t.position + 1), 0);
    const rec = await pb.collection('tasks').create({ title, list: state.listId, owner: me(), position });
    form.reset();
    upsert(state.tasks, rec);
    renderTasks();
  });
});

$('delete-list').addEventListener('click', () => {
  const list = state.lists.find((l) => l.id === state.listId);
  if (!list || !confirm(`Delete the list “${list.title}” and its tasks?`)) return;
  act('delete the list', async () => {
    await pb.collection('lists').delete(list.id);
    state.lists = state.lists.filter((l) => l.id !== list.id);
    location.hash = '';
  });
});

showScreen();
