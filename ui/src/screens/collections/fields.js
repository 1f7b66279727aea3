// The fields tab: one card per field (name, type, flags, the options of its
// type), add, remove (restorable until saved), move up and down.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { under } from '../../lib/errors.js';
import { TextField, NumberField, Check, SelectField, ListField } from '../../components/forms.js';
import { FIELD_TYPES, TYPE_LABEL, newField } from './model.js';

/** FieldOptions: the options of one field's type. */
function FieldOptions({ f, set, err, all, selfId }) {
  const num = (k, label, hint) => html`<${NumberField} label=${label} value=${f[k]} onChange=${(v) => set({ [k]: v ?? 0 })} error=${err[k]} hint=${hint} min="0" />`;
  const nullableNum = (k, label) => html`<${NumberField} label=${label} value=${f[k]} onChange=${(v) => set({ [k]: v })} error=${err[k]} hint="Empty: no bound." />`;
  const text = (k, label, hint) => html`<${TextField} label=${label} value=${f[k]} onInput=${(v) => set({ [k]: v })} error=${err[k]} hint=${hint} mono />`;
  const list = (k, label, hint) => html`<${ListField} label=${label} value=${f[k]} onChange=${(v) => set({ [k]: v })} error=${err[k]} hint=${hint} />`;
  const check = (k, label, hint) => html`<${Check} label=${label} checked=${f[k]} onChange=${(v) => set({ [k]: v })} error=${err[k]} hint=${hint} />`;
  switch (f.type) {
    case 'text':
      return html`<div class="grid">
        ${num('min', 'Min length', '0: no minimum.')} ${num('max', 'Max length', '0: the default (5000).')}
        ${text('pattern', 'Pattern', 'A regular expression values must match.')}
        ${text('autogeneratePattern', 'Autogenerate pattern', 'Fills empty values, e.g. [a-z0-9]{8}.')}
      </div>`;
    case 'password':
      return html`<div class="grid">
        ${num('min', 'Min length')} ${num('max', 'Max length', '0: 71 bytes (bcrypt).')}
        ${text('pattern', 'Pattern')} ${num('cost', 'bcrypt cost', '0: the default (10).')}
      </div>`;
    case 'number':
      return html`<div class="grid">${nullableNum('min', 'Min')} ${nullableNum('max', 'Max')} ${check('onlyInt', 'Integers only')}</div>`;
    case 'email':
    case 'url':
      return html`<div class="grid">
        ${list('onlyDomains', 'Only domains', 'Allow only these domains (comma-separated).')}
        ${list('exceptDomains', 'Except domains', 'Refuse these domains (comma-separated).')}
      </div>`;
    case 'editor':
      return html`<div class="grid">${num('maxSize', 'Max size (bytes)', '0: the default.')} ${check('convertURLs', 'Convert URLs to relative')}</div>`;
    case 'date':
      return html`<div class="grid">
        ${text('min', 'Earliest', 'e.g. 2024-01-01 00:00:00.000Z; empty: none.')} ${text('max', 'Latest', 'Empty: none.')}
      </div>`;
    case 'autodate':
      return html`<div class="grid">${check('onCreate', 'Set on create')} ${check('onUpdate', 'Set on update')}</div>`;
    case 'select':
      return html`<div class="grid">
        ${list('values', 'Values', 'The allowed values, comma-separated.')}
        ${num('maxSelect', 'Max selected', '1: one value; more: a list.')}
      </div>`;
    case 'json':
      return html`<div class="grid">${num('maxSize', 'Max size (bytes)', '0: 1 MiB.')}</div>`;
    case 'relation': {
      const targets = all;
      return html`<div class="grid">
        <${SelectField}
          label="Related collection"
          value=${f.collectionId}
          onChange=${(v) => set({ collectionId: v })}
          error=${err.collectionId}
          options=${[{ value: '', label: 'Choose a collection…' }, ...targets.map((c) => ({ value: c.id, label: `${c.name} (${c.type})` }))]}
        />
        ${num('minSelect', 'Min selected')} ${num('maxSelect', 'Max selected', '1: one record; more: a list.')}
        ${check('cascadeDelete', 'Cascade delete', 'Deleting the related record deletes this one.')}
      </div>`;
    }
    case 'file':
      return html`<div class="grid">
        ${num('maxSelect', 'Max files', '1: one file; more: a list.')} ${num('maxSize', 'Max size (bytes)', '0: 5 MiB.')}
        ${list('mimeTypes', 'MIME types', 'e.g. image/png, image/jpeg; empty: any.')}
        ${list('thumbs', 'Thumb sizes', 'e.g. 100x100, 0x300, 200x200t.')}
        ${check('protected', 'Protected', 'Files need a file token whose record passes the view rule.')}
      </div>`;
    default:
      return null; // bool, geoPoint: no options
  }
}

function FieldCard({ f, index, count, set, remove, move, err, all, selfId, isNew, focusRef }) {
  const [open, setOpen] = useState(isNew);
  const optsId = useId();
  const e = err;
  const hasOptErr = Object.keys(e).some((k) => k !== 'name');
  useEffect(() => {
    if (hasOptErr) setOpen(true);
  }, [hasOptErr]);
  const title = `Field ${index + 1}: ${f.name || 'new field'} (${f.type})`;
  return html`
    <fieldset class=${`field-card ${f.system ? 'system' : ''}`}>
      <legend class="sr-only">${title}</legend>
      <div class="field-row">
        <span class=${`type-badge t-${f.type}`} title=${TYPE_LABEL[f.type]}>${f.type}</span>
        <${TextField}
          class="grow"
          label="Name"
          value=${f.name}
          onInput=${(v) => set({ name: v })}
          error=${e.name}
          disabled=${f.system}
          inputRef=${focusRef}
          autocomplete="off"
          spellcheck=${false}
        />
        ${f.system && html`<span class="badge">system</span>`}
        <div class="row-actions">
          <${Check} label="Required" checked=${f.required} onChange=${(v) => set({ required: v })} error=${e.required} />
          <button type="button" class="btn icon" onClick=${() => move(-1)} disabled=${index === 0} aria-label=${`Move ${f.name || 'field'} up`} title="Move up">↑</button>
          <button type="button" class="btn icon" onClick=${() => move(1)} disabled=${index === count - 1} aria-label=${`Move ${f.name || 'field'} down`} title="Move down">↓</button>
          <button type="button" class="btn" aria-expanded=${open ? 'true' : 'false'} aria-controls=${optsId} onClick=${() => setOpen(!open)}>
            Options<span class="sr-only"> of ${f.name || 'the new field'}</span>
          </button>
          ${!f.system && html`<button type="button" class="btn danger-text" onClick=${remove} aria-label=${`Remove field ${f.name || index + 1}`}>Remove</button>`}
        </div>
      </div>
      <div id=${optsId} class="field-options" hidden=${!open}>
        <div class="grid">
          <${Check} label="Hidden" checked=${f.hidden} onChange=${(v) => set({ hidden: v })} hint="Only superusers see it in API answers." />
          <${Check} label="Presentable" checked=${f.presentable} onChange=${(v) => set({ presentable: v })} hint="Shown for this record in relation pickers." />
        </div>
        <${FieldOptions} f=${f} set=${set} err=${e} all=${all} selfId=${selfId} />
      </div>
    </fieldset>
  `;
}

/**
 * FieldsEditor edits draft.fields. orig is the saved collection (to tell
 * new fields and restore removed ones); errors are the save errors.
 */
export function FieldsEditor({ draft, update, orig, errors, all }) {
  const [type, setType] = useState('text');
  const focusKey = useRef(null);
  const focusRef = useRef(null);
  const fields = draft.fields;
  useEffect(() => {
    if (focusKey.current && focusRef.current) {
      focusRef.current.focus();
      focusKey.current = null;
    }
  });
  const setField = (i, patch) => update((d) => ({ ...d, fields: d.fields.map((f, j) => (j === i ? { ...f, ...patch } : f)) }));
  const remove = (i) => update((d) => ({ ...d, fields: d.fields.filter((_, j) => j !== i) }));
  const move = (i, by) =>
    update((d) => {
      const next = [...d.fields];
      const j = i + by;
      if (j < 0 || j >= next.length) return d;
      [next[i], next[j]] = [next[j], next[i]];
      return { ...d, fields: next };
    });
  const add = () => {
    const f = newField(type);
    focusKey.current = f._key;
    update((d) => {
      // keep created/updated last, as PocketBase lists them
      const list = [...d.fields];
      let at = list.length;
      while (at > 0 && list[at - 1].type === 'autodate' && ['created', 'updated'].includes(list[at - 1].name)) at--;
      list.splice(at, 0, f);
      return { ...d, fields: list };
    });
  };
  const present = new Set(fields.map((f) => f.id).filter(Boolean));
  const removed = (orig?.fields || []).filter((f) => !present.has(f.id));
  const origIds = new Set((orig?.fields || []).map((f) => f.id));
  const restore = (f) => update((d) => ({ ...d, fields: [...d.fields, { ...f, _key: f.id }] }));
  return html`
    <div class="fields">
      ${fields.map(
        (f, i) => html`<${FieldCard}
          key=${f._key}
          f=${f}
          index=${i}
          count=${fields.length}
          set=${(p) => setField(i, p)}
          remove=${() => remove(i)}
          move=${(by) => move(i, by)}
          err=${under(errors, `fields.${i}`)}
          all=${all}
          selfId=${draft.id}
          isNew=${!f.id || (orig && !origIds.has(f.id))}
          focusRef=${focusKey.current === f._key ? focusRef : undefined}
        />`,
      )}
      ${removed.length > 0 &&
      html`<div class="removed" role="region" aria-label="Removed fields">
        <p><strong>Removed, deleted with their data when you save:</strong></p>
        <ul>
          ${removed.map((f) => html`<li key=${f.id}><s>${f.name}</s> (${f.type}) <button type="button" class="btn small" onClick=${() => restore(f)}>Restore ${f.name}</button></li>`)}
        </ul>
      </div>`}
      <div class="add-field">
        <${SelectField} label="New field type" value=${type} onChange=${setType} options=${FIELD_TYPES.map(([v, l]) => ({ value: v, label: l }))} />
        <button type="button" class="btn" onClick=${add}>Add field</button>
      </div>
    </div>
  `;
}
