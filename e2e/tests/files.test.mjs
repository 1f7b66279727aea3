// File fields through the SDK: multipart create/update (plain objects with
// File/Blob values and FormData, the SDK's @jsonPayload), the `docs+` /
// `docs-` modifiers and clearing, pb.files.getURL (exact bytes, ?thumb=,
// ?download=), protected files and pb.files.getToken, upload validation,
// realtime events and `fields` projections carrying the stored names.
import { test, before, after } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { EventSource } from 'eventsource';
import {
  URL, assert, guest, superuser, uniqueName, autodates, PUBLIC_RULES, expectStatus, assertFieldError,
  dropCollections, ID_RE,
} from './lib.mjs';
import { createAuthCollection, uniqueEmail, signUp, login } from './users.mjs';

globalThis.EventSource = EventSource;

let pb; // superuser
const C = {}; // collections: files (public), users (auth), priv (owner-only view)
let A; // user records
let B;
let clientA; // logged-in clients
let clientB;

// ---------------------------------------------------------------------------
// A minimal PNG encoder and decoder (8-bit, non-interlaced), enough to build
// a test image and to read back the size and the pixels of a thumbnail.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGB PNG of w×h whose pixel (x, y) is rgb(x, y) = [r, g, b]. */
function makePNG(w, h, rgb) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace: none
  const raw = Buffer.alloc(h * (1 + w * 3));
  let o = 0;
  for (let y = 0; y < h; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rgb(x, y);
      raw[o++] = r;
      raw[o++] = g;
      raw[o++] = b;
    }
  }
  return Buffer.concat([PNG_SIG, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Width and height from a PNG's IHDR (which must be the first chunk). */
function pngSize(buf) {
  assert.ok(buf.length >= 24, `PNG too short: ${buf.length} bytes`);
  assert.deepEqual(buf.subarray(0, 8), PNG_SIG, 'PNG signature');
  assert.equal(buf.subarray(12, 16).toString('ascii'), 'IHDR', 'first chunk is IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/**
 * Decodes an 8-bit, non-interlaced PNG (grey, RGB, palette, grey+alpha,
 * RGBA) into { width, height, px(x, y) → [r, g, b, a] }.
 */
function decodePNG(buf) {
  const { width, height } = pngSize(buf);
  let off = 8;
  let depth;
  let ctype;
  let interlace;
  let palette = null;
  let trns = null;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('ascii');
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      depth = data[8];
      ctype = data[9];
      interlace = data[12];
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  assert.equal(depth, 8, 'test decoder: bit depth 8 only');
  assert.equal(interlace, 0, 'test decoder: non-interlaced only');
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[ctype];
  assert.ok(channels, `test decoder: colour type ${ctype}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), 'decompressed size');
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[y * stride + i - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? out[(y - 1) * stride + i - channels] : 0;
      let v = line[i];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else assert.equal(f, 0, `filter type ${f}`);
      out[y * stride + i] = v & 0xff;
    }
  }
  const px = (x, y) => {
    const i = y * stride + x * channels;
    switch (ctype) {
      case 0: return [out[i], out[i], out[i], 255];
      case 2: return [out[i], out[i + 1], out[i + 2], 255];
      case 3: {
        const p = out[i];
        return [palette[p * 3], palette[p * 3 + 1], palette[p * 3 + 2], trns && p < trns.length ? trns[p] : 255];
      }
      case 4: return [out[i], out[i], out[i], out[i + 1]];
      default: return [out[i], out[i + 1], out[i + 2], out[i + 3]];
    }
  };
  return { width, height, px };
}

/** Asserts that a pixel is (within a small tolerance) the given opaque colour. */
function assertColour(img, x, y, [r, g, b], what) {
  const p = img.px(x, y);
  const ok = Math.abs(p[0] - r) <= 8 && Math.abs(p[1] - g) <= 8 && Math.abs(p[2] - b) <= 8 && p[3] === 255;
  assert.ok(ok, `${what}: pixel (${x},${y}) is ${JSON.stringify(p)}, want ~[${r},${g},${b},255]`);
}

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
// 400×200: red top half, blue bottom half.
const PNG = makePNG(400, 200, (x, y) => (y < 100 ? RED : BLUE));

// ---------------------------------------------------------------------------

/** GET url with fetch; returns { status, headers, bytes (Buffer) }. */
async function get(url) {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, url };
}

/** Fetches url and asserts a 200 whose body is exactly `expected`. */
async function assertServes(url, expected, what = url) {
  const r = await get(url);
  assert.equal(r.status, 200, `${what}: GET ${url} → ${r.status} ${r.bytes.toString().slice(0, 300)}`);
  assert.ok(r.bytes.equals(Buffer.from(expected)), `${what}: GET ${url} returned ${r.bytes.length} bytes that differ from the ${Buffer.from(expected).length} uploaded`);
  return r;
}

/** Fetches url and asserts a 404 with the standard error body. */
async function assertNotFound(url, what = url) {
  const r = await get(url);
  assert.equal(r.status, 404, `${what}: GET ${url} → ${r.status}, want 404`);
  const body = JSON.parse(r.bytes.toString());
  assert.equal(body.status, 404, `${what}: body ${r.bytes.toString()}`);
  assert.equal(typeof body.message, 'string');
  return r;
}

/** ^<base>_<10 [a-z0-9]>.<ext>$ (no extension when ext is ''). */
function storedRE(base, ext) {
  return new RegExp(`^${base}_[a-z0-9]{10}${ext ? `\\.${ext}` : ''}$`);
}

const txt = (content, name) => new File([content], name, { type: 'text/plain' });

/** A queue of realtime events; next() waits for the next one. */
function inbox() {
  const items = [];
  const waiters = [];
  return {
    push(e) {
      const w = waiters.shift();
      if (w) w(e);
      else items.push(e);
    },
    next(ms = 10000) {
      if (items.length) return Promise.resolve(items.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no realtime event within ${ms} ms`)), ms);
        waiters.push((e) => { clearTimeout(t); resolve(e); });
      });
    },
  };
}

const fileFields = () => [
  { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1024 },
  { name: 'docs', type: 'file', maxSelect: 3 },
  { name: 'image', type: 'file', maxSelect: 1, mimeTypes: ['image/png', 'image/jpeg'], thumbs: ['50x50', '100x0'] },
  { name: 'secret', type: 'file', maxSelect: 1, protected: true },
];

before(async () => {
  pb = await superuser();
  C.files = await pb.collections.create({
    name: uniqueName('fl_files'),
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'count', type: 'number' },
      { name: 'meta', type: 'json' },
      ...fileFields(),
      ...autodates(),
    ],
    ...PUBLIC_RULES,
  });
  C.users = await createAuthCollection(pb, 'fl_users');
  C.priv = await pb.collections.create({
    name: uniqueName('fl_priv'),
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: C.users.id, maxSelect: 1 },
      { name: 'secret', type: 'file', maxSelect: 1, protected: true },
      { name: 'open', type: 'file', maxSelect: 1 },
      ...autodates(),
    ],
    listRule: 'owner = @request.auth.id',
    viewRule: 'owner = @request.auth.id',
    createRule: '@request.auth.id != "" && owner = @request.auth.id',
    updateRule: 'owner = @request.auth.id',
    deleteRule: 'owner = @request.auth.id',
  });
  const ea = uniqueEmail('fla');
  const eb = uniqueEmail('flb');
  A = await signUp(C.users.name, ea);
  B = await signUp(C.users.name, eb);
  clientA = await login(C.users.name, ea);
  clientB = await login(C.users.name, eb);
});

after(async () => {
  for (const c of [clientA, clientB, pb]) c?.realtime.unsubscribe();
  await dropCollections(pb, C.priv?.id, C.files?.id, C.users?.id);
});

test('create with File values in a plain object: stored names, typed values, exact bytes back', async () => {
  const g = guest();
  const r = await g.collection(C.files.name).create({
    title: 'plain object',
    count: 7, // a text part, coerced to the number field
    meta: { a: [1, 'x'], b: null }, // goes in the SDK's @jsonPayload part
    doc: txt('hello world', 'Hello World.txt'),
    docs: [txt('one', 'one.txt'), txt('two', 'Two Part.TXT')],
  });
  assert.match(r.id, ID_RE);
  assert.equal(r.collectionName, C.files.name);
  assert.equal(r.collectionId, C.files.id);
  assert.equal(r.title, 'plain object');
  assert.equal(r.count, 7);
  assert.deepEqual(r.meta, { a: [1, 'x'], b: null });
  assert.match(r.doc, storedRE('hello_world', 'txt'));
  assert.equal(Array.isArray(r.docs), true, `docs is a list: ${JSON.stringify(r.docs)}`);
  assert.equal(r.docs.length, 2, JSON.stringify(r.docs));
  assert.match(r.docs[0], storedRE('one', 'txt'));
  assert.match(r.docs[1], storedRE('two_part', 'txt'));
  assert.equal(r.image, '');
  assert.equal(r.secret, '');

  // getOne shows the same record
  const one = await g.collection(C.files.name).getOne(r.id);
  assert.deepEqual(one, r);

  // the exact bytes come back; a text file is an attachment
  const d = await assertServes(g.files.getURL(r, r.doc), 'hello world', 'doc');
  assert.match(d.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(d.headers.get('content-disposition') ?? '', /^attachment/);
  await assertServes(g.files.getURL(r, r.docs[0]), 'one', 'docs[0]');
  await assertServes(g.files.getURL(r, r.docs[1]), 'two', 'docs[1]');
  // the URL built from the collection name works as well as the id
  assert.ok(g.files.getURL(r, r.doc).startsWith(`${URL}/api/files/${C.files.id}/${r.id}/`), g.files.getURL(r, r.doc));
  await assertServes(`${URL}/api/files/${C.files.name}/${r.id}/${r.doc}`, 'hello world', 'by collection name');

  // the same original name stored twice gets two different names
  const r2 = await g.collection(C.files.name).create({ doc: txt('again', 'Hello World.txt') });
  assert.match(r2.doc, storedRE('hello_world', 'txt'));
  assert.notEqual(r2.doc, r.doc);
  // a name of one record is not served under another record's id
  await assertNotFound(`${URL}/api/files/${C.files.id}/${r2.id}/${r.doc}`, 'name of another record');
  // names that were never stored
  await assertNotFound(`${URL}/api/files/${C.files.id}/${r.id}/Hello%20World.txt`, 'original name');
  await assertNotFound(`${URL}/api/files/${C.files.id}/${r.id}/nope_abcdefghij.txt`, 'unknown name');
  await assertNotFound(`${URL}/api/files/${C.files.id}/zzzzzzzzzzzzzzz/${r.doc}`, 'unknown record');
  await assertNotFound(`${URL}/api/files/${uniqueName('nocol')}/${r.id}/${r.doc}`, 'unknown collection');
});

test('create with a FormData: files, Blobs and @jsonPayload values', async () => {
  const g = guest();
  const fd = new FormData();
  fd.set('title', 'form data');
  fd.append('@jsonPayload', JSON.stringify({ count: 3.5, meta: { k: true } }));
  fd.set('doc', txt('report', 'Annual Report 2024.md'));
  fd.append('docs', txt('first', 'a.b c.TXT'));
  fd.append('docs', new Blob(['blob content']));
  const r = await g.collection(C.files.name).create(fd);
  assert.equal(r.title, 'form data');
  assert.equal(r.count, 3.5);
  assert.deepEqual(r.meta, { k: true });
  assert.match(r.doc, storedRE('annual_report_2024', 'md'));
  assert.equal(r.docs.length, 2, JSON.stringify(r.docs));
  assert.match(r.docs[0], storedRE('a_b_c', 'txt'));
  assert.match(r.docs[1], storedRE('blob', ''), 'a Blob is sent with the name "blob"');
  await assertServes(g.files.getURL(r, r.doc), 'report', 'doc');
  await assertServes(g.files.getURL(r, r.docs[0]), 'first', 'docs[0]');
  await assertServes(g.files.getURL(r, r.docs[1]), 'blob content', 'docs[1]');

  // a plain object with a number beside a file: stored as a number, not a string
  const u = await g.collection(C.files.name).update(r.id, { count: 42, doc: txt('v2', 'v2.txt') });
  assert.equal(u.count, 42);
  assert.equal(typeof u.count, 'number');
  assert.match(u.doc, storedRE('v2', 'txt'));
  assert.deepEqual(u.docs, r.docs, 'untouched file fields are kept');
  assert.deepEqual(u.meta, { k: true });
});

test('multi files: docs+ appends, docs- removes by name, [] and null clear', async () => {
  const c = pb.collection(C.files.name);
  const r = await c.create({ title: 'multi', docs: [txt('a', 'a.txt'), txt('b', 'b.txt')] });
  assert.equal(r.docs.length, 2);
  const [a, b] = r.docs;
  assert.match(a, storedRE('a', 'txt'));
  assert.match(b, storedRE('b', 'txt'));

  // append one
  const u1 = await c.update(r.id, { 'docs+': txt('c', 'c.txt') });
  assert.equal(u1.docs.length, 3, JSON.stringify(u1.docs));
  assert.deepEqual(u1.docs.slice(0, 2), [a, b]);
  const cName = u1.docs[2];
  assert.match(cName, storedRE('c', 'txt'));
  await assertServes(pb.files.getURL(u1, cName), 'c', 'appended');

  // remove two by name (array of names)
  const u2 = await c.update(r.id, { 'docs-': [a, cName] });
  assert.deepEqual(u2.docs, [b]);
  await assertNotFound(pb.files.getURL(u2, a), 'removed a');
  await assertNotFound(pb.files.getURL(u2, cName), 'removed c');
  await assertServes(pb.files.getURL(u2, b), 'b', 'kept b');

  // remove one by name (a single string) and append in the same request
  const u3 = await c.update(r.id, { 'docs-': b, 'docs+': [txt('e', 'e.txt'), txt('f', 'f.txt')] });
  assert.equal(u3.docs.length, 2, JSON.stringify(u3.docs));
  assert.match(u3.docs[0], storedRE('e', 'txt'));
  assert.match(u3.docs[1], storedRE('f', 'txt'));
  await assertNotFound(pb.files.getURL(u3, b), 'removed b');

  // +docs prepends
  const u3b = await c.update(r.id, { '+docs': txt('p', 'p.txt') });
  assert.equal(u3b.docs.length, 3, JSON.stringify(u3b.docs));
  assert.match(u3b.docs[0], storedRE('p', 'txt'));
  assert.deepEqual(u3b.docs.slice(1), u3.docs);
  await assertServes(pb.files.getURL(u3b, u3b.docs[0]), 'p', 'prepended');
  const u3c = await c.update(r.id, { 'docs-': [u3b.docs[0]] });
  assert.deepEqual(u3c.docs, u3.docs);

  // removing a name that is not there changes nothing
  const u4 = await c.update(r.id, { 'docs-': ['nope_abcdefghij.txt'] });
  assert.deepEqual(u4.docs, u3.docs);

  // [] clears
  const u5 = await c.update(r.id, { docs: [] });
  assert.deepEqual(u5.docs, []);
  for (const n of u3.docs) await assertNotFound(pb.files.getURL(u5, n), `cleared ${n}`);
  assert.deepEqual((await c.getOne(r.id)).docs, []);

  // null clears too
  const u6 = await c.update(r.id, { 'docs+': [txt('g', 'g.txt')] });
  assert.equal(u6.docs.length, 1);
  await assertServes(pb.files.getURL(u6, u6.docs[0]), 'g', 'g');
  const u7 = await c.update(r.id, { docs: null });
  assert.deepEqual(u7.docs, []);
  await assertNotFound(pb.files.getURL(u7, u6.docs[0]), 'cleared g');

  // a JSON (non-multipart) update with the kept names keeps exactly those
  const u8 = await c.update(r.id, { 'docs+': [txt('h', 'h.txt'), txt('i', 'i.txt')] });
  const [h, i] = u8.docs;
  const u9 = await c.update(r.id, { docs: [i] });
  assert.deepEqual(u9.docs, [i]);
  await assertNotFound(pb.files.getURL(u9, h), 'dropped h');
  await assertServes(pb.files.getURL(u9, i), 'i', 'kept i');
});

test('docs+ past maxSelect is a 400 under the field name and changes nothing', async () => {
  const c = pb.collection(C.files.name);
  const r = await c.create({ title: 'full', docs: [txt('a', 'a.txt'), txt('b', 'b.txt'), txt('c', 'c.txt')] });
  assert.equal(r.docs.length, 3);
  const e = await expectStatus(c.update(r.id, { 'docs+': txt('d', 'd.txt') }), 400, 'docs+ past maxSelect');
  // as for the other modifiers (tags+, rels+), the error is keyed by the field's name
  assertFieldError(e, 'docs', 'validation_too_many_files');
  const again = await c.getOne(r.id);
  assert.deepEqual(again.docs, r.docs);
  for (const [i, n] of r.docs.entries()) await assertServes(pb.files.getURL(r, n), 'abc'[i], `kept ${n}`);
});

test('a new upload to the single doc replaces the old one; the old URL answers 404', async () => {
  const c = pb.collection(C.files.name);
  const r = await c.create({ title: 'single', doc: txt('version 1', 'note.txt') });
  const oldURL = pb.files.getURL(r, r.doc);
  await assertServes(oldURL, 'version 1', 'v1');

  const u = await c.update(r.id, { doc: txt('version 2', 'note.txt') });
  assert.match(u.doc, storedRE('note', 'txt'));
  assert.notEqual(u.doc, r.doc);
  await assertServes(pb.files.getURL(u, u.doc), 'version 2', 'v2');
  await assertNotFound(oldURL, 'replaced v1');

  // a non-file update keeps the file
  const t = await c.update(r.id, { title: 'renamed' });
  assert.equal(t.doc, u.doc);
  await assertServes(pb.files.getURL(t, t.doc), 'version 2', 'v2 after a title change');

  // null removes it
  const n = await c.update(r.id, { doc: null });
  assert.equal(n.doc, '');
  await assertNotFound(pb.files.getURL(u, u.doc), 'removed v2');

  // deleting the record removes its files
  const d = await c.update(r.id, { doc: txt('version 3', 'note.txt') });
  const dURL = pb.files.getURL(d, d.doc);
  await assertServes(dURL, 'version 3', 'v3');
  await c.delete(r.id);
  await assertNotFound(dURL, 'file of a deleted record');
});

test('a PNG comes back byte for byte; thumbs 50x50 and 100x0; other sizes give the original; download', async () => {
  const g = guest();
  const r = await g.collection(C.files.name).create({
    title: 'image',
    image: new File([PNG], 'Red Blue.PNG', { type: 'image/png' }),
  });
  assert.match(r.image, storedRE('red_blue', 'png'));

  // the original, inline
  const orig = await assertServes(g.files.getURL(r, r.image), PNG, 'original');
  assert.equal(orig.headers.get('content-type'), 'image/png');
  assert.match(orig.headers.get('content-disposition') ?? '', /^inline/);
  assert.deepEqual(pngSize(orig.bytes), { width: 400, height: 200 });

  // 50x50: cropped to the centre square, then scaled: top red, bottom blue
  const t1 = await get(g.files.getURL(r, r.image, { thumb: '50x50' }));
  assert.equal(t1.status, 200, `thumb 50x50: ${t1.bytes.toString().slice(0, 300)}`);
  assert.equal(t1.headers.get('content-type'), 'image/png');
  assert.deepEqual(pngSize(t1.bytes), { width: 50, height: 50 });
  const i1 = decodePNG(t1.bytes);
  assertColour(i1, 25, 5, RED, '50x50 top');
  assertColour(i1, 25, 44, BLUE, '50x50 bottom');
  assertColour(i1, 0, 0, RED, '50x50 top-left');
  assertColour(i1, 49, 49, BLUE, '50x50 bottom-right');
  // asked again (now from the thumbnail store): the same bytes
  const t1b = await get(g.files.getURL(r, r.image, { thumb: '50x50' }));
  assert.equal(t1b.status, 200);
  assert.ok(t1b.bytes.equals(t1.bytes), 'a thumbnail asked twice has the same bytes');

  // 100x0: width 100, height kept in proportion
  const t2 = await get(g.files.getURL(r, r.image, { thumb: '100x0' }));
  assert.equal(t2.status, 200, `thumb 100x0: ${t2.bytes.toString().slice(0, 300)}`);
  assert.equal(t2.headers.get('content-type'), 'image/png');
  assert.deepEqual(pngSize(t2.bytes), { width: 100, height: 50 });
  const i2 = decodePNG(t2.bytes);
  assertColour(i2, 50, 5, RED, '100x0 top');
  assertColour(i2, 50, 44, BLUE, '100x0 bottom');

  // a size not in the field's thumbs, or not a size at all: the original bytes
  await assertServes(g.files.getURL(r, r.image, { thumb: '30x30' }), PNG, 'thumb 30x30 (not listed)');
  await assertServes(g.files.getURL(r, r.image, { thumb: 'nope' }), PNG, 'thumb nope');

  // download: an attachment with the same bytes
  const dl = await assertServes(g.files.getURL(r, r.image, { download: true }), PNG, 'download');
  assert.match(dl.headers.get('content-disposition') ?? '', /^attachment/);
  assert.ok((dl.headers.get('content-disposition') ?? '').includes(r.image), dl.headers.get('content-disposition'));
  const dl1 = await assertServes(`${g.files.getURL(r, r.image)}?download=1`, PNG, 'download=1');
  assert.match(dl1.headers.get('content-disposition') ?? '', /^attachment/);

  // ?thumb= on a file that is not an image returns it unchanged
  const t = await g.collection(C.files.name).update(r.id, { doc: txt('not an image', 'plain.txt') });
  await assertServes(g.files.getURL(t, t.doc, { thumb: '50x50' }), 'not an image', 'thumb of a text file');

  // after an update that does not touch the image, its thumbs are still served
  const u = await g.collection(C.files.name).update(r.id, { title: 'image renamed' });
  assert.equal(u.image, r.image);
  const t3 = await get(g.files.getURL(u, u.image, { thumb: '100x0' }));
  assert.equal(t3.status, 200);
  assert.deepEqual(pngSize(t3.bytes), { width: 100, height: 50 });
});

test('protected files in a public collection: 404 without a file token, 200 with one', async () => {
  const r = await clientA.collection(C.files.name).create({ title: 'protected', secret: txt('top secret', 'secret.txt') });
  assert.match(r.secret, storedRE('secret', 'txt'), 'the stored name is shown in the record');
  const g = guest();
  await assertNotFound(g.files.getURL(r, r.secret), 'no token');
  await assertNotFound(g.files.getURL(r, r.secret, { token: 'not-a-token' }), 'garbage token');
  await assertNotFound(g.files.getURL(r, r.secret, { token: clientA.authStore.token }), 'auth token as file token');

  // a guest has no file token
  await expectStatus(g.files.getToken(), 401, 'guest getToken');

  // any user's file token passes the public viewRule
  const tokA = await clientA.files.getToken();
  assert.equal(typeof tokA, 'string');
  assert.equal(tokA.split('.').length, 3, `file token is a JWT: ${tokA}`);
  assert.notEqual(tokA, clientA.authStore.token);
  await assertServes(g.files.getURL(r, r.secret, { token: tokA }), 'top secret', 'A file token');
  const tokB = await clientB.files.getToken();
  await assertServes(g.files.getURL(r, r.secret, { token: tokB }), 'top secret', 'B file token');
  const tokS = await pb.files.getToken();
  await assertServes(g.files.getURL(r, r.secret, { token: tokS }), 'top secret', 'superuser file token');
  // a file token only opens files: it is not an auth token
  const viaApi = guest();
  viaApi.authStore.save(tokA, null);
  await expectStatus(viaApi.collection(C.users.name).authRefresh(), 401, 'authRefresh with a file token');
});

test('protected files behind viewRule owner = @request.auth.id', async () => {
  const r = await clientA.collection(C.priv.name).create({
    title: 'mine',
    owner: A.id,
    secret: txt('only for A', 'Private Notes.txt'),
    open: txt('anyone', 'open.txt'),
  });
  assert.equal(r.owner, A.id);
  assert.match(r.secret, storedRE('private_notes', 'txt'));
  const g = guest();

  await assertNotFound(g.files.getURL(r, r.secret), 'no token');
  // the owner's file token
  const tokA = await clientA.files.getToken();
  await assertServes(g.files.getURL(r, r.secret, { token: tokA }), 'only for A', 'owner file token');
  // another user's file token: the viewRule refuses
  const tokB = await clientB.files.getToken();
  await assertNotFound(g.files.getURL(r, r.secret, { token: tokB }), 'other user file token');
  // the owner's auth token is not a file token
  await assertNotFound(g.files.getURL(r, r.secret, { token: clientA.authStore.token }), 'auth token');
  // a superuser's file token opens it
  const tokS = await pb.files.getToken();
  await assertServes(g.files.getURL(r, r.secret, { token: tokS }), 'only for A', 'superuser file token');

  // a non-protected file is served to anyone, whatever the viewRule
  await assertServes(g.files.getURL(r, r.open), 'anyone', 'open file as a guest');

  // B's own record opens with B's token, not with A's
  const rb = await clientB.collection(C.priv.name).create({ owner: B.id, secret: txt('only for B', 'b.txt') });
  await assertServes(g.files.getURL(rb, rb.secret, { token: tokB }), 'only for B', 'B own file');
  await assertNotFound(g.files.getURL(rb, rb.secret, { token: tokA }), 'A token on B file');
});

test('validation: maxSize, mimeTypes and maxSelect through the SDK', async () => {
  const c = guest().collection(C.files.name);
  const marker = uniqueName('invalid');

  // exactly maxSize is fine; one byte more is not
  const ok = await c.create({ title: `${marker}_ok`, doc: new File([Buffer.alloc(1024, 'a')], 'max.txt') });
  assert.match(ok.doc, storedRE('max', 'txt'));
  let err = await expectStatus(c.create({ title: marker, doc: new File([Buffer.alloc(1025, 'a')], 'big.txt') }), 400, 'over maxSize');
  assertFieldError(err, 'doc', 'validation_file_size_limit');
  assert.equal(err.data.data.doc.code, 'validation_file_size_limit');

  // HTML named x.png (and declared image/png) is detected by its content
  const html = '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>';
  err = await expectStatus(c.create({ title: marker, image: new File([html], 'x.png', { type: 'image/png' }) }), 400, 'html as png');
  assertFieldError(err, 'image', 'validation_invalid_mime_type');
  // a text file with its own name is refused as well
  err = await expectStatus(c.create({ title: marker, image: txt('hello', 'x.txt') }), 400, 'text as image');
  assertFieldError(err, 'image', 'validation_invalid_mime_type');

  // 4 files to docs (maxSelect 3)
  err = await expectStatus(
    c.create({ title: marker, docs: [1, 2, 3, 4].map((n) => txt(`f${n}`, `f${n}.txt`)) }),
    400,
    '4 files',
  );
  assertFieldError(err, 'docs', 'validation_too_many_files');
  // 2 files to the single doc
  err = await expectStatus(c.create({ title: marker, doc: [txt('1', '1.txt'), txt('2', '2.txt')] }), 400, '2 files to doc');
  assertFieldError(err, 'doc', 'validation_too_many_files');

  // none of the refused creates left a record behind
  const list = await pb.collection(C.files.name).getList(1, 10, { filter: pb.filter('title = {:t}', { t: marker }) });
  assert.equal(list.totalItems, 0, JSON.stringify(list.items));

  // a refused update keeps the old file
  const u = await expectStatus(c.update(ok.id, { doc: new File([Buffer.alloc(2000, 'b')], 'big.txt') }), 400, 'update over maxSize');
  assertFieldError(u, 'doc', 'validation_file_size_limit');
  const again = await c.getOne(ok.id);
  assert.equal(again.doc, ok.doc);
  await assertServes(guest().files.getURL(ok, ok.doc), Buffer.alloc(1024, 'a'), 'kept after a refused update');
});

test('realtime: the create event carries the stored file names', async () => {
  const g = guest();
  const box = inbox();
  const unsub = await g.collection(C.files.name).subscribe('*', (e) => box.push(e));
  try {
    const r = await pb.collection(C.files.name).create({
      title: 'realtime',
      doc: txt('rt', 'Realtime Doc.txt'),
      docs: [txt('x', 'x.txt')],
    });
    assert.match(r.doc, storedRE('realtime_doc', 'txt'));
    let e = await box.next();
    while (e.record.id !== r.id) e = await box.next(); // events of other tests' records
    assert.equal(e.action, 'create');
    assert.equal(e.record.doc, r.doc);
    assert.deepEqual(e.record.docs, r.docs);
    assert.deepEqual(e.record, r);
    await assertServes(g.files.getURL(e.record, e.record.doc), 'rt', 'file named by the event');

    const u = await pb.collection(C.files.name).update(r.id, { 'docs+': txt('y', 'y.txt') });
    e = await box.next();
    while (e.record.id !== r.id) e = await box.next();
    assert.equal(e.action, 'update');
    assert.deepEqual(e.record.docs, u.docs);
    assert.equal(e.record.docs.length, 2);
  } finally {
    await unsub();
  }
});

test('fields: getOne and getList project the file names', async () => {
  const c = guest().collection(C.files.name);
  const r = await c.create({ title: 'projected', doc: txt('p', 'p.txt'), docs: [txt('q', 'q.txt'), txt('s', 's.txt')] });
  const one = await c.getOne(r.id, { fields: 'id,doc' });
  assert.deepEqual(one, { id: r.id, doc: r.doc });
  const two = await c.getOne(r.id, { fields: 'docs,image' });
  assert.deepEqual(two, { docs: r.docs, image: '' });
  const list = await c.getList(1, 5, { filter: pb.filter('id = {:id}', { id: r.id }), fields: 'id,docs' });
  assert.equal(list.totalItems, 1);
  assert.deepEqual(list.items, [{ id: r.id, docs: r.docs }]);
  // filter on a file field by its stored name
  const byName = await c.getList(1, 5, { filter: pb.filter('doc = {:d}', { d: r.doc }), fields: 'id' });
  assert.deepEqual(byName.items, [{ id: r.id }]);
});
