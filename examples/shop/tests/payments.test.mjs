// Payments: the pretend provider (a small HTTP server in this process) calls
// POST /api/shop/webhook with an HMAC-SHA256 signature. A wrong signature or
// a replayed event is refused, a retried delivery is applied once, the buyer
// gets one confirmation mail; only the buyer starts a payment, only an admin ships.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { URL } from '../../lib.mjs';
import { eventBody, signature, paymentEvent } from '../provider.mjs';
import { setupShop, newUser, newProduct, buy, PASSWORD } from './helpers.mjs';
import PocketBase from 'pocketbase';

let shop;
let su;
before(async () => {
  shop = await setupShop();
  su = shop.su;
});
after(async () => {
  await shop?.close();
});

/** A buyer with one pending order of a fresh product. */
async function pendingOrder(price = 1234) {
  const buyer = await newUser(su);
  const product = await newProduct(su, { price });
  const order = await buy(buyer.pb, buyer.id, product.id, 2);
  return { ...buyer, order };
}

const status = async (id) => (await su.collection('orders').getOne(id)).status;
const eventsOf = (id) => su.collection('webhook_events').getFullList({ filter: su.filter('eventId = {:id}', { id }) });

test('a signed payment marks the order paid and mails the buyer once', async () => {
  const { order, email } = await pendingOrder(1500);
  const r = await shop.provider.deliver(paymentEvent(order.id, 3000));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(await status(order.id), 'paid');
  await shop.mailbox.waitFor(() => shop.mailbox.to(email).length >= 1);
  const [mail] = shop.mailbox.to(email);
  assert.equal(mail.subject, `Order ${order.id} is paid`);
  assert.match(mail.data, /30\.00/);
});

test('a wrong, missing or stale signature is refused', async () => {
  const { order, email } = await pendingOrder();
  const evt = paymentEvent(order.id, order.total);
  const wrong = await shop.provider.deliver(evt, { secret: 'not-the-secret' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.message, 'Invalid signature.');
  const stale = await shop.provider.deliver(evt, { t: Math.floor(Date.now() / 1000) - 3600 });
  assert.equal(stale.status, 401);
  const body = eventBody(evt);
  const none = await fetch(`${URL}/api/shop/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  assert.equal(none.status, 401);
  // A body changed after signing (a forged amount) does not match its signature.
  const forged = await fetch(`${URL}/api/shop/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shop-Signature': signature(body, shop.secret) },
    body: eventBody({ ...evt, data: { ...evt.data, amount: 1 } }),
  });
  assert.equal(forged.status, 401);
  // The signature is over the bytes sent: the same event sent in another layout does not match it.
  const relaid = await fetch(`${URL}/api/shop/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shop-Signature': signature(body, shop.secret) },
    body: JSON.stringify(evt),
  });
  assert.equal(relaid.status, 401);
  assert.equal(await status(order.id), 'pending');
  assert.equal((await eventsOf(evt.id)).length, 0);
  assert.equal(shop.mailbox.to(email).length, 0);
});

test('a replayed event is refused and applied once', async () => {
  const { order, email } = await pendingOrder();
  const evt = paymentEvent(order.id, order.total);
  assert.equal((await shop.provider.deliver(evt)).status, 200);
  const replay = await shop.provider.deliver(evt); // same id, freshly signed
  assert.equal(replay.status, 409);
  assert.equal(replay.body.message, `Event ${evt.id} was already processed.`);
  // A new event for an order that is already paid is refused too.
  const second = await shop.provider.deliver(paymentEvent(order.id, order.total));
  assert.equal(second.status, 409);
  assert.equal((await eventsOf(evt.id)).length, 1);
  await shop.mailbox.waitFor(() => shop.mailbox.to(email).length >= 1);
  assert.equal(shop.mailbox.to(email).length, 1);
});

test('a retried delivery is applied once', async () => {
  const { order, email } = await pendingOrder();
  const evt = paymentEvent(order.id, order.total);
  // The provider gives up on the first delivery at once (its answer is lost)
  // and retries — several times, some at the same moment.
  const ac = new AbortController();
  const first = shop.provider.deliver(evt, { signal: ac.signal }).catch(() => null);
  ac.abort();
  await first;
  const retries = await Promise.all([1, 2, 3, 4].map(() => shop.provider.deliver(evt)));
  const codes = retries.map((r) => r.status).sort();
  assert.ok(codes.every((c) => c === 200 || c === 409), codes.join(','));
  assert.ok(codes.filter((c) => c === 200).length <= 1, codes.join(','));
  assert.equal(await status(order.id), 'paid');
  assert.equal((await eventsOf(evt.id)).length, 1);
  await shop.mailbox.waitFor(() => shop.mailbox.to(email).length >= 1);
  assert.equal(shop.mailbox.to(email).length, 1);
});

test('an amount that does not match the order is refused', async () => {
  const { order } = await pendingOrder(1000);
  const r = await shop.provider.deliver(paymentEvent(order.id, 1));
  assert.equal(r.status, 400);
  assert.match(r.body.message, /does not match/);
  assert.equal(await status(order.id), 'pending');
});

test("nobody pays for someone else's order or sees it", async () => {
  const a = await pendingOrder();
  const b = await newUser(su);
  const res = await fetch(`${URL}/api/shop/orders/${a.order.id}/pay`, { method: 'POST', headers: { Authorization: b.pb.authStore.token } });
  assert.equal(res.status, 403);
  assert.equal((await res.json()).message, 'You can only pay for your own orders.');
  await assert.rejects(b.pb.collection('orders').getOne(a.order.id), (e) => e.status === 404);
  const mine = await fetch(`${URL}/api/shop/orders/${a.order.id}/pay`, { method: 'POST', headers: { Authorization: a.pb.authStore.token } });
  assert.equal(mine.status, 200);
  assert.match((await mine.json()).url, new RegExp(`order=${a.order.id}&amount=${a.order.total}`));
  // Nobody creates an order through the API: only the checkout does.
  await assert.rejects(a.pb.collection('orders').create({ user: a.id, status: 'paid', total: 0 }), (e) => e.status === 403 || e.status === 400);
});

test('only an admin ships, and only paid orders', async () => {
  const { pb, order, email } = await pendingOrder();
  const admin = new PocketBase(URL);
  await admin.collection('users').authWithPassword(shop.admin.email, shop.admin.password);
  // not yet paid: nobody ships it
  await assert.rejects(admin.collection('orders').update(order.id, { status: 'shipped' }), (e) => e.status === 404);
  assert.equal((await shop.provider.deliver(paymentEvent(order.id, order.total))).status, 200);
  // the buyer cannot mark it shipped (nor paid, nor change its total)
  await assert.rejects(pb.collection('orders').update(order.id, { status: 'shipped' }), (e) => e.status === 404);
  await assert.rejects(pb.collection('orders').update(order.id, { total: 1 }), (e) => e.status === 404);
  // nor make itself an admin
  await assert.rejects(pb.collection('users').update(pb.authStore.record.id, { role: 'admin' }), (e) => e.status === 404 || e.status === 400);
  await assert.rejects(new PocketBase(URL).collection('users').create({ email: `x${Date.now()}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD, role: 'admin' }), (e) => e.status === 400);
  const shipped = await admin.collection('orders').update(order.id, { status: 'shipped' });
  assert.equal(shipped.status, 'shipped');
  // an admin cannot change what was bought, either
  await assert.rejects(admin.collection('orders').update(order.id, { total: 1 }), (e) => e.status === 404);
  await shop.mailbox.waitFor(() => shop.mailbox.to(email).some((m) => m.subject === `Order ${order.id} has shipped`));
});
