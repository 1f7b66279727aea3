// Suggestions for the rule and filter editors: fields of the collection,
// @request.*, @collection.*, macros, operators and modifiers. Pure
// functions of the text, the caret and the collections known to the page.

export const OPERATORS = [
  ['=', 'equal'],
  ['!=', 'not equal'],
  ['>', 'greater than'],
  ['>=', 'greater or equal'],
  ['<', 'less than'],
  ['<=', 'less or equal'],
  ['~', 'contains (like)'],
  ['!~', 'does not contain'],
  ['?=', 'any equal'],
  ['?!=', 'any not equal'],
  ['?~', 'any contains'],
  ['&&', 'and'],
  ['||', 'or'],
];

export const MODIFIERS = [
  [':isset', 'the request sent the key'],
  [':changed', 'the request changes the field'],
  [':length', 'number of items'],
  [':each', 'every item matches'],
  [':lower', 'lower-cased value'],
];

export const MACROS = ['@now', '@second', '@minute', '@hour', '@weekday', '@day', '@month', '@year', '@yesterday', '@tomorrow', '@todayStart', '@todayEnd', '@monthStart', '@monthEnd', '@yearStart', '@yearEnd'];

const WORD = /[\w@.:]/;
const BASE_FIELDS = ['id', 'created', 'updated'];

function fieldNames(c) {
  return (c?.fields || []).map((f) => f.name).filter(Boolean);
}

/**
 * candidates lists every path the editor may offer for collection (a draft)
 * given all collections: [[path, description]].
 */
export function candidates(collection, all) {
  const out = [];
  const add = (p, d) => out.push([p, d]);
  const byId = new Map(all.map((c) => [c.id, c]));
  for (const f of collection?.fields || []) {
    if (!f.name) continue;
    add(f.name, f.type);
    if (f.type === 'relation' && byId.get(f.collectionId)) {
      for (const g of byId.get(f.collectionId).fields || []) add(`${f.name}.${g.name}`, `${g.type} of ${byId.get(f.collectionId).name}`);
    }
  }
  if (collection?.id) {
    for (const c of all) {
      for (const f of c.fields || []) {
        if (f.type === 'relation' && f.collectionId === collection.id) add(`${c.name}_via_${f.name}`, `${c.name} records pointing here`);
      }
    }
  }
  // Fields of every auth collection (apps' own first), with where they come from.
  const authFields = new Map([['id', ['text', ['every auth collection']]], ['collectionName', ['text', ['the auth collection name']]], ['collectionId', ['text', ['the auth collection id']]]]);
  const auths = all.filter((c) => c.type === 'auth').sort((a, b) => Number(a.name.startsWith('_')) - Number(b.name.startsWith('_')));
  if (collection?.type === 'auth' && !auths.some((c) => c.id && c.id === collection.id)) auths.unshift(collection);
  for (const c of auths) {
    for (const f of c.fields || []) {
      if (!f.name || f.name === 'tokenKey' || f.name === 'password' || f.name === 'id') continue;
      if (!authFields.has(f.name)) authFields.set(f.name, [f.type, []]);
      authFields.get(f.name)[1].push(c.name || 'this collection');
    }
  }
  for (const [n, [type, from]] of authFields) add(`@request.auth.${n}`, n === 'id' || n.startsWith('collection') ? from[0] : `${type} (${from.join(', ')})`);
  for (const f of collection?.fields || []) if (f.name) add(`@request.body.${f.name}`, `sent ${f.type}`);
  add('@request.query.', 'a query parameter');
  add('@request.headers.', 'a header (lower case, - as _)');
  add('@request.method', 'GET, POST, PATCH, DELETE');
  add('@request.context', 'default, oauth2, otp, password, realtime, protectedFile');
  for (const c of all) {
    for (const n of fieldNames(c).length ? fieldNames(c) : BASE_FIELDS) add(`@collection.${c.name}.${n}`, `${c.name}`);
  }
  for (const m of MACROS) add(m, 'date macro');
  return out;
}

/** wordAt returns the [start, end) of the word around the caret. */
export function wordAt(text, caret) {
  let start = caret;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  let end = caret;
  while (end < text.length && WORD.test(text[end])) end++;
  return [start, end];
}

/**
 * suggest returns {start, end, items: [{insert, label, detail}]} for the
 * text and caret: operators after an operand, modifiers after ":", paths
 * (one segment at a time) elsewhere.
 */
export function suggest(text, caret, cands, max = 10) {
  const [start] = wordAt(text, caret);
  const word = text.slice(start, caret);
  const end = caret;
  if (word.includes(':')) {
    const base = word.slice(0, word.indexOf(':'));
    const typed = word.slice(word.indexOf(':'));
    const items = MODIFIERS.filter(([m]) => m.startsWith(typed) && m !== typed).map(([m, d]) => ({ insert: base + m, label: base + m, detail: d }));
    return { start, end, items };
  }
  if (word === '') {
    // Operators only after an operand and a space: "title |" but not "title|" or '"x"|'.
    const before = text[start - 1];
    if (before !== undefined && before !== '(' && !/\s/.test(before)) return { start, end, items: [] };
    let i = start - 1;
    while (i >= 0 && /\s/.test(text[i])) i--;
    const prev = i >= 0 ? text[i] : '';
    if (prev && (/[\w'")\]]/.test(prev))) {
      return { start, end, items: OPERATORS.map(([o, d]) => ({ insert: o + ' ', label: o, detail: d })) };
    }
  }
  const lw = word.toLowerCase();
  const seen = new Set();
  const items = [];
  for (const [path, detail] of cands) {
    if (!path.toLowerCase().startsWith(lw) || path === word) continue;
    // one segment at a time: "@request." offers "@request.auth." before its fields
    const dot = path.indexOf('.', word.length);
    const insert = dot >= 0 ? path.slice(0, dot + 1) : path;
    if (insert === word || seen.has(insert)) continue;
    seen.add(insert);
    items.push({ insert, label: insert, detail: dot >= 0 ? '' : detail });
  }
  items.sort((a, b) => rank(a.insert) - rank(b.insert) || idFirst(a.insert) - idFirst(b.insert) || a.insert.localeCompare(b.insert));
  return { start, end, items: items.slice(0, max) };
}

// Fields first, then @request, @collection, macros.
function rank(p) {
  if (!p.startsWith('@')) return 0;
  if (p.startsWith('@request')) return 1;
  if (p.startsWith('@collection')) return 2;
  return 3;
}

// "id" before the other fields of the same level.
function idFirst(p) {
  return p === 'id' || p.endsWith('.id') ? 0 : 1;
}
