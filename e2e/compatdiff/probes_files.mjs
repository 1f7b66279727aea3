// Probes of file serving: headers, thumbs, download, ranges, protected
// files and file tokens. Own collection; the file bytes are the same on
// both servers, so bodies compare by value.
import { U } from './probes.mjs';

const RUN = Date.now().toString(36);
const F = `cdf_${RUN}`;
const file = (name, bytes, type) => Object.assign(new Blob([bytes], { type }), { name });
// A 2x2 PNG.
const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAwMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
const H = ['content-type', 'content-disposition', 'content-length', 'accept-ranges', 'content-range', 'cache-control', 'content-security-policy', 'x-content-type-options'];
const ign = [/\.fields\[\d+\]\.(id|help)$/];

export const probes = [
  { name: 'files: collection', method: 'POST', path: '/api/collections', body: { name: F, type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'img', type: 'file', thumbs: ['10x10', '0x5'] }, { name: 'txt', type: 'file' }, { name: 'html', type: 'file' }, { name: 'secret', type: 'file', protected: true }] }, ignore: ign },
  { name: 'files: record', method: 'POST', path: `/api/collections/${F}/records`, auth: null, form: [['img', file('pic.png', png, 'image/png')], ['txt', file('notes.txt', 'hello world\n', 'text/plain')], ['html', file('page.html', '<script>alert(1)</script>', 'text/html')], ['secret', file('s.txt', 'secret', 'text/plain')]], save: { fr: (j) => j.id, img: (j) => j.img, txt: (j) => j.txt, html: (j) => j.html, sec: (j) => j.secret } },
  { name: 'files: png', path: `/api/files/${F}/\${fr}/\${img}`, auth: null, compareHeaders: H.filter((h) => h !== 'content-disposition') },
  { name: 'files: txt', path: `/api/files/${F}/\${fr}/\${txt}`, auth: null, compareHeaders: H.filter((h) => h !== 'content-disposition'), text: true },
  { name: 'files: txt download', path: `/api/files/${F}/\${fr}/\${txt}?download=1`, auth: null, compareHeaders: ['content-type'], text: true },
  { name: 'files: html', path: `/api/files/${F}/\${fr}/\${html}`, auth: null, compareHeaders: ['content-type', 'x-content-type-options'] },
  { name: 'files: range', path: `/api/files/${F}/\${fr}/\${txt}`, auth: null, headers: { Range: 'bytes=0-4' }, compareHeaders: ['content-length'], text: true },
  { name: 'files: bad range', path: `/api/files/${F}/\${fr}/\${txt}`, auth: null, headers: { Range: 'bytes=100-200' } },
  { name: 'files: thumb listed', path: `/api/files/${F}/\${fr}/\${img}?thumb=10x10`, auth: null, compareHeaders: ['content-type'] },
  { name: 'files: thumb not listed', path: `/api/files/${F}/\${fr}/\${img}?thumb=20x20`, auth: null, compareHeaders: ['content-type', 'content-length'] },
  { name: 'files: thumb of text', path: `/api/files/${F}/\${fr}/\${txt}?thumb=10x10`, auth: null, compareHeaders: ['content-type'], text: true },
  { name: 'files: protected without token', path: `/api/files/${F}/\${fr}/\${sec}`, auth: null },
  { name: 'files: protected bad token', path: `/api/files/${F}/\${fr}/\${sec}?token=nope`, auth: null },
  { name: 'files: superuser file token', method: 'POST', path: '/api/files/token', save: { ftok: (j) => j.token } },
  { name: 'files: protected with token', path: `/api/files/${F}/\${fr}/\${sec}?token=\${ftok}`, auth: null, text: true, compareHeaders: ['content-type'] },
  { name: 'files: wrong record', path: `/api/files/${F}/aaaaaaaaaaaaaaa/\${txt}`, auth: null },
  { name: 'files: wrong collection', path: `/api/files/nope/\${fr}/\${txt}`, auth: null },
  { name: 'files: traversal', path: `/api/files/${F}/\${fr}/..%2F..%2Fdata.db`, auth: null },
  { name: 'files: head', method: 'HEAD', path: `/api/files/${F}/\${fr}/\${txt}`, auth: null, compareHeaders: ['content-length', 'content-type'] },
];
