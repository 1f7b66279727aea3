#!/usr/bin/env node
// A pretend payment provider for the shop: a checkout page where the buyer
// confirms a payment, and a signed webhook to Galley's POST /api/shop/webhook
// when they do. The tests start it in-process; for a demo run it alone:
//
//   node provider.mjs --galley http://127.0.0.1:8090 --secret dev-secret --port 8091
//
// Signature: X-Shop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, over the
// body's bytes exactly as sent (the hook reads them with toString(e.request.body)).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

/** An event as the provider sends it: indented JSON (the signature is over these exact bytes). */
export const eventBody = (event) => JSON.stringify(event, null, 2);

/** The X-Shop-Signature header for body (a string) at time t (unix seconds). */
export function signature(body, secret, t = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** A new payment.succeeded event for order and amount (cents). */
export function paymentEvent(order, amount) {
  return { id: `evt_${randomBytes(9).toString('hex')}`, type: 'payment.succeeded', data: { order, amount } };
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * Starts the provider on 127.0.0.1:port (0 = any). Returns {url, deliver(event, {secret, signal}),
 * delivered: [{event, status, body}], close()}.
 */
export async function startProvider({ galley, secret, port = 0 }) {
  const delivered = [];
  async function deliver(event, { secret: key = secret, t, signal } = {}) {
    const body = eventBody(event);
    const res = await fetch(`${galley}/api/shop/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shop-Signature': signature(body, key, t) },
      body,
      signal,
    });
    const answer = await res.json().catch(() => ({}));
    delivered.push({ event, status: res.status, body: answer });
    return { status: res.status, body: answer };
  }

  const page = (title, inner) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;background:#eef2f7;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;box-shadow:0 4px 24px #0002;padding:2rem 2.5rem;max-width:26rem}
h1{font-size:1.3rem;margin:0 0 .5rem}.amount{font-size:2rem;font-weight:700;margin:.5rem 0 1rem}
button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:0;background:#1d4ed8;color:#fff;cursor:pointer}
a{color:#1d4ed8}.err{color:#b91c1c}</style></head><body><main>${inner}</main></body></html>`;

  const server = createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    try {
      if (req.method === 'GET' && u.pathname === '/pay') {
        const order = u.searchParams.get('order') ?? '';
        const amount = Number(u.searchParams.get('amount'));
        const back = u.searchParams.get('return') ?? '';
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page('DemoPay', `
<h1>DemoPay — a pretend payment provider</h1>
<p>Order <code>${esc(order)}</code></p>
<p class="amount">€${(amount / 100).toFixed(2)}</p>
<form method="post" action="/pay">
<input type="hidden" name="order" value="${esc(order)}"><input type="hidden" name="amount" value="${esc(amount)}">
<input type="hidden" name="return" value="${esc(back)}">
<button type="submit">Pay €${(amount / 100).toFixed(2)}</button>
</form>${back ? `<p><a href="${esc(back)}">Cancel and go back to the shop</a></p>` : ''}`));
        return;
      }
      if (req.method === 'POST' && u.pathname === '/pay') {
        let raw = '';
        for await (const c of req) raw += c;
        const form = new URLSearchParams(raw);
        const { status, body } = await deliver(paymentEvent(form.get('order'), Number(form.get('amount'))));
        const back = form.get('return');
        if (status === 200 && back && /^https?:\/\//.test(back)) {
          res.writeHead(303, { Location: back }).end();
          return;
        }
        res.writeHead(status === 200 ? 200 : 502, { 'Content-Type': 'text/html; charset=utf-8' })
          .end(page('DemoPay', status === 200 ? '<h1>Paid.</h1>' : `<h1 class="err">The shop refused the payment</h1><p>${esc(body.message ?? status)}</p>`));
        return;
      }
      res.writeHead(404).end('not found');
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e.message));
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, deliver, delivered, close: () => new Promise((r) => server.close(() => r())) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const p = await startProvider({
    galley: arg('galley', 'http://127.0.0.1:8090'),
    secret: arg('secret', process.env.SHOP_WEBHOOK_SECRET || 'dev-secret'),
    port: Number(arg('port', 8091)),
  });
  console.log(`DemoPay on ${p.url}/pay — set the shop's payment_url to it (see README)`);
}
