// One input per field type, for the record panel. Each input takes
// {field, value, onChange, error} and is labelled by the field's name.
import { useEffect, useId, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { pb } from '../../lib/pb.js';
import { Help, TextField, NumberField, Check } from '../../components/forms.js';
import { RichText } from '../../components/rich-text.js';

/** toLocalInput turns "2024-05-01 10:00:00.000Z" into a datetime-local value (UTC shown as is). */
export function toLocalInput(v) {
  if (!v) return '';
  return String(v).replace(' ', 'T').slice(0, 16);
}
/** fromLocalInput turns a datetime-local value back into the API's UTC date. */
export function fromLocalInput(v) {
  return v ? `${v.replace('T', ' ')}:00.000Z` : '';
}

function DateInput({ field, value, onChange, error }) {
  const id = useId();
  return html`<div class="field">
    <label for=${id}>${field.name} <span class="muted small">(date, UTC)</span></label>
    <input id=${id} type="datetime-local" value=${toLocalInput(value)} onInput=${(e) => onChange(fromLocalInput(e.currentTarget.value))}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `${id}-err` : undefined} />
    <${Help} id=${id} error=${error} />
  </div>`;
}

function SelectInput({ field, value, onChange, error }) {
  const id = useId();
  const multi = (field.maxSelect || 1) > 1;
  const opts = field.values || [];
  if (multi) {
    const list = Array.isArray(value) ? value : [];
    return html`<fieldset class="field choice">
      <legend>${field.name} <span class="muted small">(choose up to ${field.maxSelect})</span></legend>
      ${opts.map((o) => html`<${Check} key=${o} label=${o} checked=${list.includes(o)}
        onChange=${(on) => onChange(on ? [...list, o] : list.filter((x) => x !== o))} />`)}
      ${error && html`<p class="field-error" role="alert">${error}</p>`}
    </fieldset>`;
  }
  return html`<div class="field">
    <label for=${id}>${field.name}</label>
    <select id=${id} value=${value || ''} onChange=${(e) => onChange(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `${id}-err` : undefined}>
      <option value="">— none —</option>
      ${opts.map((o) => html`<option value=${o}>${o}</option>`)}
    </select>
    <${Help} id=${id} error=${error} />
  </div>`;
}

function JsonInput({ field, value, onChange, error, onValidity }) {
  const [text, setText] = useState(() => (value === undefined || value === null || value === '' ? '' : JSON.stringify(value, null, 2)));
  const [bad, setBad] = useState('');
  return html`<${TextField} label=${`${field.name} (JSON)`} rows=${4} mono value=${text} error=${bad || error}
    hint=${bad ? '' : 'Any JSON value: an object, a list, a string in quotes, a number, true, false or null.'}
    onInput=${(t) => {
      setText(t);
      if (t.trim() === '') {
        setBad('');
        onValidity?.(field.name, true);
        onChange(null);
        return;
      }
      try {
        const v = JSON.parse(t);
        setBad('');
        onValidity?.(field.name, true);
        onChange(v);
      } catch (e) {
        setBad(`Not valid JSON: ${e.message}`);
        onValidity?.(field.name, false);
      }
    }} />`;
}

/** RelationInput: the chosen records as removable chips, and a search over the target collection. */
function RelationInput({ field, value, onChange, error, all }) {
  const id = useId();
  const target = all.find((c) => c.id === field.collectionId);
  const multi = (field.maxSelect || 1) > 1;
  const ids = (Array.isArray(value) ? value : value ? [value] : []).filter(Boolean);
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [labels, setLabels] = useState({});
  const textField = target?.fields?.find((f) => ['text', 'email'].includes(f.type) && f.name !== 'id' && !f.hidden)?.name;
  const labelOf = (r) => (textField && r[textField] ? `${r[textField]} (${r.id})` : r.id);
  useEffect(() => {
    if (!target) return;
    const t = setTimeout(async () => {
      const parts = ['id'];
      if (textField) parts.push(textField);
      const filter = q ? parts.map((p) => pb.filter(`${p} ~ {:q}`, { q })).join(' || ') : '';
      try {
        const res = await pb.collection(target.id).getList(1, 8, { filter, skipTotal: true });
        setFound(res.items);
        setLabels((l) => ({ ...l, ...Object.fromEntries(res.items.map((r) => [r.id, labelOf(r)])) }));
      } catch {
        setFound([]);
      }
    }, 200);
    return () => clearTimeout(t);
  }, [q, target?.id]);
  const set = (next) => onChange(multi ? next : next[next.length - 1] || '');
  return html`<fieldset class="field relation">
    <legend>${field.name} <span class="muted small">(relation to ${target?.name || '?'}${multi ? `, up to ${field.maxSelect}` : ''})</span></legend>
    <ul class="chips" aria-label=${`Chosen for ${field.name}`}>
      ${ids.length === 0 && html`<li class="muted small">Nothing chosen.</li>`}
      ${ids.map((r) => html`<li key=${r}><span class="mono">${labels[r] || r}</span>
        <button type="button" class="btn small" onClick=${() => set(ids.filter((x) => x !== r))}>Remove<span class="sr-only"> ${labels[r] || r} from ${field.name}</span></button></li>`)}
    </ul>
    <label for=${id}>Search ${target?.name || 'records'}</label>
    <input id=${id} type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} placeholder=${textField ? `id or ${textField}` : 'id'}
      aria-describedby=${error ? `${id}-err` : undefined} aria-invalid=${error ? 'true' : undefined} />
    <ul class="picks">
      ${found.filter((r) => !ids.includes(r.id)).map((r) => html`<li key=${r.id}>
        <button type="button" class="btn small link" onClick=${() => set([...ids, r.id])}>Choose ${labelOf(r)}</button></li>`)}
    </ul>
    <${Help} id=${id} error=${error} />
  </fieldset>`;
}

const isImage = (name) => /\.(png|jpe?g|gif|webp|svg)$/i.test(name);

/** FileInput: the stored files (thumbs for images) with remove, and new files to upload. */
function FileInput({ field, record, files, onFiles, removed, onRemoved, error }) {
  const id = useId();
  const multi = (field.maxSelect || 1) > 1;
  const stored = record ? (Array.isArray(record[field.name]) ? record[field.name] : record[field.name] ? [record[field.name]] : []) : [];
  return html`<fieldset class="field files">
    <legend>${field.name} <span class="muted small">(file${multi ? `s, up to ${field.maxSelect}` : ''})</span></legend>
    ${stored.length > 0 && html`<ul class="file-list" aria-label=${`Stored files of ${field.name}`}>
      ${stored.map((name) => {
        const gone = removed.includes(name);
        return html`<li key=${name} class=${gone ? 'gone' : ''}>
          ${isImage(name)
            ? html`<img src=${pb.files.getURL(record, name, { thumb: '100x100' })} alt=${`Thumbnail of ${name}`} width="50" height="50" />`
            : html`<span class="file-icon" aria-hidden="true">📄</span>`}
          <a href=${pb.files.getURL(record, name)} target="_blank" rel="noopener" class="mono small">${name}</a>
          <button type="button" class="btn small" onClick=${() => onRemoved(gone ? removed.filter((x) => x !== name) : [...removed, name])}>
            ${gone ? 'Keep' : 'Remove'}<span class="sr-only"> ${name}</span></button>
          ${gone && html`<span class="small warn-note">removed on save</span>`}
        </li>`;
      })}
    </ul>`}
    <label for=${id}>${multi || !stored.length ? 'Upload' : 'Replace with'} <span class="sr-only">${field.name}</span></label>
    <input id=${id} type="file" multiple=${multi} accept=${(field.mimeTypes || []).join(',') || undefined}
      onChange=${(e) => onFiles([...e.currentTarget.files])} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${error ? `${id}-err` : undefined} />
    ${files.length > 0 && html`<ul class="file-list new" aria-label=${`New files of ${field.name}`}>${files.map((f) => html`<li key=${f.name}>
      ${f.type.startsWith('image/') && html`<${Preview} file=${f} />`}<span class="mono small">${f.name}</span> <span class="muted small">${Math.ceil(f.size / 1024)} KB, uploaded on save</span></li>`)}</ul>`}
    <${Help} id=${id} error=${error} />
  </fieldset>`;
}

function Preview({ file }) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url ? html`<img src=${url} alt=${`Preview of ${file.name}`} width="50" height="50" />` : null;
}

/** FieldInput picks the input of field.type. */
export function FieldInput(props) {
  const { field, value, onChange, error } = props;
  const label = field.name;
  switch (field.type) {
    case 'number':
      return html`<${NumberField} label=${label} value=${value} onChange=${onChange} error=${error} step="any" />`;
    case 'bool':
      return html`<${Check} label=${label} checked=${value} onChange=${onChange} error=${error} />`;
    case 'email':
      return html`<${TextField} label=${label} type="email" value=${value} onInput=${onChange} error=${error} />`;
    case 'url':
      return html`<${TextField} label=${label} type="url" value=${value} onInput=${onChange} error=${error} placeholder="https://" />`;
    case 'editor':
      return html`<${RichText} label=${label} value=${value} onChange=${onChange} error=${error} />`;
    case 'date':
      return html`<${DateInput} ...${props} />`;
    case 'select':
      return html`<${SelectInput} ...${props} />`;
    case 'json':
    case 'geoPoint':
      return html`<${JsonInput} ...${props} />`;
    case 'relation':
      return html`<${RelationInput} ...${props} />`;
    case 'file':
      return html`<${FileInput} ...${props} />`;
    default:
      return html`<${TextField} label=${label} value=${value} onInput=${onChange} error=${error}
        rows=${field.max > 255 || field.type === 'text' && field.max === 0 ? undefined : undefined} />`;
  }
}
