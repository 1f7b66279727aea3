// Probes of the collections API beyond probes.mjs: field options out of
// range, how field errors are numbered (the automatic id field, auth system
// fields), updates that rename, remove or retype fields, deletes of
// referenced collections, truncate, import, scaffolds and list paging.
// Every probe makes its own collections (fresh names), so `--only cx ` runs
// them alone.
const RUN = Date.now().toString(36);
let n = 0;
const fresh = () => `cdc_${RUN}_${++n}`;
const ignoreIds = [/\.fields\[\d+\]\.id$/, /\.indexes\[\d+\]$/];

const create = (name, body, extra = {}) => ({ name: `cx ${name}`, method: 'POST', path: '/api/collections', body: { name: fresh(), type: 'base', ...body }, ignore: ignoreIds, ...extra });
const field = (name, f) => create(name, { fields: [f] });

// A collection made by a probe and referred to by later ones.
const A = `cdc_${RUN}_a`; // base: title, n, tags
const B = `cdc_${RUN}_b`; // base with a relation to A
const C = `cdc_${RUN}_c`; // auth

export const probes = [
  // --- one field of each type, no options
  ...['text', 'number', 'bool', 'email', 'url', 'editor', 'date', 'json', 'file', 'password', 'geoPoint'].map((t) => field(`field ${t} plain`, { name: 'f', type: t })),
  field('field select plain', { name: 'f', type: 'select', values: ['a'] }),
  field('field relation plain', { name: 'f', type: 'relation', collectionId: '_pb_users_auth_' }),
  field('field autodate create', { name: 'f', type: 'autodate', onCreate: true }),
  field('field autodate neither', { name: 'f', type: 'autodate' }),
  field('field help', { name: 'f', type: 'text', help: 'Some help' }),
  field('field autodate help required', { name: 'f', type: 'autodate', onCreate: true, help: 'x', required: true }),

  // --- options out of range
  field('text min > max', { name: 'f', type: 'text', min: 10, max: 5 }),
  field('text negative min', { name: 'f', type: 'text', min: -1 }),
  field('text bad pattern', { name: 'f', type: 'text', pattern: '(' }),
  field('text bad autogenerate', { name: 'f', type: 'text', autogeneratePattern: '[' }),
  field('number min > max', { name: 'f', type: 'number', min: 10, max: 5 }),
  field('select maxSelect > values', { name: 'f', type: 'select', values: ['a', 'b'], maxSelect: 5 }),
  field('select dup values', { name: 'f', type: 'select', values: ['a', 'a'] }),
  field('select negative maxSelect', { name: 'f', type: 'select', values: ['a'], maxSelect: -1 }),
  field('file negative maxSize', { name: 'f', type: 'file', maxSize: -1 }),
  field('file negative maxSelect', { name: 'f', type: 'file', maxSelect: -1 }),
  field('file bad thumb', { name: 'f', type: 'file', thumbs: ['nope'] }),
  field('json negative maxSize', { name: 'f', type: 'json', maxSize: -1 }),
  field('editor negative maxSize', { name: 'f', type: 'editor', maxSize: -1 }),
  field('relation minSelect > maxSelect', { name: 'f', type: 'relation', collectionId: '_pb_users_auth_', minSelect: 5, maxSelect: 2 }),
  field('relation negative maxSelect', { name: 'f', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: -1 }),
  field('date min > max', { name: 'f', type: 'date', min: '2030-01-01 00:00:00.000Z', max: '2020-01-01 00:00:00.000Z' }),
  field('date bad min', { name: 'f', type: 'date', min: 'yesterday' }),
  field('email both domains', { name: 'f', type: 'email', onlyDomains: ['a.com'], exceptDomains: ['b.com'] }),
  field('url bad domain', { name: 'f', type: 'url', onlyDomains: ['not a domain'] }),
  field('password bad cost', { name: 'f', type: 'password', cost: 100 }),
  field('password min > max', { name: 'f', type: 'password', min: 10, max: 5 }),
  field('password negative min', { name: 'f', type: 'password', min: -1 }),
  field('number wrong type option', { name: 'f', type: 'number', min: 'x' }),

  field('text primaryKey not id', { name: 'f', type: 'text', primaryKey: true }),
  field('relation to view', { name: 'f', type: 'relation', collectionId: 'nope_view_placeholder' }),
  field('file thumbs ok', { name: 'f', type: 'file', maxSelect: 2, thumbs: ['100x100', '0x50', '50x0t'], protected: true, mimeTypes: ['image/png'] }),
  field('number onlyInt decimal min', { name: 'f', type: 'number', onlyInt: true, min: 1.5 }),
  field('select values empty string', { name: 'f', type: 'select', values: [''] }),
  field('text autogenerate no match', { name: 'f', type: 'text', pattern: '^[0-9]+$', autogeneratePattern: '[a-z]{5}' }),
  field('unknown option ignored', { name: 'f', type: 'text', nope: 1 }),
  create('field without type', { fields: [{ name: 'f' }] }),
  create('fields null', { fields: null }),
  create('indexes null', { indexes: null }),
  create('listRule number', { listRule: 5 }),
  create('name too long', { name: 'n'.repeat(120) }),

  // --- how field errors are numbered
  create('errors index with client id', { fields: [{ name: 'a', type: 'text' }, { name: 'id', type: 'text', primaryKey: true, required: true, system: true, pattern: '^[a-z0-9]+$', autogeneratePattern: '[a-z0-9]{15}', min: 15, max: 15 }, { name: 'b b', type: 'text' }] }),
  create('errors index auth', { type: 'auth', fields: [{ name: 'a a', type: 'text' }, { name: 'email', type: 'email' }, { name: 'b b', type: 'text' }] }),
  create('field name ID', { fields: [{ name: 'ID', type: 'text' }] }),
  create('field name too long', { fields: [{ name: 'f'.repeat(120), type: 'text' }] }),
  create('field name empty', { fields: [{ name: '', type: 'text' }] }),
  create('dup index name', { name: `cdc_${RUN}_dupidx`, fields: [{ name: 'a', type: 'text' }], indexes: [`CREATE INDEX idx_dup_${RUN} ON cdc_${RUN}_dupidx (a)`, `CREATE INDEX idx_dup_${RUN} ON cdc_${RUN}_dupidx (a)`] }),
  create('view bad index', { type: 'view', viewQuery: 'SELECT id FROM _pb_users_auth_', indexes: ['CREATE INDEX x ON y (id)'] }),
  create('view create rule', { type: 'view', viewQuery: 'SELECT id FROM users', createRule: '' }),
  create('view empty query', { type: 'view', viewQuery: '' }),
  create('view write query', { type: 'view', viewQuery: 'DELETE FROM users' }),
  create('base with viewQuery', { viewQuery: 'SELECT 1' }),
  create('auth bad options', { type: 'auth', authToken: { duration: 0 }, otp: { length: 0 } }),
  create('auth options on base', { passwordAuth: { enabled: true } }),
  create('name with dash', { name: 'a-b' }),
  create('name empty', { name: '' }),
  create('type number', { type: 5 }),
  create('fields not array', { fields: 'x' }),
  { name: 'cx create bad json', method: 'POST', path: '/api/collections', raw: '{"name":' },
  { name: 'cx create array body', method: 'POST', path: '/api/collections', raw: '[1]' },
  { name: 'cx create guest', method: 'POST', path: '/api/collections', auth: null, body: { name: fresh() } },

  // --- a base collection, then updates
  { name: 'cx create A', method: 'POST', path: '/api/collections', body: { name: A, fields: [{ name: 'title', type: 'text' }, { name: 'n', type: 'number' }, { name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 }] }, ignore: ignoreIds, save: { aId: (j) => j.id, aTitle: (j) => j.fields[1].id, aN: (j) => j.fields[2].id, aTags: (j) => j.fields[3].id } },
  { name: 'cx create B', method: 'POST', path: '/api/collections', body: { name: B, fields: [{ name: 'a', type: 'relation', collectionId: '${aId}' }] }, ignore: ignoreIds },
  { name: 'cx record in A', method: 'POST', path: `/api/collections/${A}/records`, body: { title: 'x', n: 1, tags: ['a'] }, ignore: [/\.id$/] },
  { name: 'cx update rename field', method: 'PATCH', path: `/api/collections/${A}`, body: { fields: [{ id: '${aTitle}', name: 'heading', type: 'text' }, { id: '${aN}', name: 'n', type: 'number' }, { id: '${aTags}', name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 }] }, ignore: ignoreIds },
  { name: 'cx update change type', method: 'PATCH', path: `/api/collections/${A}`, body: { fields: [{ id: '${aTitle}', name: 'heading', type: 'number' }, { id: '${aN}', name: 'n', type: 'number' }, { id: '${aTags}', name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 }] } },
  { name: 'cx update remove field', method: 'PATCH', path: `/api/collections/${A}`, body: { fields: [{ id: '${aTitle}', name: 'heading', type: 'text' }, { id: '${aTags}', name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 }] }, ignore: ignoreIds },
  { name: 'cx update bad field', method: 'PATCH', path: `/api/collections/${A}`, body: { fields: [{ name: 'x y', type: 'text' }] } },
  { name: 'cx update change collection type', method: 'PATCH', path: `/api/collections/${A}`, body: { type: 'auth' } },
  { name: 'cx update change id', method: 'PATCH', path: `/api/collections/${A}`, body: { id: 'pbc_other' } },
  { name: 'cx update rename to existing', method: 'PATCH', path: `/api/collections/${A}`, body: { name: 'users' } },
  { name: 'cx update bad rule', method: 'PATCH', path: `/api/collections/${A}`, body: { viewRule: 'nope = 1' } },
  { name: 'cx update missing', method: 'PATCH', path: '/api/collections/nope_missing', body: { name: 'x' } },
  { name: 'cx update system rename', method: 'PATCH', path: '/api/collections/_superusers', body: { name: 'supers' } },
  { name: 'cx delete referenced', method: 'DELETE', path: `/api/collections/${A}` },
  { name: 'cx delete system', method: 'DELETE', path: '/api/collections/_superusers' },
  { name: 'cx delete missing', method: 'DELETE', path: '/api/collections/nope_missing' },
  { name: 'cx truncate', method: 'DELETE', path: `/api/collections/${A}/truncate` },
  { name: 'cx truncate system', method: 'DELETE', path: '/api/collections/_superusers/truncate' },
  { name: 'cx delete B', method: 'DELETE', path: `/api/collections/${B}` },
  { name: 'cx delete A', method: 'DELETE', path: `/api/collections/${A}` },

  // --- auth collection
  { name: 'cx create C', method: 'POST', path: '/api/collections', body: { name: C, type: 'auth' }, ignore: [...ignoreIds, /\.secret$/, /Template\.body$|emailTemplate\.body$/], save: { cEmail: (j) => j.fields.find((f) => f.name === 'email').id, cId: (j) => j.fields[0].id } },
  { name: 'cx update C rename system field', method: 'PATCH', path: `/api/collections/${C}`, body: { fields: [{ id: '${cEmail}', name: 'mail', type: 'email' }] } },
  { name: 'cx update C retype system field', method: 'PATCH', path: `/api/collections/${C}`, body: { fields: [{ id: '${cEmail}', name: 'email', type: 'text' }] } },
  { name: 'cx update C retype id', method: 'PATCH', path: `/api/collections/${C}`, body: { fields: [{ id: '${cId}', name: 'id', type: 'number' }] } },
  { name: 'cx update C same field twice', method: 'PATCH', path: `/api/collections/${C}`, body: { fields: [{ id: '${cEmail}', name: 'email', type: 'email' }, { id: '${cEmail}', name: 'email2', type: 'email' }] } },
  { name: 'cx update C bad json', method: 'PATCH', path: `/api/collections/${C}`, raw: '{"name":' },
  { name: 'cx update C drop system fields', method: 'PATCH', path: `/api/collections/${C}`, body: { fields: [{ name: 'x', type: 'text' }] }, ignore: [...ignoreIds, /Template\.body$|emailTemplate\.body$/] },
  { name: 'cx update C bad options', method: 'PATCH', path: `/api/collections/${C}`, body: { mfa: { duration: -1 }, passwordAuth: { identityFields: ['nope'] } } },
  { name: 'cx delete C', method: 'DELETE', path: `/api/collections/${C}` },

  // --- a view collection, then updates
  { name: 'cx create V', method: 'POST', path: '/api/collections', body: { name: `cdc_${RUN}_v`, type: 'view', viewQuery: 'SELECT id, name FROM users' }, ignore: ignoreIds },
  { name: 'cx update V bad query', method: 'PATCH', path: `/api/collections/cdc_${RUN}_v`, body: { viewQuery: 'SELECT nope FROM users' } },
  { name: 'cx update V no id', method: 'PATCH', path: `/api/collections/cdc_${RUN}_v`, body: { viewQuery: 'SELECT name FROM users' } },
  { name: 'cx update V query', method: 'PATCH', path: `/api/collections/cdc_${RUN}_v`, body: { viewQuery: 'SELECT id, name, created FROM users', listRule: '' }, ignore: ignoreIds },
  { name: 'cx update V index', method: 'PATCH', path: `/api/collections/cdc_${RUN}_v`, body: { indexes: ['CREATE INDEX x ON y (id)'] } },
  { name: 'cx update V rule', method: 'PATCH', path: `/api/collections/cdc_${RUN}_v`, body: { updateRule: '' } },
  { name: 'cx truncate V', method: 'DELETE', path: `/api/collections/cdc_${RUN}_v/truncate` },
  { name: 'cx delete V', method: 'DELETE', path: `/api/collections/cdc_${RUN}_v` },

  // --- list, view, scaffolds
  { name: 'cx list paging', path: '/api/collections?perPage=2&page=2&sort=name', ignore: [/\.items/, /\.totalItems$/, /\.totalPages$/] },
  { name: 'cx list sort unknown', path: '/api/collections?sort=nope' },
  { name: 'cx list filter system', path: '/api/collections?filter=system=true&sort=name&fields=name,system', ignore: [/\.items/, /\.totalItems$/, /\.totalPages$/] },
  { name: 'cx list skipTotal', path: '/api/collections?skipTotal=1&perPage=1&fields=name&sort=name' },
  { name: 'cx view by id', path: '/api/collections/_pb_users_auth_', ignore: [/\.secret$/, /\.indexes\[\d+\]$/, /Template\.body$|emailTemplate\.body$/] },
  { name: 'cx view guest', path: '/api/collections/users', auth: null },
  { name: 'cx scaffolds', path: '/api/collections/meta/scaffolds', ignore: [/\.fields\[\d+\]\.id$/, /\.indexes\[\d+\]$/, /Template\.body$|emailTemplate\.body$/] },

  { name: 'cx list page 0', path: '/api/collections?page=0&perPage=0&fields=name', ignore: [/\.items/, /\.totalItems$/, /\.totalPages$/] },
  { name: 'cx list perPage huge', path: '/api/collections?perPage=5000&fields=name', ignore: [/\.items/, /\.totalItems$/, /\.totalPages$/] },
  { name: 'cx list filter unknown field', path: '/api/collections?filter=nope=1' },
  { name: 'cx list filter type', path: `/api/collections?filter=${encodeURIComponent("type='view' && name ~ 'cdv_'")}&fields=name,type`, ignore: [/\.items/, /\.totalItems$/, /\.totalPages$/] },

  // --- more creates and updates
  create('custom id', { id: `cdcid${RUN}` }, { ignore: [...ignoreIds, /\.name$/] }),
  create('custom id bad', { id: 'bad id!' }),
  // (No probe sends system: true: PocketBase creates a system collection,
  // which cannot be deleted, on the shared reference server.)
  create('field flags', { fields: [{ name: 'f', type: 'text', hidden: true, presentable: true, required: true, system: true }] }),
  create('field with id', { fields: [{ id: 'myfield1', name: 'f', type: 'text' }] }),
  create('relation cascade', { fields: [{ name: 'r', type: 'relation', collectionId: '_pb_users_auth_', cascadeDelete: true, minSelect: 1, maxSelect: 3 }] }),
  create('rule with collection ref', { listRule: '@collection.users.id ?= @request.auth.id', viewRule: "@request.auth.id != ''" }),
  create('rule unknown collection', { listRule: '@collection.nope.id = 1' }),
  create('auth with options', { type: 'auth', passwordAuth: { enabled: true, identityFields: ['email'] }, otp: { enabled: true, length: 6, duration: 300 }, mfa: { enabled: false }, authToken: { duration: 3600 } }, { ignore: [...ignoreIds, /\.secret$/, /Template\.body$|emailTemplate\.body$/] }),
  create('auth unknown option key', { type: 'auth', otp: { lenght: 6 } }),
  create('view ok', { type: 'view', viewQuery: 'SELECT id, name, created FROM users' }),
  create('view no fields given', { type: 'view', viewQuery: 'SELECT (ROW_NUMBER() OVER()) as id, name FROM users' }),

  // --- import
  { name: 'cx import empty', method: 'PUT', path: '/api/collections/import', body: {} },
  { name: 'cx import empty list', method: 'PUT', path: '/api/collections/import', body: { collections: [] } },
  { name: 'cx import not array', method: 'PUT', path: '/api/collections/import', body: { collections: 'x' } },
  { name: 'cx import bad collection', method: 'PUT', path: '/api/collections/import', body: { collections: [{ name: 'bad name!' }] } },
  { name: 'cx import bad field', method: 'PUT', path: '/api/collections/import', body: { collections: [{ name: fresh(), fields: [{ name: 'x y', type: 'text' }] }] } },
  { name: 'cx import bad json', method: 'PUT', path: '/api/collections/import', raw: '{"collections":' },
  { name: 'cx import ok', method: 'PUT', path: '/api/collections/import', body: { collections: [{ name: fresh(), fields: [{ name: 't', type: 'text' }] }] } },
];
