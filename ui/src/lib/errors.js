// API errors, shaped {status, message, data: {field: {code, message}}}.
// Galley keys nested fields with dots ("fields.0.name"); PocketBase nests
// objects. errorsOf flattens both into one map of dotted keys.

/** errorsOf returns {message, fields: {"a.b": "message"}, status} for any thrown value. */
export function errorsOf(err) {
  if (!err) return { message: '', fields: {}, status: 0 };
  const resp = err.response || {};
  const fields = {};
  flatten(resp.data || err.data?.data || {}, '', fields);
  let message = resp.message || err.message || String(err);
  if (err.status === 0 || err.isAbort) message = 'Galley could not be reached. Is the server running?';
  return { message, fields, status: err.status ?? 0 };
}

function flatten(obj, prefix, out) {
  if (!obj || typeof obj !== 'object') return;
  if (typeof obj.message === 'string' && typeof obj.code === 'string') {
    out[prefix] = obj.message;
    return;
  }
  for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
}

/** under returns the errors whose key starts with prefix + ".", re-keyed without it. */
export function under(fields, prefix) {
  const out = {};
  const p = prefix + '.';
  for (const [k, v] of Object.entries(fields || {})) if (k.startsWith(p)) out[k.slice(p.length)] = v;
  return out;
}

/** countUnder counts the errors at or under any of the prefixes. */
export function countUnder(fields, prefixes) {
  let n = 0;
  for (const k of Object.keys(fields || {})) {
    if (prefixes.some((p) => k === p || k.startsWith(p + '.'))) n++;
  }
  return n;
}
