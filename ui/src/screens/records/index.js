// The records of a collection (the collection's home, /collections/:id):
// a table with a filter checked as it is typed, sort by column, paging,
// a choice of columns, bulk delete, and the record panel. The rule tester
// lives at /collections/:id/rules-test.
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { pb } from '../../lib/pb.js';
import { route } from '../../lib/router.js';
import { useStore } from '../../lib/store.js';
import { collections, loadCollections } from '../../lib/collections.js';
import { errorsOf } from '../../lib/errors.js';
import { RuleInput, useRuleCheck } from '../../components/rule-editor.js';
import { Confirm } from '../../components/dialog.js';
import { toast } from '../../components/toast.js';
import { RecordPanel } from './panel.js';
import { textOf } from '../../lib/sanitize.js';
import { RuleTester } from './rule-tester.js';
import './records.css';

const PER_PAGE = [20, 50, 100];

/** cell renders a value short enough for a table cell. */
export function cell(f, v, record) {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return html`<span class="muted">—</span>`;
  if (f?.type === 'bool') return v ? 'yes' : 'no';
  if (f?.type === 'file') {
    const list = Array.isArray(v) ? v : [v];
    return html`<span class="thumbs">${list.slice(0, 3).map((n) => (/\.(png|jpe?g|gif|webp)$/i.test(n)
      ? html`<img src=${pb.files.getURL(record, n, { thumb: '100x100' })} alt=${n} width="28" height="28" />`
      : html`<span class="mono small">${n}</span>`))}${list.length > 3 ? ` +${list.length - 3}` : ''}</span>`;
  }
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // An editor field's HTML is shown as its text only (parsed inertly, never inserted).
  if (f?.type === 'editor') s = textOf(s);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** columnsOf lists the columns a table may show: id and the collection's fields. */
export const columnsOf = (c) => (c.fields || []).filter((f) => f.type !== 'password' && f.name !== 'tokenKey' && !f.hidden || f.name === 'id');

function defaultColumns(c) {
  const cols = columnsOf(c).map((f) => f.name);
  const main = cols.filter((n) => n !== 'created' && n !== 'updated').slice(0, 5);
  return cols.includes('updated') ? [...main, 'updated'] : main;
}

function RecordsScreen({ params, query }) {
  const { items: all, loaded } = useStore(collections);
  const coll = all.find((c) => c.id === params.id || c.name === params.id);
  const [filter, setFilter] = useState(query.filter || '');
  const [applied, setApplied] = useState(query.filter || '');
  const [sortState, setSort] = useState(null);
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [res, setRes] = useState(null);
  const [loadErr, setLoadErr] = useState('');
  const [chosen, setChosen] = useState(null); // column names
  const [selected, setSelected] = useState([]);
  const [panel, setPanel] = useState(null); // {record} | {new: true}
  const [confirmBulk, setConfirmBulk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const sort = sortState ?? (coll?.fields?.some((f) => f.name === 'created') ? '-created' : '');
  const check = useRuleCheck(filter, coll, 'filter');
  const filterId = useId();

  useEffect(() => {
    loadCollections();
  }, []);
  useEffect(() => {
    if (coll) setChosen(JSON.parse(localStorage.getItem(`galley_cols_${coll.id}`) || 'null') || defaultColumns(coll));
  }, [coll?.id]);
  useEffect(() => {
    if (!coll) return;
    let stale = false;
    pb.collection(coll.id)
      .getList(page, perPage, { filter: applied, sort })
      .then((r) => !stale && (setRes(r), setLoadErr('')))
      .catch((e) => !stale && setLoadErr(errorsOf(e).fields.filter || errorsOf(e).message));
    return () => {
      stale = true;
    };
  }, [coll?.id, applied, sort, page, perPage, tick]);

  if (!coll) return html`<div class="page"><h1 tabindex="-1">Records</h1><p role="status">${loaded ? 'There is no such collection.' : 'Loading…'}</p></div>`;
  const cols = columnsOf(coll).filter((f) => (chosen || []).includes(f.name));
  const rows = res?.items || [];
  const allChecked = rows.length > 0 && rows.every((r) => selected.includes(r.id));
  const pickCols = (name, on) => {
    const next = on ? [...(chosen || []), name] : (chosen || []).filter((n) => n !== name);
    setChosen(next);
    localStorage.setItem(`galley_cols_${coll.id}`, JSON.stringify(next));
  };
  const sortBy = (name) => {
    setSort(sort === name ? `-${name}` : name);
    setPage(1);
  };
  const bulkDelete = async () => {
    setBusy(true);
    let failed = 0;
    for (const id of selected) await pb.collection(coll.id).delete(id).catch(() => failed++);
    setBusy(false);
    setConfirmBulk(false);
    toast(failed ? `${selected.length - failed} deleted, ${failed} could not be deleted` : `${selected.length} records deleted`, failed ? 'error' : 'ok');
    setSelected([]);
    setTick((t) => t + 1);
  };
  const view = coll.type === 'view';
  const filterErr = (check.state === 'error' && check.message) || (filter === applied && loadErr) || '';
  return html`<div class="page records">
    <div class="page-head">
      <div>
        <p class="crumbs"><a href="#/collections">Collections</a> / ${coll.type} collection</p>
        <h1 tabindex="-1">${coll.name}</h1>
      </div>
      <div class="actions">
        <a class="btn" href=${`#/collections/${coll.id}/rule-test`}>Rule tester</a>
        <a class="btn" href=${`#/collections/${coll.id}/edit`}>Edit collection</a>
        ${!view && html`<button type="button" class="btn primary" onClick=${() => setPanel({ new: true })}>New record</button>`}
      </div>
    </div>
    <form class="filter-bar" role="search" onSubmit=${(e) => { e.preventDefault(); setApplied(filter); setPage(1); }}>
      <div class="grow">
        <label for=${filterId}>Filter</label>
        <${RuleInput} id=${filterId} value=${filter} onChange=${setFilter} collection=${coll} all=${all} rows=${1}
          placeholder='Example: title ~ "hello"' invalid=${!!filterErr}
          describedBy=${`${filterId}-hint${filterErr ? ` ${filterId}-err` : ''}`} />
        <p class="hint" id=${`${filterId}-hint`}>The filter language of the API: press Enter to apply, Ctrl+Space for suggestions.${check.state === 'ok' ? html` <span class="ok-note">Valid filter.</span>` : ''}</p>
        <div aria-live="polite">${filterErr && html`<p class="field-error" id=${`${filterId}-err`}>${filterErr}</p>`}</div>
      </div>
      <div class="filter-buttons">
        <button type="submit" class="btn">Apply filter</button>
        ${applied && html`<button type="button" class="btn" onClick=${() => { setFilter(''); setApplied(''); setPage(1); }}>Clear</button>`}
      </div>
    </form>
    <div class="table-tools">
      <details class="columns">
        <summary>Columns (${cols.length})</summary>
        <fieldset><legend class="sr-only">Columns shown</legend>
          ${columnsOf(coll).map((f) => html`<span class="check inline" key=${f.name}>
            <input type="checkbox" id=${`col-${f.name}`} checked=${(chosen || []).includes(f.name)} onChange=${(e) => pickCols(f.name, e.currentTarget.checked)} />
            <label for=${`col-${f.name}`}>Show ${f.name}</label></span>`)}
        </fieldset>
      </details>
      ${selected.length > 0 && !view && html`<button type="button" class="btn danger" onClick=${() => setConfirmBulk(true)}>Delete selected (${selected.length})</button>`}
      <span class="muted small" role="status">${res ? `${res.totalItems} record${res.totalItems === 1 ? '' : 's'}${applied ? ' match the filter' : ''}` : 'Loading…'}</span>
    </div>
    ${res && res.totalItems === 0 && !applied && html`<div class="empty"><h2>No records yet</h2>
      <p>${view ? 'This view shows the rows of its query; there are none now.' : html`Records are the rows of ${coll.name}. Add the first with “New record”, or through the API: <code>POST /api/collections/${coll.name}/records</code>.`}</p></div>`}
    ${res && (res.totalItems > 0 || applied) && html`<div class="table-wrap">
      <table class="list records-table">
        <caption class="sr-only">Records of ${coll.name}, ${sort ? `sorted by ${sort.replace(/^-/, '')} ${sort.startsWith('-') ? 'descending' : 'ascending'}` : ''}</caption>
        <thead><tr>
          ${!view && html`<th scope="col" class="pick"><input type="checkbox" aria-label="Select all records on this page" checked=${allChecked}
            onChange=${(e) => setSelected(e.currentTarget.checked ? [...new Set([...selected, ...rows.map((r) => r.id)])] : selected.filter((id) => !rows.some((r) => r.id === id)))} /></th>`}
          ${cols.map((f) => {
            const dir = sort === f.name ? 'ascending' : sort === `-${f.name}` ? 'descending' : undefined;
            return html`<th scope="col" aria-sort=${dir}><button type="button" class="sort" onClick=${() => sortBy(f.name)}>
              ${f.name}<span aria-hidden="true">${dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</span><span class="sr-only">, sort</span></button></th>`;
          })}
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr></thead>
        <tbody>
          ${rows.length === 0 && html`<tr><td colspan=${cols.length + 2} class="muted">No record matches the filter.</td></tr>`}
          ${rows.map((r) => html`<tr key=${r.id}>
            ${!view && html`<td class="pick"><input type="checkbox" aria-label=${`Select record ${r.id}`} checked=${selected.includes(r.id)}
              onChange=${(e) => setSelected(e.currentTarget.checked ? [...selected, r.id] : selected.filter((x) => x !== r.id))} /></td>`}
            ${cols.map((f) => html`<td class=${f.name === 'id' ? 'mono small' : ''}>${cell(f, r[f.name], r)}</td>`)}
            <td><button type="button" class="btn small" onClick=${() => setPanel({ record: r })}>${view ? 'View' : 'Edit'}<span class="sr-only"> record ${r.id}</span></button></td>
          </tr>`)}
        </tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Pages">
      <button type="button" class="btn small" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page</button>
      <span class="small">Page ${res.page} of ${Math.max(1, res.totalPages)}</span>
      <button type="button" class="btn small" disabled=${page >= res.totalPages} onClick=${() => setPage(page + 1)}>Next page</button>
      <label class="small" for="per-page">Per page</label>
      <select id="per-page" value=${perPage} onChange=${(e) => { setPerPage(Number(e.currentTarget.value)); setPage(1); }}>
        ${PER_PAGE.map((n) => html`<option value=${n}>${n}</option>`)}
      </select>
    </nav>`}
    ${panel && html`<${RecordPanel} key=${panel.record?.id || 'new'} collection=${coll} record=${panel.record} all=${all}
      onClose=${() => setPanel(null)} onSaved=${() => { setPanel(null); setTick((t) => t + 1); }} />`}
    <${Confirm} open=${confirmBulk} title=${`Delete ${selected.length} records?`} confirmLabel="Delete them" danger busy=${busy}
      onConfirm=${bulkDelete} onCancel=${() => setConfirmBulk(false)}>
      <p>The ${selected.length} selected records of ${coll.name} are deleted for good.</p>
    <//>
  </div>`;
}

export function register() {
  // Below the literal paths (/collections/new, import, export), above the editor's placeholder (-1).
  route('/collections/:id', RecordsScreen, { title: 'Records', priority: -0.5 });
  route('/collections/:id/rule-test', RuleTester, { title: 'Rule tester' });
}
