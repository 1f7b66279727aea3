// The collection model as the editor holds it: PocketBase's JSON shape
// (GET /api/collections/{id}) plus "_key" on each field for rendering.

export const FIELD_TYPES = [
  ['text', 'Plain text'],
  ['editor', 'Rich text'],
  ['number', 'Number'],
  ['bool', 'Bool'],
  ['email', 'Email'],
  ['url', 'URL'],
  ['date', 'Date and time'],
  ['autodate', 'Autodate (set on create/update)'],
  ['select', 'Select (one or more values)'],
  ['file', 'File'],
  ['relation', 'Relation (to records of a collection)'],
  ['json', 'JSON'],
  ['geoPoint', 'Geo point'],
  ['password', 'Password'],
];

export const TYPE_LABEL = Object.fromEntries(FIELD_TYPES);

export const RULES = [
  ['listRule', 'List/Search rule', 'list and search records'],
  ['viewRule', 'View rule', 'view a record'],
  ['createRule', 'Create rule', 'create records'],
  ['updateRule', 'Update rule', 'update records'],
  ['deleteRule', 'Delete rule', 'delete records'],
];

export const AUTH_RULES = [
  ['authRule', 'Auth rule', 'log in (checked after the credentials)'],
  ['manageRule', 'Manage rule', "change other records' email, password and verified flag"],
];

let keySeq = 0;
export const newKey = () => `k${++keySeq}`;

/** withKeys gives every field of c a local render key. */
export function withKeys(c) {
  return { ...c, fields: (c.fields || []).map((f) => ({ ...f, _key: f._key || f.id || newKey() })) };
}

/** newField returns a field of type with the default options of its type. */
export function newField(type) {
  const base = { name: '', type, system: false, hidden: false, presentable: false, required: false, _key: newKey() };
  const opts = {
    text: { min: 0, max: 0, pattern: '', autogeneratePattern: '' },
    password: { min: 8, max: 0, pattern: '', cost: 0 },
    number: { min: null, max: null, onlyInt: false },
    email: { exceptDomains: [], onlyDomains: [] },
    url: { exceptDomains: [], onlyDomains: [] },
    editor: { maxSize: 0, convertURLs: false },
    date: { min: '', max: '' },
    autodate: { onCreate: true, onUpdate: false },
    select: { values: [], maxSelect: 1 },
    json: { maxSize: 0 },
    relation: { collectionId: '', cascadeDelete: false, minSelect: 0, maxSelect: 1 },
    file: { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false },
  };
  return { ...base, ...(opts[type] || {}) };
}

/** toPayload is the body for POST/PATCH /api/collections: no local keys, no empty new ids. */
export function toPayload(draft) {
  const out = {};
  for (const [k, v] of Object.entries(draft)) {
    if (k.startsWith('_') || k === 'created' || k === 'updated') continue;
    out[k] = v;
  }
  out.fields = (draft.fields || []).map((f) => {
    const o = {};
    for (const [k, v] of Object.entries(f)) if (!k.startsWith('_') && !(k === 'id' && !v)) o[k] = v;
    return o;
  });
  out.indexes = draft.indexes || [];
  if (draft.type === 'view') delete out.indexes;
  return out;
}

/**
 * changesOf lists what saving draft over orig loses or breaks, for the
 * warning shown before saving: [{kind, text}].
 */
export function changesOf(orig, draft) {
  if (!orig?.id) return [];
  const out = [];
  if (orig.name !== draft.name) {
    out.push({ kind: 'rename', text: `The collection “${orig.name}” is renamed to “${draft.name}”: API URLs, rules and @collection.${orig.name} references elsewhere must change.` });
  }
  if (orig.type === 'view') {
    if (orig.viewQuery !== draft.viewQuery) out.push({ kind: 'query', text: 'The view query changes: the view’s fields are derived again from it.' });
    return out;
  }
  const byId = new Map(draft.fields.filter((f) => f.id).map((f) => [f.id, f]));
  for (const f of orig.fields || []) {
    const now = byId.get(f.id);
    if (!now) {
      out.push({ kind: 'delete', text: `The field “${f.name}” (${f.type}) is deleted, with its data in every record.` });
      continue;
    }
    if (now.name !== f.name) {
      out.push({ kind: 'rename', text: `The field “${f.name}” is renamed to “${now.name}”: clients, rules and filters that use “${f.name}” must change.` });
    }
    if (['select', 'relation', 'file'].includes(f.type) && f.maxSelect > 1 && now.maxSelect <= 1) {
      out.push({ kind: 'delete', text: `The field “${now.name}” goes from several values to one: records that have more keep only one.` });
    }
    if (f.type === 'select') {
      const gone = (f.values || []).filter((v) => !(now.values || []).includes(v));
      if (gone.length) out.push({ kind: 'delete', text: `The field “${now.name}” no longer allows ${gone.map((v) => `“${v}”`).join(', ')}: records that hold them keep values the field no longer accepts.` });
    }
  }
  const goneIdx = (orig.indexes || []).filter((i) => !(draft.indexes || []).includes(i));
  if (goneIdx.length) out.push({ kind: 'index', text: `${goneIdx.length} index${goneIdx.length > 1 ? 'es are' : ' is'} dropped or changed.` });
  return out;
}
