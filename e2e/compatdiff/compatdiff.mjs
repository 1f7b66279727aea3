// compatdiff: send the same requests to a reference PocketBase and to Galley
// and print where their answers differ (status, JSON keys, error codes and
// messages). A black-box observer of behaviour: it needs a running
// PocketBase (not part of this repository) and a running Galley, each with
// the superuser given by --email/--password, on fresh data directories.
//
//   node e2e/compatdiff/compatdiff.mjs --ref http://127.0.0.1:8090 --galley http://127.0.0.1:8091 \
//     [--email admin@example.com] [--password Secret123!] [--only name-substring] [--show]
//
// Every probe runs on both servers in turn; values captured from one
// server's answers (record ids, tokens) are used only on that server.
// Values that differ by nature (ids, dates, tokens, hashes) are compared by
// shape; everything else, and every "code" and "message", by value.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// probes.mjs runs first (it creates the collections others use), then every
// probes_*.mjs in name order.
const here = path.dirname(fileURLToPath(import.meta.url));
const probeFiles = ['probes.mjs', ...readdirSync(here).filter((f) => /^probes_.*\.mjs$/.test(f)).sort()];
const probes = [];
for (const f of probeFiles) probes.push(...(await import(path.join(here, f))).probes);

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const servers = { ref: args.ref || 'http://127.0.0.1:8090', galley: args.galley || 'http://127.0.0.1:8091' };
const email = args.email || 'admin@example.com';
const password = args.password || 'Secret123!';

// Keys whose values are compared by type only.
const shapeOnly = new Set(['id', 'created', 'updated', 'token', 'tokenKey', 'collectionId', 'lastResetSentAt',
  'lastVerificationSentAt', 'avatar', 'otpId', 'mfaId', 'clientId', 'rowid', 'expires', 'date', 'time', 'fieldsId',
  'recordRef', 'collectionRef', 'sentTo', 'referenceId', 'sql', 'name@', 'secret', 'system']);
const idLike = /^[a-z0-9]{15}$|^pbc_\d+$|^_pb_/;
const dateLike = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** One server's state: its base URL and the values probes captured. */
class Side {
  constructor(name, base) { this.name = name; this.base = base; this.vars = {}; }
  sub(v) {
    if (typeof v === 'string') return v.replace(/\$\{(\w+)\}/g, (_, k) => (k in this.vars ? this.vars[k] : `\${${k}}`));
    if (Array.isArray(v)) return v.map((x) => this.sub(x));
    if (v && typeof v === 'object' && !(v instanceof Blob)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.sub(k), this.sub(x)]));
    return v;
  }
  // sse opens the realtime stream and keeps it open, saving the clientId
  // of its PB_CONNECT event as vars[name].
  async sse(name) {
    const res = await fetch(this.base + '/api/realtime');
    const reader = res.body.getReader();
    this.streams = (this.streams || []).concat(reader);
    this.sseState = { reader, buf: '' };
    const ev = await this.sseNext();
    this.vars[name] = ev.data.clientId;
    return { status: res.status, json: { event: ev.event }, text: '' };
  }
  // sseNext reads the next event of the last opened stream (up to 3 s).
  async sseNext() {
    const st = this.sseState;
    const deadline = Date.now() + 3000;
    for (;;) {
      const i = st.buf.indexOf('\n\n');
      if (i >= 0) {
        const block = st.buf.slice(0, i);
        st.buf = st.buf.slice(i + 2);
        const event = (block.match(/^event:(.*)$/m) || [])[1];
        const data = (block.match(/^data:(.*)$/m) || [])[1];
        return { event, data: data ? JSON.parse(data) : undefined };
      }
      if (Date.now() > deadline) return { event: 'timeout' };
      // One read is pending at a time; a read that outlives this call is
      // picked up by the next.
      st.pending = st.pending || st.reader.read();
      const tick = new Promise((r) => setTimeout(() => r('tick'), 200));
      const got = await Promise.race([st.pending, tick]);
      if (got === 'tick') continue;
      st.pending = null;
      if (got.done) return { event: 'ended' };
      st.buf += new TextDecoder().decode(got.value);
    }
  }
  async send(p) {
    if (p.sse) return this.sse(p.sse);
    if (p.sseNext) {
      // sseNext: n reads n events, sorted by name (the order in which one
      // client's subscriptions get the same change is not part of the contract).
      const evs = [];
      for (let i = 0; i < (p.sseNext === true ? 1 : p.sseNext); i++) evs.push(await this.sseNext());
      evs.sort((a, b) => String(a.event).localeCompare(String(b.event)));
      return { status: 200, json: evs, text: '' };
    }
    const headers = { ...(p.headers || {}) };
    const auth = p.auth === undefined ? 'super' : p.auth;
    if (auth) headers.Authorization = this.vars[auth === 'super' ? 'superToken' : auth];
    let body;
    if (p.form) {
      body = new FormData();
      for (const [k, v] of p.form) {
        if (v instanceof Blob) body.append(this.sub(k), v, v.name || 'file.txt');
        else body.append(this.sub(k), this.sub(v));
      }
    } else if (p.raw !== undefined) {
      body = p.raw;
      headers['Content-Type'] = headers['Content-Type'] || 'application/json';
    } else if (p.body !== undefined) {
      body = JSON.stringify(this.sub(p.body));
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.base + this.sub(p.path), { method: p.method || 'GET', headers, body, redirect: 'manual' });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, json, text, headers: res.headers };
  }
}

function kind(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** diff appends to out the differences between a (reference) and b at path. */
function diff(a, b, path, out, opts) {
  const key = path.split('.').pop();
  if (opts.ignore && opts.ignore.some((r) => r.test(path))) return;
  if (kind(a) !== kind(b)) {
    out.push(`${path}: ${kind(a)} ${JSON.stringify(a)?.slice(0, 120)} vs ${kind(b)} ${JSON.stringify(b)?.slice(0, 120)}`);
    return;
  }
  if (kind(a) === 'object') {
    for (const k of Object.keys(a)) {
      if (!(k in b)) out.push(`${path}.${k}: missing in galley (ref: ${JSON.stringify(a[k])?.slice(0, 100)})`);
      else diff(a[k], b[k], `${path}.${k}`, out, opts);
    }
    for (const k of Object.keys(b)) if (!(k in a)) out.push(`${path}.${k}: extra in galley (${JSON.stringify(b[k])?.slice(0, 100)})`);
    return;
  }
  if (kind(a) === 'array') {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) diff(a[i], b[i], `${path}[${i}]`, out, opts);
    return;
  }
  if (a === b) return;
  if (shapeOnly.has(key) && key !== 'code' && key !== 'message') return;
  if (typeof a === 'string' && ((idLike.test(a) && idLike.test(b)) || (dateLike.test(a) && dateLike.test(b)) || (a.length > 40 && b.length > 40 && !/\s/.test(a)))) return;
  out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

async function main() {
  const ref = new Side('ref', servers.ref);
  const gal = new Side('galley', servers.galley);
  for (const s of [ref, gal]) {
    const r = await s.send({ method: 'POST', path: '/api/collections/_superusers/auth-with-password', auth: null, body: { identity: email, password } });
    if (r.status !== 200) throw new Error(`${s.name}: superuser log-in: ${r.status} ${r.text}`);
    s.vars.superToken = r.json.token;
  }
  let n = 0;
  let differing = 0;
  for (const p of probes) {
    if (args.only && !p.name.includes(args.only)) continue;
    n++;
    const [ra, rb] = [await ref.send(p), await gal.send(p)];
    for (const [s, r] of [[ref, ra], [gal, rb]]) {
      for (const [v, get] of Object.entries(p.save || {})) {
        try { s.vars[v] = get(r.json); } catch { /* left unset */ }
      }
    }
    const out = [];
    if (ra.status !== rb.status) out.push(`status ${ra.status} vs ${rb.status}`);
    for (const h of p.compareHeaders || []) {
      if (ra.headers.get(h) !== rb.headers.get(h)) out.push(`header ${h}: ${JSON.stringify(ra.headers.get(h))} vs ${JSON.stringify(rb.headers.get(h))}`);
    }
    if (!p.statusOnly) {
      if (ra.json !== undefined || rb.json !== undefined) diff(ra.json, rb.json, '$', out, p);
      else if (p.text && ra.text !== rb.text) out.push(`body ${JSON.stringify(ra.text.slice(0, 200))} vs ${JSON.stringify(rb.text.slice(0, 200))}`);
    }
    if (out.length) {
      differing++;
      console.log(`\n✗ ${p.name}: ${p.method || 'GET'} ${p.path}`);
      for (const l of out.slice(0, 25)) console.log('   ' + l);
      if (out.length > 25) console.log(`   … ${out.length - 25} more`);
      if (args.show) console.log('   ref:    ' + ra.text.slice(0, 600) + '\n   galley: ' + rb.text.slice(0, 600));
    } else if (args.verbose) {
      console.log(`✓ ${p.name}`);
    }
  }
  console.log(`\n${n} probes, ${differing} differ`);
  for (const s of [ref, gal]) for (const r of s.streams || []) r.cancel().catch(() => {});
}

main().catch((e) => { console.error(e); process.exit(2); });
