#!/usr/bin/env node
// Sets the shop up on a running Galley, as a superuser: uploads the product
// photos in photos/ (migrations hold no files), stores the payment settings,
// and optionally creates an admin user.
//
//   node seed.mjs --url http://127.0.0.1:8090 --superuser admin@example.com:Secret123! \
//     --payment-url http://127.0.0.1:8091/pay --secret dev-secret --admin shopkeeper@example.com:Shopkeeper1!
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PocketBase from 'pocketbase';

const here = dirname(fileURLToPath(import.meta.url));

/** pb: a superuser client. Uploads missing photos; sets settings given. */
export async function seed(pb, { paymentUrl, secret, admin } = {}) {
  for (const file of readdirSync(join(here, 'photos')).filter((f) => f.endsWith('.jpg'))) {
    const id = file.replace(/\.[a-z]+$/, '');
    const p = await pb.collection('products').getOne(id).catch(() => null);
    if (!p || p.photo) continue;
    const blob = new Blob([readFileSync(join(here, 'photos', file))], { type: 'image/jpeg' });
    await pb.collection('products').update(id, { photo: new File([blob], `${id}.jpg`, { type: 'image/jpeg' }) });
  }
  for (const [key, value] of [['payment_url', paymentUrl], ['webhook_secret', secret]]) {
    if (!value) continue;
    const cur = await pb.collection('shop_settings').getFirstListItem(pb.filter('key = {:key}', { key })).catch(() => null);
    if (cur) await pb.collection('shop_settings').update(cur.id, { value });
    else await pb.collection('shop_settings').create({ key, value });
  }
  if (admin) {
    const [email, password] = admin;
    const cur = await pb.collection('users').getFirstListItem(pb.filter('email = {:email}', { email })).catch(() => null);
    if (!cur) await pb.collection('users').create({ email, password, passwordConfirm: password, role: 'admin', name: 'Shopkeeper' });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const split = (s) => { const i = s.indexOf(':'); return [s.slice(0, i), s.slice(i + 1)]; };
  const pb = new PocketBase(arg('url', 'http://127.0.0.1:8090'));
  const [email, password] = split(arg('superuser', 'admin@example.com:Secret123!'));
  await pb.collection('_superusers').authWithPassword(email, password);
  await seed(pb, {
    paymentUrl: arg('payment-url', 'http://127.0.0.1:8091/pay'),
    secret: arg('secret', 'dev-secret'),
    admin: arg('admin') ? split(arg('admin')) : null,
  });
  console.log('seeded');
}
