// The chat app: plain ES module. REST through the pocketbase SDK; record events, presence
// and typing indicators through one raw WebSocket to Galley's /api/realtime/ws.
import PocketBase from '/vendor/pocketbase.es.mjs';

const pb = new PocketBase(location.origin);
pb.autoCancellation(false);

const PAGE = 20;
const $ = (id) => document.getElementById(id);
const state = {
  rooms: [],        // rooms I am a member of
  mine: new Map(),  // room id -> my members record
  unread: new Map(),// room id -> count
  roomId: null,
  room: null,
  messages: [],     // current room, oldest first
  hasOlder: false,
  members: [],      // current room's members records
  online: new Map(),// user id -> client ids (tabs) in the current room's channel
  typing: new Map(),// name -> timeout
};

// ---- messages to the person -------------------------------------------------

function showAlert(text) {
  $('alert').textContent = text;
  $('alert').hidden = false;
}
function clearAlert() {
  $('alert').hidden = true;
  $('alert').textContent = '';
}

function explain(err, what) {
  const status = err?.status ?? 0;
  if (status === 0) return `Cannot reach the server: could not ${what}. Check your connection and try again.`;
  if (status === 401) return 'Your session has ended. Please sign in again.';
  const msg = err?.response?.message || err.message;
  const fields = Object.values(err?.response?.data ?? {}).map((e) => e?.message).filter(Boolean);
  if (fields.length) return `Could not ${what}: ${fields.join(' ')}`;
  return `Could not ${what}: ${msg}`;
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

// ---- auth ------------------------------------------------------------------

const me = () => pb.authStore.record?.id;

function showScreen() {
  const signedIn = pb.authStore.isValid;
  $('auth').hidden = signedIn;
  $('app').hidden = !signedIn;
  $('who').hidden = !signedIn;
  if (signedIn) {
    const r = pb.authStore.record;
    $('who-name').textContent = `Signed in as ${r?.name || r?.email}`;
    start();
  }
}

$('auth-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const mode = ev.submitter?.value ?? 'signin';
  const data = new FormData(ev.target);
  const email = String(data.get('email')).trim();
  const password = String(data.get('password'));
  const name = String(data.get('name') || '').trim();
  act(mode === 'signup' ? 'create the account' : 'sign in', async () => {
    if (mode === 'signup') {
      await pb.collection('users').create({ email, password, passwordConfirm: password, name });
    }
    try {
      await pb.collection('users').authWithPassword(email, password);
    } catch (err) {
      if (err?.status === 400) throw Object.assign(new Error('Wrong email or password.'), { status: 400 });
      throw err;
    }
    ev.target.reset();
    showScreen();
  });
});

function signOut(clear = true) {
  ws?.close();
  ws = null;
  pb.authStore.clear();
  if (clear) clearAlert();
  showScreen();
}
$('sign-out').addEventListener('click', () => signOut());

// ---- the WebSocket ------------------------------------------------------------

let ws = null;
let wsSeq = 0;
const pending = new Map(); // id -> {resolve, reject}
let joined = null;          // channel name

function connect() {
  const url = new URL('/api/realtime/ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', pb.authStore.token);
  const sock = new WebSocket(url);
  ws = sock;
  sock.onmessage = (m) => onSocketMessage(JSON.parse(m.data));
  sock.onopen = () => { $('conn').textContent = 'Connecting…'; };
  sock.onclose = () => {
    for (const p of pending.values()) p.reject(Object.assign(new Error('connection closed'), { status: 0 }));
    pending.clear();
    joined = null;
    if (ws !== sock) return; // signed out or replaced
    $('conn').textContent = 'Disconnected — reconnecting…';
    state.online.clear();
    renderMembers();
    setTimeout(() => { if (ws === sock) connect(); }, 2000);
  };
}

function request(msg) {
  return new Promise((resolve, reject) => {
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      reject(Object.assign(new Error('not connected'), { status: 0 }));
      return;
    }
    const id = String(++wsSeq);
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ ...msg, id }));
  });
}

function onSocketMessage(msg) {
  if (msg.id && pending.has(msg.id)) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.type === 'error') p.reject(Object.assign(new Error(msg.message), { status: msg.status, response: msg }));
    else p.resolve(msg);
    return;
  }
  switch (msg.type) {
    case 'connect':
      onConnected();
      break;
    case 'event':
      onRecordEvent(msg.topic.split('/')[0], msg.data.action, msg.data.record);
      break;
    case 'presence':
      if (msg.channel !== joined || !msg.member.auth) break;
      if (msg.action === 'join') addOnline(msg.member);
      else if (msg.action === 'leave') removeOnline(msg.member);
      renderMembers();
      break;
    case 'message':
      if (msg.channel === joined && msg.data?.typing) showTyping(msg.from?.meta?.name ?? 'Someone');
      break;
    case 'left':
      if (msg.channel === joined) onLeft(msg.channel);
      break;
  }
}

// The server took this tab out of the room's channel: its join rule no longer lets it in
// (usually the membership was removed; this tab may have missed that record event). Ask
// the API whether the room is still ours: no — say so and close it; yes — join again.
async function onLeft(channel) {
  joined = null;
  state.online.clear();
  state.typing.forEach((t) => clearTimeout(t));
  state.typing.clear();
  renderTyping();
  renderMembers();
  const room = channel.slice('room:'.length);
  try {
    await pb.collection('rooms').getOne(room);
  } catch (err) {
    if (err?.status !== 404) return;
    const name = state.rooms.find((r) => r.id === room)?.name;
    state.rooms = state.rooms.filter((r) => r.id !== room);
    state.mine.delete(room);
    if (state.roomId === room) {
      showAlert(`You are no longer a member of “${name ?? 'this room'}”: you cannot read or post in it any more.`);
      closeRoom();
    }
    renderRooms();
    return;
  }
  if (state.roomId === room) await joinChannel().catch(() => {});
}

let connectedBefore = false;

async function onConnected() {
  try {
    await request({ type: 'subscribe', topics: ['messages/*', 'members/*', 'rooms/*'] });
    $('conn').textContent = 'Connected';
    if (connectedBefore) {
      // a reconnection: catch up on what happened meanwhile (rooms, unread counts, the open room)
      await loadRooms();
      if (state.roomId) await openFromHash();
    } else if (state.roomId && state.room) {
      await joinChannel();
    }
    connectedBefore = true;
  } catch (err) {
    showAlert(explain(err, 'start live updates'));
  }
}

let joining = null; // {channel, promise} of a join in flight

function joinChannel() {
  const channel = `room:${state.roomId}`;
  if (joining?.channel === channel) return joining.promise;
  const promise = doJoin(channel).finally(() => { if (joining?.promise === promise) joining = null; });
  joining = { channel, promise };
  return promise;
}

async function doJoin(channel) {
  const room = channel.slice('room:'.length);
  let reply;
  if (joined === channel) {
    reply = await request({ type: 'presence', channel });
  } else {
    if (joined) {
      const old = joined;
      joined = null;
      await request({ type: 'leave', channel: old }).catch(() => {});
    }
    const mine = state.mine.get(room);
    if (!mine || !ws || ws.readyState !== WebSocket.OPEN) return;
    reply = await request({ type: 'join', channel, meta: { room, name: mine.name } });
    joined = channel;
  }
  if (state.roomId !== room) return;
  state.online = new Map();
  reply.members.forEach(addOnline);
  renderMembers();
}

// One person may be in a room from several tabs: online while any of them is.
function addOnline(member) {
  if (!member.auth) return;
  const tabs = state.online.get(member.auth.id) ?? new Set();
  tabs.add(member.clientId);
  state.online.set(member.auth.id, tabs);
}
function removeOnline(member) {
  const tabs = member.auth && state.online.get(member.auth.id);
  if (!tabs) return;
  tabs.delete(member.clientId);
  if (tabs.size === 0) state.online.delete(member.auth.id);
}

// ---- record events --------------------------------------------------------------

function onRecordEvent(collection, action, rec) {
  if (collection === 'messages') {
    if (action !== 'create') {
      if (rec.room === state.roomId && action === 'delete') {
        state.messages = state.messages.filter((m) => m.id !== rec.id);
        renderMessages();
      }
      return;
    }
    if (rec.room === state.roomId) {
      if (!state.messages.some((m) => m.id === rec.id)) {
        state.messages.push(rec);
        renderMessages(true);
      }
      clearTyping(rec.authorName);
      markRead();
    } else if (rec.author !== me()) {
      state.unread.set(rec.room, (state.unread.get(rec.room) ?? 0) + 1);
      renderRooms();
    }
  } else if (collection === 'members') {
    if (rec.user === me()) {
      if (action === 'delete') {
        const room = state.rooms.find((r) => r.id === rec.room);
        state.rooms = state.rooms.filter((r) => r.id !== rec.room);
        state.mine.delete(rec.room);
        if (rec.room === state.roomId) {
          showAlert(`You are no longer a member of “${room?.name ?? 'this room'}”: you cannot read or post in it any more.`);
          closeRoom();
        }
        renderRooms();
      } else {
        loadRooms().catch(() => {});
      }
    }
    if (rec.room === state.roomId) {
      if (action === 'delete') state.members = state.members.filter((m) => m.id !== rec.id);
      else upsert(state.members, rec);
      renderMembers();
    }
  } else if (collection === 'rooms') {
    if (action === 'delete') {
      state.rooms = state.rooms.filter((r) => r.id !== rec.id);
      if (rec.id === state.roomId) {
        showAlert('This room was deleted.');
        closeRoom();
      }
    } else {
      upsert(state.rooms, rec);
    }
    renderRooms();
  }
}

function upsert(arr, rec) {
  const i = arr.findIndex((r) => r.id === rec.id);
  if (i >= 0) arr[i] = rec;
  else arr.push(rec);
}

// ---- loading ------------------------------------------------------------------

async function start() {
  connect();
  await act('load your rooms', async () => {
    await loadRooms();
    await openFromHash();
  });
}

async function loadRooms() {
  const mine = await pb.collection('members').getFullList({ filter: pb.filter('user = {:me}', { me: me() }), expand: 'room' });
  state.mine = new Map(mine.map((m) => [m.room, m]));
  state.rooms = mine.map((m) => m.expand?.room).filter(Boolean).sort((a, b) => a.name.localeCompare(b.name));
  const counts = await Promise.all(mine.map((m) => pb.collection('messages').getList(1, 1, {
    filter: pb.filter('room = {:room} && author != {:me} && created > {:since}', { room: m.room, me: me(), since: m.lastRead || '2000-01-01 00:00:00.000Z' }),
    fields: 'id',
  }).then((r) => [m.room, r.totalItems])));
  state.unread = new Map(counts);
  if (state.roomId) state.unread.set(state.roomId, 0);
  renderRooms();
}

async function openFromHash() {
  const id = new URLSearchParams(location.hash.slice(1)).get('room');
  state.typing.forEach((t) => clearTimeout(t));
  state.typing.clear();
  renderTyping();
  if (!id) {
    closeRoom();
    return;
  }
  state.roomId = id;
  try {
    state.room = await pb.collection('rooms').getOne(id);
  } catch (err) {
    if (err?.status === 404) {
      closeRoom();
      $('room-title').textContent = 'Room not available';
      showAlert('You are not a member of this room (or it does not exist), so you cannot read or post in it. Ask its owner to invite you.');
      return;
    }
    throw err;
  }
  const [page, members] = await Promise.all([
    pb.collection('messages').getList(1, PAGE, { filter: pb.filter('room = {:id}', { id }), sort: '-created,-id' }),
    pb.collection('members').getFullList({ filter: pb.filter('room = {:id}', { id }), sort: 'name' }),
  ]);
  state.messages = page.items.reverse();
  state.hasOlder = page.totalItems > page.items.length;
  state.members = members;
  state.online = new Map();
  $('room-body').hidden = false;
  $('people').hidden = false;
  renderRoom();
  renderMessages(true);
  renderMembers();
  renderRooms();
  await markRead();
  await joinChannel().catch((err) => showAlert(explain(err, 'show who is online')));
}
window.addEventListener('hashchange', () => act('open the room', openFromHash));

function closeRoom() {
  if (joined) {
    request({ type: 'leave', channel: joined }).catch(() => {});
    joined = null;
  }
  state.roomId = null;
  state.room = null;
  state.messages = [];
  state.members = [];
  $('room-body').hidden = true;
  $('people').hidden = true;
  $('room-title').textContent = state.rooms.length ? 'Pick a room' : 'Make a room to start';
  renderRooms();
}

async function markRead() {
  const mine = state.mine.get(state.roomId);
  state.unread.set(state.roomId, 0);
  renderRooms();
  const last = state.messages[state.messages.length - 1];
  if (!mine || !last || (mine.lastRead && mine.lastRead >= last.created)) return;
  try {
    const rec = await pb.collection('members').update(mine.id, { lastRead: last.created });
    state.mine.set(state.roomId, rec);
  } catch {
    // the count is only a hint; it is recomputed on the next load
  }
}

$('older').addEventListener('click', () => act('load older messages', async () => {
  const first = state.messages[0];
  if (!first) return;
  const page = await pb.collection('messages').getList(1, PAGE, {
    filter: pb.filter('room = {:room} && (created < {:c} || (created = {:c} && id < {:id}))', { room: state.roomId, c: first.created, id: first.id }),
    sort: '-created,-id',
  });
  state.messages = [...page.items.reverse(), ...state.messages];
  state.hasOlder = page.totalItems > page.items.length;
  renderMessages(false);
  $('scroller').scrollTop = 0;
}));

// ---- rendering -----------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else if (v !== false && v != null) node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

function renderRooms() {
  $('rooms').replaceChildren(...state.rooms.map((r) => {
    const n = state.unread.get(r.id) ?? 0;
    return el('li', {}, el('button', {
      type: 'button',
      'aria-current': r.id === state.roomId ? 'true' : false,
      onclick: () => { location.hash = `room=${r.id}`; },
    }, el('span', {}, r.name), n > 0 ? el('span', { class: 'badge' }, String(n), el('span', { class: 'sr' }, ' unread')) : null));
  }));
  $('no-rooms').hidden = state.rooms.length > 0;
}

function renderRoom() {
  $('room-title').textContent = state.room.name;
  $('invite').hidden = state.room.owner !== me();
  $('leave').hidden = state.room.owner === me();
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function messageItem(m) {
  const when = new Date(m.created.replace(' ', 'T'));
  const files = (m.files ?? []).map((f) => {
    const url = pb.files.getURL(m, f);
    const label = f.replace(/_[a-z0-9]{10}(\.[^.]+)$/i, '$1');
    return /\.(png|jpe?g|gif|webp)$/i.test(f)
      ? el('a', { href: url, target: '_blank' }, el('img', { src: pb.files.getURL(m, f, { thumb: '0x90' }), alt: label }))
      : el('a', { href: url, target: '_blank', download: label }, `📎 ${label}`);
  });
  return el('li', {},
    el('div', { class: 'meta' }, el('b', {}, m.authorName || 'someone'), el('time', { datetime: when.toISOString() }, timeFmt.format(when))),
    m.text ? el('div', { class: 'text' }, m.text) : null,
    files.length ? el('div', { class: 'files' }, ...files) : null);
}

function renderMessages(scrollToEnd) {
  $('messages').replaceChildren(...state.messages.map(messageItem));
  $('older').hidden = !state.hasOlder;
  $('beginning').hidden = state.hasOlder;
  const box = $('scroller');
  if (scrollToEnd) box.scrollTop = box.scrollHeight;
}

function renderMembers() {
  if (!state.room) return;
  const owner = state.room.owner === me();
  const sorted = [...state.members].sort((a, b) => Number(state.online.has(b.user)) - Number(state.online.has(a.user)) || a.name.localeCompare(b.name));
  $('members').replaceChildren(...sorted.map((m) => {
    const online = state.online.has(m.user);
    return el('li', { class: online ? 'online' : '' },
      el('span', { class: 'dot', 'aria-hidden': 'true' }),
      el('span', {}, m.name + (m.user === me() ? ' (you)' : '')),
      el('span', { class: 'state' }, online ? 'online' : 'offline'),
      owner && m.user !== me()
        ? el('button', { type: 'button', class: 'small danger', 'aria-label': `Remove ${m.name}`, onclick: () => removeMember(m) }, '✕')
        : null);
  }));
}

function showTyping(name) {
  clearTimeout(state.typing.get(name));
  state.typing.set(name, setTimeout(() => clearTyping(name), 4000));
  renderTyping();
}
function clearTyping(name) {
  clearTimeout(state.typing.get(name));
  state.typing.delete(name);
  renderTyping();
}
function renderTyping() {
  const names = [...state.typing.keys()];
  $('typing').textContent = names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

// ---- actions -----------------------------------------------------------------

$('new-room').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const name = new FormData(form).get('name').trim();
  act('create the room', async () => {
    const room = await pb.collection('rooms').create({ name, owner: me() });
    form.reset();
    await loadRooms();
    location.hash = `room=${room.id}`;
  });
});

const composer = $('composer');
let lastTyping = 0;
composer.text.addEventListener('input', () => {
  if (!joined || Date.now() - lastTyping < 1500 || !composer.text.value.trim()) return;
  lastTyping = Date.now();
  request({ type: 'send', channel: joined, data: { typing: true, room: state.roomId } }).catch(() => {});
});
composer.text.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey) {
    ev.preventDefault();
    composer.requestSubmit();
  }
});
composer.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = composer.text.value.trim();
  const files = [...composer.files.files];
  act('send the message', async () => {
    const data = new FormData();
    data.append('room', state.roomId);
    data.append('author', me());
    data.append('text', text);
    for (const f of files) data.append('files', f);
    let rec;
    try {
      rec = await pb.collection('messages').create(data);
    } catch (err) {
      if (err?.status === 400 && !Object.keys(err?.response?.data ?? {}).length) {
        throw Object.assign(new Error('you are not a member of this room, so you cannot post in it.'), { status: 403 });
      }
      throw err;
    }
    composer.reset();
    lastTyping = 0;
    if (!state.messages.some((m) => m.id === rec.id)) state.messages.push(rec);
    renderMessages(true);
    markRead();
  });
});

$('invite').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const email = new FormData(form).get('email').trim();
  act('invite', async () => {
    const m = await pb.send(`/api/chat/rooms/${state.roomId}/members`, { method: 'POST', body: { email } });
    form.reset();
    upsert(state.members, m);
    renderMembers();
  });
});

function removeMember(m) {
  if (!confirm(`Remove ${m.name} from “${state.room.name}”?`)) return;
  act(`remove ${m.name}`, async () => {
    await pb.collection('members').delete(m.id);
    state.members = state.members.filter((x) => x.id !== m.id);
    renderMembers();
  });
}

$('leave').addEventListener('click', () => {
  const mine = state.mine.get(state.roomId);
  if (!mine || !confirm(`Leave “${state.room.name}”?`)) return;
  act('leave the room', async () => {
    await pb.collection('members').delete(mine.id);
    state.mine.delete(state.roomId);
    state.rooms = state.rooms.filter((r) => r.id !== state.roomId);
    location.hash = '';
  });
});

showScreen();
