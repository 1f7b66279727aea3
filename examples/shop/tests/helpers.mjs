// Helpers for the shop's tests (not a test file).
import PocketBase from 'pocketbase';
import { URL, superuser, uniqueEmail } from '../../lib.mjs';
import { seed } from '../seed.mjs';
import { startProvider } from '../provider.mjs';
import { startMailbox } from './smtp.mjs';

export const PASSWORD = 'Buyer-Pass-123';

/** A client for a new user (created by the superuser su), logged in with its password. */
export async function newUser(su, prefix = 'buyer', extra = {}) {
  const email = uniqueEmail(prefix);
  const rec = await su.collection('users').create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
  const pb = new PocketBase(URL);
  pb.autoCancellation(false);
  await pb.collection('users').authWithPassword(email, PASSWORD);
  return { pb, id: rec.id, email };
}

/** A client for user id made by impersonation (no bcrypt: for many users at once). */
export async function impersonate(su, id) {
  const pb = await su.collection('users').impersonate(id, 3600);
  pb.autoCancellation(false);
  return pb;
}

/** A product made by the superuser for one test. */
export function newProduct(su, fields = {}) {
  return su.collection('products').create({ name: `Test item ${Date.now().toString(36)}`, price: 1000, stock: 10, ...fields });
}

/** POST /api/shop/checkout as pb; resolves to {status, body}. */
export async function checkout(pb, body = {}) {
  const res = await fetch(`${URL}/api/shop/checkout`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: pb.authStore.token },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Puts quantity of product into pb's cart and checks out; returns the order. */
export async function buy(pb, userId, product, quantity = 1) {
  await pb.collection('cart_items').create({ user: userId, product, quantity });
  const r = await checkout(pb);
  if (r.status !== 200) throw new Error(`checkout: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * The shop with everything around it: superuser client, a mailbox Galley's SMTP
 * settings point at, the pretend payment provider, photos and payment settings seeded,
 * and an admin user. close() undoes the outside parts.
 */
export async function setupShop() {
  const su = await superuser();
  const mailbox = await startMailbox();
  await su.settings.update({
    meta: { senderName: 'Galley Goods', senderAddress: 'shop@example.com' },
    smtp: { enabled: true, host: '127.0.0.1', port: mailbox.port, username: '', password: '', tls: false },
  });
  const secret = `whsec_${Math.random().toString(36).slice(2)}`;
  const provider = await startProvider({ galley: URL, secret });
  const admin = { email: uniqueEmail('shopkeeper'), password: 'Shopkeeper-123' };
  await seed(su, { paymentUrl: `${provider.url}/pay`, secret, admin: [admin.email, admin.password] });
  return {
    su, mailbox, provider, secret, admin,
    async close() {
      await su.settings.update({ smtp: { enabled: false } }).catch(() => {});
      await provider.close();
      await mailbox.close();
    },
  };
}
