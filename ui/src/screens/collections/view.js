// A view collection's query and a preview of what the saved view lists.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { pb } from '../../lib/pb.js';
import { errorsOf } from '../../lib/errors.js';
import { TextField } from '../../components/forms.js';

export function ViewQueryEditor({ draft, update, errors, saved }) {
  return html`
    <div class="view-query">
      <${TextField}
        label="View query"
        rows="8"
        mono
        value=${draft.viewQuery}
        onInput=${(v) => update((d) => ({ ...d, viewQuery: v }))}
        error=${errors.viewQuery}
        hint="One SELECT over your collections; it needs an id column. Its columns become the view's fields. Saving checks it."
        placeholder="SELECT id, title, created FROM posts WHERE published = true"
      />
      ${saved?.id
        ? html`<${ViewPreview} collection=${saved} stale=${saved.viewQuery !== draft.viewQuery} />`
        : html`<p class="muted">Save the view to see a preview of its records.</p>`}
    </div>
  `;
}

/** ViewPreview lists the first records of the saved view. */
export function ViewPreview({ collection, stale }) {
  const [state, setState] = useState({ loading: true, items: [], total: 0, error: '' });
  const load = async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const res = await pb.collection(collection.id).getList(1, 10);
      setState({ loading: false, items: res.items, total: res.totalItems, error: '' });
    } catch (e) {
      setState({ loading: false, items: [], total: 0, error: errorsOf(e).message });
    }
  };
  useEffect(() => {
    load();
  }, [collection.id, collection.updated]);
  const cols = (collection.fields || []).map((f) => f.name).filter((n) => !['collectionId', 'collectionName'].includes(n)).slice(0, 8);
  return html`
    <section class="preview" aria-labelledby="preview-h">
      <div class="section-head">
        <h2 id="preview-h" class="sub">Preview of the saved view</h2>
        <button type="button" class="btn small" onClick=${load}>Refresh preview</button>
      </div>
      ${stale && html`<p class="warn-note">The query has unsaved changes: save to preview them.</p>`}
      ${state.loading && html`<p role="status">Loading…</p>`}
      ${state.error && html`<p class="field-error" role="alert">${state.error}</p>`}
      ${!state.loading && !state.error &&
      html`<p class="muted small">${state.total} record${state.total === 1 ? '' : 's'}${state.total > 10 ? ', the first 10 shown' : ''}.</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Preview records">
          <table>
            <thead><tr>${cols.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
            <tbody>
              ${state.items.map((r) => html`<tr>${cols.map((c) => html`<td>${cell(r[c])}</td>`)}</tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>
  `;
}

function cell(v) {
  if (v === null || v === undefined || v === '') return html`<span class="muted">—</span>`;
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 80 ? s.slice(0, 80) + '…' : s;
}
