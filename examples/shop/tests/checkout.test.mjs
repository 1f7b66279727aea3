// Checkout: one transaction in a hook (POST /api/shop/checkout). Prices come
// from the database, stock never goes below zero, and 50 buyers racing for
// the last 10 items get exactly 10 orders — on SQLite and on PostgreSQL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { superuser, DB } from '../../lib.mjs';
import { newUser, impersonate, newProduct, checkout, buy } from './helpers.mjs';

let su;
before(async () => {
  su = await superuser();
});

test('prices come from the database, never from the client', async () => {
  const { pb, id } = await newUser(su);
  const product = await newProduct(su, { price: 2599, stock: 5 });
  // A buyer cannot change a price…
  await assert.rejects(pb.collection('products').update(product.id, { price: 1 }), (e) => e.status === 404 || e.status === 403);
  // …nor put one in the cart (the cart has no price) or in the checkout request.
  await pb.collection('cart_items').create({ user: id, product: product.id, quantity: 2 });
  const r = await checkout(pb, { total: 1, items: [{ product: product.id, price: 1, quantity: 2 }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.total, 2 * 2599);
  assert.deepEqual(r.body.items, [{ product: product.id, name: product.name, price: 2599, quantity: 2 }]);
  assert.equal(r.body.status, 'pending');
  assert.equal((await su.collection('products').getOne(product.id)).stock, 3);
  // The cart is empty afterwards, and an empty cart does not check out.
  assert.equal((await pb.collection('cart_items').getList(1, 1)).totalItems, 0);
  const again = await checkout(pb);
  assert.equal(again.status, 400);
  assert.equal(again.body.message, 'Your cart is empty.');
});

test('negative, zero and fractional quantities are refused', async () => {
  const { pb, id } = await newUser(su);
  const product = await newProduct(su);
  for (const quantity of [-3, 0, 1.5]) {
    await assert.rejects(pb.collection('cart_items').create({ user: id, product: product.id, quantity }), (e) => {
      assert.equal(e.status, 400);
      assert.ok(e.response.data.quantity, JSON.stringify(e.response));
      return true;
    });
  }
  const line = await pb.collection('cart_items').create({ user: id, product: product.id, quantity: 1 });
  await assert.rejects(pb.collection('cart_items').update(line.id, { 'quantity-': 5 }), (e) => e.status === 400);
  assert.equal((await pb.collection('cart_items').getOne(line.id)).quantity, 1);
});

test("a buyer cannot fill someone else's cart or read it", async () => {
  const a = await newUser(su);
  const b = await newUser(su);
  const product = await newProduct(su);
  await assert.rejects(b.pb.collection('cart_items').create({ user: a.id, product: product.id, quantity: 1 }), (e) => e.status === 400);
  const line = await a.pb.collection('cart_items').create({ user: a.id, product: product.id, quantity: 1 });
  await assert.rejects(b.pb.collection('cart_items').getOne(line.id), (e) => e.status === 404);
  assert.equal((await b.pb.collection('cart_items').getList(1, 10)).totalItems, 0);
});

test('asking for more than the stock is refused and changes nothing', async () => {
  const { pb, id } = await newUser(su);
  const product = await newProduct(su, { stock: 2 });
  const other = await newProduct(su, { stock: 5 });
  await pb.collection('cart_items').create({ user: id, product: other.id, quantity: 1 });
  await pb.collection('cart_items').create({ user: id, product: product.id, quantity: 3 });
  const r = await checkout(pb);
  assert.equal(r.status, 400);
  assert.match(r.body.message, /only 2 of .* left/);
  // All or nothing: the other line's stock is untouched and the cart is kept.
  assert.equal((await su.collection('products').getOne(other.id)).stock, 5);
  assert.equal((await su.collection('products').getOne(product.id)).stock, 2);
  assert.equal((await pb.collection('cart_items').getList(1, 10)).totalItems, 2);
});

test(`50 concurrent checkouts of the last 10 items sell exactly 10 (${DB})`, async () => {
  const product = await newProduct(su, { name: 'Last ten', price: 500, stock: 10 });
  const buyers = [];
  for (let i = 0; i < 50; i += 10) {
    buyers.push(...await Promise.all(Array.from({ length: 10 }, async (_, j) => {
      const rec = await su.collection('users').create({ email: `race${i + j}.${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.com`, password: 'Race-pass-123', passwordConfirm: 'Race-pass-123' });
      const pb = await impersonate(su, rec.id);
      await pb.collection('cart_items').create({ user: rec.id, product: product.id, quantity: 1 });
      return pb;
    })));
  }
  const results = await Promise.all(buyers.map((pb) => checkout(pb)));
  const sold = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status !== 200);
  assert.equal(sold.length, 10, `statuses: ${results.map((r) => r.status).join(',')}`);
  assert.equal(refused.length, 40);
  for (const r of refused) {
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.message, /sold out|left/);
  }
  assert.equal((await su.collection('products').getOne(product.id)).stock, 0);
  const orders = (await su.collection('orders').getFullList({ sort: '-created' }))
    .filter((o) => o.items.some((i) => i.product === product.id));
  assert.equal(orders.length, 10);
  assert.ok(orders.every((o) => o.total === 500 && o.status === 'pending'));
});

test('stock never goes negative when one buyer checks out twice at once', async () => {
  const { pb, id } = await newUser(su);
  const product = await newProduct(su, { stock: 1 });
  await pb.collection('cart_items').create({ user: id, product: product.id, quantity: 1 });
  const results = await Promise.all([checkout(pb), checkout(pb), checkout(pb)]);
  assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results));
  assert.equal((await su.collection('products').getOne(product.id)).stock, 0);
  // and buy() works for a fresh cart
  const again = await newProduct(su, { stock: 1 });
  const order = await buy(pb, id, again.id, 1);
  assert.equal(order.total, again.price);
});
