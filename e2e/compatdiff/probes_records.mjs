// Probes of record reads (expand, fields, paging, back-relations, filters
// on relations) and of deletes that relations forbid. They run after
// probes.mjs and make their own collections.
const RUN = Date.now().toString(36);
const A = `cdra_${RUN}`; // authors
const B = `cdrb_${RUN}`; // books: author (required relation, cascade off), tags (multi relation)

export const probes = [
  { name: 'rel: create authors', method: 'POST', path: '/api/collections', body: { name: A, type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '', fields: [{ name: 'name', type: 'text' }] }, save: { aID: (j) => j.id }, ignore: [/\.fields\[\d+\]\.id$/, /\.fields\[\d+\]\.help$/] },
  { name: 'rel: create books', method: 'POST', path: '/api/collections', body: { name: B, type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'author', type: 'relation', collectionId: '${aID}', maxSelect: 1, required: true, cascadeDelete: false }, { name: 'co', type: 'relation', collectionId: '${aID}', maxSelect: 5 }] }, ignore: [/\.fields\[\d+\]\.id$/, /\.fields\[\d+\]\.help$/, /collectionId$/] },
  { name: 'rel: author 1', method: 'POST', path: `/api/collections/${A}/records`, body: { name: 'Ann' }, save: { a1: (j) => j.id } },
  { name: 'rel: author 2', method: 'POST', path: `/api/collections/${A}/records`, body: { name: 'Bob' }, save: { a2: (j) => j.id } },
  { name: 'rel: book 1', method: 'POST', path: `/api/collections/${B}/records`, body: { title: 'One', author: '${a1}', co: ['${a1}', '${a2}'] }, save: { b1: (j) => j.id } },
  { name: 'rel: book 2', method: 'POST', path: `/api/collections/${B}/records`, body: { title: 'Two', author: '${a2}' }, save: { b2: (j) => j.id } },
  { name: 'rel: book missing author', method: 'POST', path: `/api/collections/${B}/records`, body: { title: 'Three' } },
  { name: 'rel: expand', path: `/api/collections/${B}/records/\${b1}?expand=author,co` },
  { name: 'rel: expand fields', path: `/api/collections/${B}/records/\${b1}?expand=author&fields=title,expand.author.name` },
  { name: 'rel: back relation', path: `/api/collections/${A}/records/\${a1}?expand=${B}_via_author` },
  { name: 'rel: back relation multi', path: `/api/collections/${A}/records/\${a2}?expand=${B}_via_co` },
  { name: 'rel: filter through relation', path: `/api/collections/${B}/records?filter=${encodeURIComponent("author.name = 'Ann'")}` },
  { name: 'rel: filter any-of', path: `/api/collections/${B}/records?filter=${encodeURIComponent("co.name ?= 'Bob'")}` },
  { name: 'rel: filter each', path: `/api/collections/${B}/records?filter=${encodeURIComponent("co.name:each ~ 'o'")}` },
  { name: 'rel: filter length', path: `/api/collections/${B}/records?filter=${encodeURIComponent('co:length > 1')}` },
  { name: 'rel: filter back relation', path: `/api/collections/${A}/records?filter=${encodeURIComponent(`${B}_via_author.title = 'Two'`)}` },
  { name: 'rel: sort by relation', path: `/api/collections/${B}/records?sort=-author.name` },
  { name: 'rel: paging', path: `/api/collections/${B}/records?perPage=1&page=2&sort=title` },
  { name: 'rel: skipTotal', path: `/api/collections/${B}/records?perPage=1&skipTotal=true&sort=title` },
  { name: 'rel: fields star', path: `/api/collections/${B}/records/\${b1}?fields=*,expand.author.name&expand=author` },
  { name: 'rel: delete referenced author', method: 'DELETE', path: `/api/collections/${A}/records/\${a2}` },
  { name: 'rel: bad id chars', path: `/api/collections/${B}/records/..%2F..%2Fetc` },
  { name: 'rel: relation to wrong collection id', method: 'PATCH', path: `/api/collections/${B}/records/\${b2}`, body: { author: '${b1}' } },
  { name: 'rel: relation modifiers', method: 'PATCH', path: `/api/collections/${B}/records/\${b2}`, body: { 'co+': ['${a1}'], '+co': '${a2}' } },
  { name: 'rel: relation remove', method: 'PATCH', path: `/api/collections/${B}/records/\${b2}`, body: { 'co-': '${a1}' } },
  { name: 'rel: expand depth', path: `/api/collections/${B}/records/\${b1}?expand=author.${B}_via_author.author` },
  { name: 'rel: expand unknown nested', path: `/api/collections/${B}/records/\${b1}?expand=author.nope` },
  { name: 'rel: delete book', method: 'DELETE', path: `/api/collections/${B}/records/\${b2}` },
  { name: 'rel: delete book again', method: 'DELETE', path: `/api/collections/${B}/records/\${b2}` },
  { name: 'rel: list guest with rule', path: `/api/collections/${B}/records?filter=${encodeURIComponent('@request.auth.id != ""')}`, auth: null },
];
