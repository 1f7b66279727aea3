// The record panel: create or edit one record (an input per field), delete
// it, and for auth records the verified flag, a password reset mail and
// impersonation. API errors show beside the field they name.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { pb } from '../../lib/pb.js';
import { errorsOf } from '../../lib/errors.js';
import { TextField, NumberField, Check, FormError } from '../../components/forms.js';
import { Confirm } from '../../components/dialog.js';
import { toast } from '../../components/toast.js';
import { FieldInput } from './inputs.js';

const SKIP = new Set(['id', 'password', 'tokenKey', 'email', 'emailVisibility', 'verified']);

/** editableFields are the fields the panel shows an input for. */
export const editableFields = (c) => (c.fields || []).filter((f) => !SKIP.has(f.name) && f.type !== 'autodate' && f.type !== 'password');

/** Panel: a side sheet on a modal <dialog>. */
function Sheet({ title, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return html`<dialog ref=${ref} class="side-panel" aria-labelledby="panel-h" onCancel=${(e) => { e.preventDefault(); onClose(); }}>
    <div class="panel-head"><h2 id="panel-h">${title}</h2><button type="button" class="btn small" onClick=${onClose}>Close</button></div>
    ${children}
  </dialog>`;
}

export function RecordPanel({ collection, record, all, onClose, onSaved }) {
  const isNew = !record;
  const auth = collection.type === 'auth';
  const readOnly = collection.type === 'view'; // a view's rows come from its query
  const fields = editableFields(collection);
  const [data, setData] = useState(() => {
    const d = {};
    for (const f of fields) d[f.name] = record ? record[f.name] : f.type === 'bool' ? false : f.type === 'relation' || f.type === 'file' || (f.type === 'select' && f.maxSelect > 1) ? [] : f.type === 'number' ? null : '';
    if (auth) Object.assign(d, { email: record?.email || '', emailVisibility: !!record?.emailVisibility, verified: !!record?.verified, password: '', passwordConfirm: '' });
    if (isNew) d.id = '';
    return d;
  });
  const [files, setFiles] = useState({});
  const [removed, setRemoved] = useState({});
  const [invalid, setInvalid] = useState({});
  const [errors, setErrors] = useState({ message: '', fields: {} });
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // conflict holds {body, updated} when the record changed after it was opened.
  const [conflict, setConflict] = useState(null);
  const [token, setToken] = useState('');
  const [duration, setDuration] = useState(3600);
  const set = (k) => (v) => {
    setData((d) => ({ ...d, [k]: v }));
    // The API's error of a field goes once the field is edited.
    setErrors((x) => (x.fields[k] ? { ...x, fields: { ...x.fields, [k]: undefined } } : x));
  };

  const save = async (e) => {
    e.preventDefault();
    if (Object.values(invalid).some((v) => !v)) {
      setErrors({ message: 'Fix the JSON fields first.', fields: {} });
      return;
    }
    setBusy(true);
    const body = { ...data };
    if (!isNew && auth && !body.password) {
      delete body.password;
      delete body.passwordConfirm;
    }
    if (isNew && !body.id) delete body.id;
    for (const f of fields) {
      if (f.type === 'file') {
        delete body[f.name];
        const add = files[f.name] || [];
        if (add.length) body[f.name] = (f.maxSelect || 1) > 1 ? add : add[0];
        if ((removed[f.name] || []).length && !((f.maxSelect || 1) <= 1 && add.length)) body[`${f.name}-`] = removed[f.name];
      }
    }
    if (!isNew && record.updated) {
      // Someone else may have saved it meanwhile: ask before overwriting.
      try {
        const now = await pb.collection(collection.id).getOne(record.id, { fields: 'updated' });
        if (now.updated && now.updated !== record.updated) {
          setConflict({ body, updated: now.updated });
          setBusy(false);
          return;
        }
      } catch {
        // The save below reports what is wrong (gone, no access, offline).
      }
    }
    await write(body);
  };
  const write = async (body) => {
    setBusy(true);
    try {
      const saved = isNew ? await pb.collection(collection.id).create(body) : await pb.collection(collection.id).update(record.id, body);
      toast(isNew ? `Record ${saved.id} created` : 'Saved');
      onSaved(saved);
    } catch (err) {
      setErrors(errorsOf(err));
    } finally {
      setBusy(false);
      setConflict(null);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await pb.collection(collection.id).delete(record.id);
      toast(`Record ${record.id} deleted`);
      onSaved(null);
    } catch (err) {
      setErrors(errorsOf(err));
      setConfirmDelete(false);
    } finally {
      setBusy(false);
    }
  };
  const reset = async () => {
    try {
      await pb.collection(collection.id).requestPasswordReset(record.email);
      toast(`A password reset mail was sent to ${record.email}`);
    } catch (err) {
      toast(errorsOf(err).message, 'error');
    }
  };
  const impersonate = async () => {
    try {
      const client = await pb.collection(collection.id).impersonate(record.id, duration || 0);
      setToken(client.authStore.token);
    } catch (err) {
      toast(errorsOf(err).message, 'error');
    }
  };
  const fe = errors.fields;
  const knownKeys = new Set([...fields.map((f) => f.name), 'id', 'email', 'emailVisibility', 'verified', 'password', 'passwordConfirm']);
  const other = Object.entries(fe).filter(([k, v]) => v && !knownKeys.has(k.replace(/-$/, '').split('.')[0]));
  return html`<${Sheet} title=${isNew ? `New ${collection.name} record` : `${readOnly ? 'View' : 'Edit'} ${collection.name} record`} onClose=${onClose}>
    <form class="panel-body" onSubmit=${save} novalidate>
      <fieldset class="plain" disabled=${readOnly}><legend class="sr-only">Fields</legend>
      ${isNew
        ? html`<${TextField} label="id" value=${data.id} onInput=${set('id')} error=${fe.id} hint="Leave empty for a random id." mono />`
        : html`<p class="muted small">id <span class="mono">${record.id}</span>${record.created ? ` · created ${record.created}` : ''}${record.updated ? ` · updated ${record.updated}` : ''}</p>`}
      ${auth && html`
        <${TextField} label="email" type="email" value=${data.email} onInput=${set('email')} error=${fe.email} />
        <${Check} label="Email visible to others (emailVisibility)" checked=${data.emailVisibility} onChange=${set('emailVisibility')} />
        <${Check} label="Verified" checked=${data.verified} onChange=${set('verified')} error=${fe.verified} />
        <${TextField} label=${isNew ? 'password' : 'New password'} type="password" autocomplete="new-password" value=${data.password} onInput=${set('password')} error=${fe.password} hint=${isNew ? '' : 'Leave empty to keep the password.'} />
        <${TextField} label="Confirm password" type="password" autocomplete="new-password" value=${data.passwordConfirm} onInput=${set('passwordConfirm')} error=${fe.passwordConfirm} />
      `}
      ${fields.map((f) => html`<${FieldInput} key=${f.name} field=${f} value=${data[f.name]} onChange=${set(f.name)} error=${fe[f.name] || fe[`${f.name}-`]}
        all=${all} record=${record} files=${files[f.name] || []} onFiles=${(l) => setFiles((x) => ({ ...x, [f.name]: l }))}
        removed=${removed[f.name] || []} onRemoved=${(l) => setRemoved((x) => ({ ...x, [f.name]: l }))}
        onValidity=${(name, ok) => setInvalid((x) => ({ ...x, [name]: ok }))} />`)}
      </fieldset>
      <${FormError} message=${errors.message && (other.length ? `${errors.message} ${other.map(([k, v]) => `${k}: ${v}`).join('; ')}` : Object.keys(fe).length ? '' : errors.message)} />
      <div class="actions panel-actions">
        ${readOnly && html`<p class="muted small">A view collection is read-only: its rows come from its query.</p>`}
        ${!readOnly && html`<button type="submit" class="btn primary" disabled=${busy}>${isNew ? 'Create record' : 'Save record'}</button>`}
        <button type="button" class="btn" onClick=${onClose}>${readOnly ? 'Close' : 'Cancel'}</button>
        ${!isNew && !readOnly && html`<button type="button" class="btn danger" onClick=${() => setConfirmDelete(true)}>Delete record</button>`}
      </div>
    </form>
    ${!isNew && auth && html`<section class="panel-body auth-tools" aria-labelledby="auth-tools-h">
      <h3 id="auth-tools-h">Account</h3>
      <p><button type="button" class="btn" onClick=${reset}>Send password reset mail</button> <span class="muted small">to ${record.email}</span></p>
      <div class="inline-form">
        <${NumberField} label="Token lifetime (seconds, 0 = the collection's default)" value=${duration} onChange=${setDuration} min="0" />
        <button type="button" class="btn" onClick=${impersonate}>Impersonate</button>
      </div>
      ${token && html`<${TextField} label="Auth token of this user (not refreshable)" rows=${3} mono readonly value=${token}
        hint="Send it as the Authorization header to act as this user." />`}
    </section>`}
    <${Confirm} open=${!!conflict} title="This record changed meanwhile" confirmLabel="Save my version" danger busy=${busy}
      onConfirm=${() => write(conflict.body)} onCancel=${() => setConflict(null)}>
      <p>It was saved again at ${conflict?.updated}, after you opened it. Saving your version overwrites those changes. Cancel, then close and reopen the record to see them.</p>
    <//>
    <${Confirm} open=${confirmDelete} title="Delete this record?" confirmLabel="Delete" danger busy=${busy} onConfirm=${remove} onCancel=${() => setConfirmDelete(false)}>
      <p>Record <span class="mono">${record?.id}</span> of ${collection.name} is deleted for good.</p>
    <//>
  <//>`;
}
