// Record rules that depend on who asks: the same list seen as a guest, as
// user A and as user B; `@request.auth.*` through a relation (users.team → teams.name).
import { test, before, after } from 'node:test';
import {
  assert, guest, superuser, uniqueName, autodates, expectStatus, assertErrorShape, dropCollections,
} from './lib.mjs';
import { PASSWORD, uniqueEmail, createAuthCollection, signUp, login } from './users.mjs';

let pb;
const C = {}; // collections by role
const U = {}; // user records
const N = {}; // notes
let clientA;
let clientB;

before(async () => {
  pb = await superuser();
  C.teams = await pb.collections.create({
    name: uniqueName('ar_teams'),
    type: 'base',
    fields: [{ name: 'name', type: 'text', required: true }, ...autodates()],
    listRule: '', viewRule: '', createRule: null, updateRule: null, deleteRule: null,
  });
  C.users = await createAuthCollection(pb, 'ar_users', {
    fields: [
      { name: 'name', type: 'text' },
      { name: 'team', type: 'relation', collectionId: C.teams.id, maxSelect: 1, cascadeDelete: false },
    ],
  });
  C.notes = await pb.collections.create({
    name: uniqueName('ar_notes'),
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: C.users.id, maxSelect: 1, required: true, cascadeDelete: true },
      ...autodates(),
    ],
    listRule: 'owner = @request.auth.id',
    viewRule: 'owner = @request.auth.id',
    createRule: '@request.auth.id != "" && owner = @request.auth.id',
    updateRule: 'owner = @request.auth.id',
    deleteRule: 'owner = @request.auth.id',
  });
  // documents addressed to a team by name, visible to that team's members
  C.docs = await pb.collections.create({
    name: uniqueName('ar_docs'),
    type: 'base',
    fields: [{ name: 'title', type: 'text' }, { name: 'team_name', type: 'text' }, ...autodates()],
    listRule: 'team_name = @request.auth.team.name',
    viewRule: 'team_name = @request.auth.team.name',
    createRule: null, updateRule: null, deleteRule: null,
  });
  // a constant on the far side of the relation: only the red team sees anything
  C.redOnly = await pb.collections.create({
    name: uniqueName('ar_red'),
    type: 'base',
    fields: [{ name: 'title', type: 'text' }, ...autodates()],
    listRule: '@request.auth.team.name = "red"',
    viewRule: '@request.auth.team.name = "red"',
    createRule: null, updateRule: null, deleteRule: null,
  });

  const red = await pb.collection(C.teams.name).create({ name: 'red' });
  const blue = await pb.collection(C.teams.name).create({ name: 'blue' });
  U.aEmail = uniqueEmail('ar_a');
  U.bEmail = uniqueEmail('ar_b');
  U.cEmail = uniqueEmail('ar_c');
  U.a = await signUp(C.users.name, U.aEmail, PASSWORD, { name: 'A' });
  U.b = await signUp(C.users.name, U.bEmail, PASSWORD, { name: 'B' });
  U.c = await signUp(C.users.name, U.cEmail, PASSWORD, { name: 'C (no team)' });
  // the superuser assigns the teams
  await pb.collection(C.users.name).update(U.a.id, { team: red.id });
  await pb.collection(C.users.name).update(U.b.id, { team: blue.id });

  clientA = await login(C.users.name, U.aEmail);
  clientB = await login(C.users.name, U.bEmail);

  N.a1 = await clientA.collection(C.notes.name).create({ title: 'a1', owner: U.a.id });
  N.a2 = await clientA.collection(C.notes.name).create({ title: 'a2', owner: U.a.id });
  N.b1 = await clientB.collection(C.notes.name).create({ title: 'b1', owner: U.b.id });

  for (const [title, team] of [['red 1', 'red'], ['red 2', 'red'], ['blue 1', 'blue'], ['nobody', 'green']]) {
    N[title] = await pb.collection(C.docs.name).create({ title, team_name: team });
  }
  N.secret = await pb.collection(C.redOnly.name).create({ title: 'for red' });
});

after(async () => {
  await dropCollections(pb, C.notes?.id, C.docs?.id, C.redOnly?.id, C.users?.id, C.teams?.id);
});

const titles = (list) => list.items.map((r) => r.title);

test('owner rule: A sees only A\'s notes, B only B\'s, a guest none', async () => {
  const la = await clientA.collection(C.notes.name).getList(1, 50, { sort: 'title' });
  assert.deepEqual(titles(la), ['a1', 'a2']);
  assert.equal(la.totalItems, 2);
  assert.ok(la.items.every((n) => n.owner === U.a.id));

  const lb = await clientB.collection(C.notes.name).getList(1, 50, { sort: 'title' });
  assert.deepEqual(titles(lb), ['b1']);
  assert.equal(lb.totalItems, 1);

  const lg = await guest().collection(C.notes.name).getList(1, 50);
  assert.equal(lg.totalItems, 0);
  assert.equal(lg.totalPages, 0);
  assert.deepEqual(lg.items, []);

  const full = await clientB.collection(C.notes.name).getFullList({ sort: 'title' });
  assert.deepEqual(full.map((r) => r.title), ['b1']);

  // a user filter cannot widen the rule
  const widened = await clientB.collection(C.notes.name).getList(1, 50, { filter: `owner = "${U.a.id}" || owner != ""` });
  assert.deepEqual(titles(widened), ['b1']);
  const aByB = await clientB.collection(C.notes.name).getList(1, 50, { filter: `owner = "${U.a.id}"` });
  assert.equal(aByB.totalItems, 0);

  const all = await pb.collection(C.notes.name).getList(1, 50, { sort: 'title' });
  assert.deepEqual(titles(all), ['a1', 'a2', 'b1'], 'the superuser sees every note');
});

test('owner rule: B gets 404 on A\'s note (view, update, delete); A gets it', async () => {
  const e = await expectStatus(clientB.collection(C.notes.name).getOne(N.a1.id), 404, 'B views A\'s note');
  assertErrorShape(e, 404);
  await expectStatus(clientB.collection(C.notes.name).update(N.a1.id, { title: 'hacked' }), 404, 'B updates A\'s note');
  await expectStatus(clientB.collection(C.notes.name).delete(N.a1.id), 404, 'B deletes A\'s note');
  await expectStatus(guest().collection(C.notes.name).getOne(N.a1.id), 404, 'a guest views A\'s note');
  const mine = await clientA.collection(C.notes.name).getOne(N.a1.id);
  assert.equal(mine.title, 'a1');
  assert.equal(mine.owner, U.a.id);
  await expectStatus(
    clientB.collection(C.notes.name).getFirstListItem(`id = "${N.a1.id}"`), 404, 'B finds A\'s note by id');
});

test('owner rule on create: B cannot create a note owned by A; a guest cannot create', async () => {
  const e = await expectStatus(
    clientB.collection(C.notes.name).create({ title: 'forged', owner: U.a.id }), 400, 'B creates a note for A');
  assert.equal(e.response.message, 'Failed to create record.');
  assert.deepEqual(e.response.data, {});
  await expectStatus(guest().collection(C.notes.name).create({ title: 'anon', owner: U.a.id }), 400, 'guest create');
  const n = await pb.collection(C.notes.name).getList(1, 1, { filter: 'title = "forged" || title = "anon"' });
  assert.equal(n.totalItems, 0, 'nothing was stored');
});

test('owner rule: A may update and delete its own note', async () => {
  const n = await clientA.collection(C.notes.name).create({ title: 'temp', owner: U.a.id });
  const u = await clientA.collection(C.notes.name).update(n.id, { title: 'temp2' });
  assert.equal(u.title, 'temp2');
  assert.equal(await clientA.collection(C.notes.name).delete(n.id), true);
  await expectStatus(pb.collection(C.notes.name).getOne(n.id), 404, 'deleted');
});

test('the users collection itself: each user lists only itself', async () => {
  const la = await clientA.collection(C.users.name).getFullList();
  assert.deepEqual(la.map((u) => u.id), [U.a.id]);
  assert.equal(la[0].email, U.aEmail, 'a user sees its own email');
  const lb = await clientB.collection(C.users.name).getFullList();
  assert.deepEqual(lb.map((u) => u.id), [U.b.id]);
  await expectStatus(clientB.collection(C.users.name).getOne(U.a.id), 404, 'B views A');
  assert.equal((await guest().collection(C.users.name).getList(1, 10)).totalItems, 0);
});

test('@request.auth.team.name through a relation filters lists and views', async () => {
  const la = await clientA.collection(C.docs.name).getList(1, 50, { sort: 'title' });
  assert.deepEqual(titles(la), ['red 1', 'red 2'], 'A is in team red');
  const lb = await clientB.collection(C.docs.name).getList(1, 50, { sort: 'title' });
  assert.deepEqual(titles(lb), ['blue 1'], 'B is in team blue');
  const lg = await guest().collection(C.docs.name).getList(1, 50);
  assert.deepEqual(lg.items, [], 'a guest has no team');
  const clientC = await login(C.users.name, U.cEmail);
  const lc = await clientC.collection(C.docs.name).getList(1, 50);
  assert.deepEqual(lc.items, [], 'a user without a team sees nothing');

  assert.equal((await clientB.collection(C.docs.name).getOne(N['blue 1'].id)).title, 'blue 1');
  await expectStatus(clientB.collection(C.docs.name).getOne(N['red 1'].id), 404, 'B views a red doc');
  await expectStatus(clientA.collection(C.docs.name).getOne(N['blue 1'].id), 404, 'A views a blue doc');
  await expectStatus(clientA.collection(C.docs.name).getOne(N.nobody.id), 404, 'A views a green doc');
});

test('@request.auth.team.name = "red": a constant through the relation', async () => {
  const la = await clientA.collection(C.redOnly.name).getList(1, 10);
  assert.deepEqual(titles(la), ['for red']);
  const lb = await clientB.collection(C.redOnly.name).getList(1, 10);
  assert.equal(lb.totalItems, 0);
  assert.deepEqual(lb.items, []);
  assert.equal((await guest().collection(C.redOnly.name).getList(1, 10)).totalItems, 0);
  assert.equal((await clientA.collection(C.redOnly.name).getOne(N.secret.id)).title, 'for red');
  await expectStatus(clientB.collection(C.redOnly.name).getOne(N.secret.id), 404, 'B views a red-only record');
});

test('a team change takes effect on the next request with the same token', async () => {
  const green = await pb.collection(C.teams.name).create({ name: 'green' });
  const email = uniqueEmail('ar_mover');
  const mover = await signUp(C.users.name, email, PASSWORD, { name: 'Mover' });
  await pb.collection(C.users.name).update(mover.id, { team: green.id });
  const client = await login(C.users.name, email);
  assert.deepEqual(titles(await client.collection(C.docs.name).getList(1, 10)), ['nobody']);
  const red = await pb.collection(C.teams.name).getFirstListItem('name = "red"');
  await pb.collection(C.users.name).update(mover.id, { team: red.id });
  // @request.auth is the current record, not a snapshot taken at log-in
  assert.deepEqual(titles(await client.collection(C.docs.name).getList(1, 10, { sort: 'title' })), ['red 1', 'red 2']);
});
