// Import and export of collection definitions as JSON (what GET
// /api/collections lists; imported with PUT /api/collections/import).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { pb } from '../../lib/pb.js';
import { errorsOf } from '../../lib/errors.js';
import { useStore } from '../../lib/store.js';
import { collections, loadCollections, isSystem } from '../../lib/collections.js';
import { navigate } from '../../lib/router.js';
import { TextField, Check, FormError } from '../../components/forms.js';
import { Confirm } from '../../components/dialog.js';
import { toast } from '../../components/toast.js';

export function ExportScreen() {
  const [json, setJson] = useState('');
  const [err, setErr] = useState('');
  const [withSystem, setWithSystem] = useState(false);
  useEffect(() => {
    pb.send('/api/collections', { query: { perPage: 500 } })
      .then((res) => setJson(JSON.stringify(res.items.filter((c) => withSystem || !isSystem(c)), null, 2)))
      .catch((e) => setErr(errorsOf(e).message));
  }, [withSystem]);
  const download = () => {
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'galley_collections.json';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(json);
      toast('Copied to the clipboard.');
    } catch {
      toast('The browser refused the clipboard: select the text and copy it.', 'error');
    }
  };
  return html`
    <div class="page">
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Export collections</h1>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick=${copy} disabled=${!json}>Copy</button>
          <button type="button" class="btn primary" onClick=${download} disabled=${!json}>Download JSON</button>
        </div>
      </div>
      <p class="muted">The definitions of your collections (fields, indexes, rules, options; no records, no secrets). Import them into another Galley or PocketBase.</p>
      <${Check} label="Include system collections" checked=${withSystem} onChange=${setWithSystem} />
      <${FormError} message=${err} />
      <${TextField} label="Collections JSON" rows="20" mono value=${json} readonly />
    </div>
  `;
}

export function ImportScreen() {
  const { items } = useStore(collections);
  const [text, setText] = useState('');
  const [deleteMissing, setDeleteMissing] = useState(false);
  const [errs, setErrs] = useState({ message: '', fields: {} });
  const [parseErr, setParseErr] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);

  let parsed = null;
  let perr = '';
  if (text.trim()) {
    try {
      const v = JSON.parse(text);
      parsed = Array.isArray(v) ? v : Array.isArray(v?.collections) ? v.collections : Array.isArray(v?.items) ? v.items : null;
      if (!parsed) perr = 'Expected a JSON array of collections.';
    } catch (e) {
      perr = `Not valid JSON: ${e.message}`;
    }
  }
  const names = new Set((parsed || []).map((c) => c?.name));
  const ids = new Set((parsed || []).map((c) => c?.id).filter(Boolean));
  const exists = (c) => items.some((x) => (c.id && x.id === c.id) || x.name === c.name);
  const added = (parsed || []).filter((c) => !exists(c));
  const changed = (parsed || []).filter(exists);
  const deleted = deleteMissing ? items.filter((c) => !isSystem(c) && !names.has(c.name) && !ids.has(c.id)) : [];

  const readFile = async (e) => {
    const f = e.currentTarget.files?.[0];
    if (f) setText(await f.text());
  };
  const run = async () => {
    setConfirm(false);
    setBusy(true);
    try {
      await pb.collections.import(parsed, deleteMissing);
      await loadCollections();
      toast(`Imported ${parsed.length} collection${parsed.length === 1 ? '' : 's'}.`);
      navigate('#/collections');
    } catch (e) {
      setErrs(errorsOf(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e) => {
    e.preventDefault();
    setParseErr(perr);
    if (perr || !parsed) {
      if (!parsed && !perr) setParseErr('Paste or choose the JSON to import.');
      return;
    }
    setConfirm(true);
  };
  const errList = Object.entries(errs.fields);
  return html`
    <form class="page" onSubmit=${submit} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">Import collections</h1>
        </div>
      </div>
      <p class="muted">Paste exported collections (a JSON array), or choose a file. Collections are matched by id, then by name: matches are updated, the others created.</p>
      <div class="field">
        <label for="import-file">JSON file</label>
        <input id="import-file" type="file" accept="application/json,.json" onChange=${readFile} />
      </div>
      <${TextField} label="Collections JSON" rows="14" mono value=${text} onInput=${(v) => { setText(v); setParseErr(''); }} error=${parseErr || errs.fields.collections} />
      <${Check} label="Delete collections that are not in the import" checked=${deleteMissing} onChange=${setDeleteMissing}
        hint="Their records are deleted with them. System collections are never deleted." />
      ${parsed &&
      html`<div class="summary" role="status">
        <p>${added.length} to create${added.length ? ': ' + added.map((c) => c.name).join(', ') : ''}.</p>
        <p>${changed.length} to update${changed.length ? ': ' + changed.map((c) => c.name).join(', ') : ''}.</p>
        ${deleted.length > 0 && html`<p class="warn-note">${deleted.length} to delete with their records: ${deleted.map((c) => c.name).join(', ')}.</p>`}
      </div>`}
      <${FormError} message=${errs.message} />
      ${errList.length > 0 && html`<ul class="field-error">${errList.map(([k, m]) => html`<li><code>${k}</code>: ${m}</li>`)}</ul>`}
      <div class="actions">
        <button type="submit" class="btn primary" disabled=${busy}>${busy ? 'Importing…' : 'Review and import'}</button>
      </div>
      <${Confirm} open=${confirm} title="Import collections?" confirmLabel="Import" danger=${deleted.length > 0} busy=${busy} onConfirm=${run} onCancel=${() => setConfirm(false)}>
        <p>${added.length} created, ${changed.length} updated${deleted.length ? html`, <strong>${deleted.length} deleted with all their records</strong>` : ''}.</p>
        ${changed.length > 0 && html`<p>Fields of updated collections that the import does not list are deleted with their data.</p>`}
      <//>
    </form>
  `;
}
