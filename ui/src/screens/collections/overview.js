// The collections overview: every collection (system ones marked), with
// links to create, import and export.
import { useEffect } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { useStore } from '../../lib/store.js';
import { collections, loadCollections, isSystem } from '../../lib/collections.js';

const ruleSummary = (c) => {
  const keys = c.type === 'view' ? ['listRule', 'viewRule'] : ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'];
  const open = keys.filter((k) => c[k] === '').length;
  const locked = keys.filter((k) => c[k] === null || c[k] === undefined).length;
  const ruled = keys.length - open - locked;
  return [open && `${open} public`, ruled && `${ruled} by rule`, locked && `${locked} superusers only`].filter(Boolean).join(', ');
};

export function CollectionsOverview() {
  const { items, loaded, error } = useStore(collections);
  useEffect(() => {
    loadCollections();
  }, []);
  const mine = items.filter((c) => !isSystem(c));
  const system = items.filter(isSystem);
  const row = (c) => html`<tr key=${c.id}>
    <th scope="row"><a href=${`#/collections/${c.id}/edit`}>${c.name}</a>${isSystem(c) && html` <span class="badge">system</span>`}</th>
    <td><span class=${`badge t-${c.type}`}>${c.type}</span></td>
    <td>${c.type === 'view' ? 'from query' : (c.fields || []).length}</td>
    <td class="muted">${ruleSummary(c)}</td>
  </tr>`;
  return html`
    <div class="page">
      <div class="page-head">
        <h1 tabindex="-1">Collections</h1>
        <div class="actions">
          <a class="btn" href="#/collections/import">Import</a>
          <a class="btn" href="#/collections/export">Export</a>
          <a class="btn primary" href="#/collections/new">New collection</a>
        </div>
      </div>
      ${error && html`<p class="field-error" role="alert">Could not load the collections. <button class="btn link" onClick=${loadCollections}>Retry</button></p>`}
      ${loaded && mine.length === 0 &&
      html`<div class="empty">
        <h2>No collections yet</h2>
        <p>A collection is a table with an API: records, fields and rules. Start with an auth collection for your users, or a base collection for your data.</p>
        <p>
          <a class="btn primary" href="#/collections/new?type=auth">New auth collection</a>
          <a class="btn" href="#/collections/new?type=base">New base collection</a>
        </p>
      </div>`}
      ${!loaded && !error && html`<p role="status">Loading…</p>`}
      ${loaded &&
      html`<div class="table-wrap">
        <table class="list">
          <caption class="sr-only">All collections</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Fields</th><th scope="col">API access</th></tr></thead>
          <tbody>${mine.map(row)}${system.map(row)}</tbody>
        </table>
      </div>`}
    </div>
  `;
}
