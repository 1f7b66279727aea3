// Request logs: a filter, a requests-over-time chart (plain SVG, no
// library; attributes only, as the CSP allows no inline styles), the list
// with paging, and a log's details in a side panel.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { pb } from '../lib/pb.js';
import { route, navItem } from '../lib/router.js';
import { errorsOf } from '../lib/errors.js';
import './records/records.css';

const LEVELS = { '-4': 'debug', 0: 'info', 4: 'warning', 8: 'error' };
const levelName = (n) => `${LEVELS[n] || 'level'} (${n})`;
const W = 800;
const H = 160;
const PAD = 28;

/** Chart draws [{date, total}] as bars, with the busiest hour and the first and last dates on the axes. */
export function Chart({ stats }) {
  if (!stats.length) return html`<p class="muted">No requests in this period.</p>`;
  const max = Math.max(...stats.map((s) => s.total), 1);
  const bw = Math.min((W - PAD * 2) / stats.length, 48);
  const sum = stats.reduce((n, s) => n + s.total, 0);
  const label = `Requests over time: ${sum} requests from ${stats[0].date} to ${stats[stats.length - 1].date}, at most ${max} in an hour.`;
  return html`<svg class="chart" viewBox=${`0 0 ${W} ${H + 24}`} role="img" aria-label=${label}>
    <line class="gridline" x1=${PAD} x2=${W - PAD} y1=${H} y2=${H} />
    <line class="gridline" x1=${PAD} x2=${W - PAD} y1=${8} y2=${8} />
    <text class="axis" x="2" y="14">${max}</text>
    <text class="axis" x="2" y=${H}>0</text>
    ${stats.map((s, i) => {
      const h = Math.max(1, ((H - 8) * s.total) / max);
      return html`<rect class="bar" x=${PAD + i * bw + 1} y=${H - h} width=${Math.max(1, bw - 2)} height=${h}><title>${s.date}: ${s.total}</title></rect>`;
    })}
    <text class="axis" x=${PAD} y=${H + 18}>${String(stats[0].date).slice(0, 16)}</text>
    <text class="axis" x=${W - PAD} y=${H + 18} text-anchor="end">${String(stats[stats.length - 1].date).slice(0, 16)}</text>
  </svg>`;
}

function Detail({ id, onClose }) {
  const ref = useRef(null);
  const [log, setLog] = useState(null);
  const [err, setErr] = useState('');
  useEffect(() => {
    ref.current?.showModal();
    pb.logs.getOne(id).then(setLog).catch((e) => setErr(errorsOf(e).message));
  }, [id]);
  const data = log?.data || {};
  return html`<dialog ref=${ref} class="side-panel" aria-labelledby="log-h" onCancel=${(e) => { e.preventDefault(); onClose(); }}>
    <div class="panel-head"><h2 id="log-h">Log ${id}</h2><button type="button" class="btn small" onClick=${onClose}>Close</button></div>
    <div class="panel-body log-detail">
      ${err && html`<p class="field-error" role="alert">${err}</p>`}
      ${!log && !err && html`<p role="status">Loading…</p>`}
      ${log && html`<dl>
        <dt>When</dt><dd>${log.created}</dd>
        <dt>Level</dt><dd>${levelName(log.level)}</dd>
        <dt>Message</dt><dd>${log.message}</dd>
        ${Object.entries(data).map(([k, v]) => html`<dt>${k}</dt><dd class="mono small">${typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>`)}
      </dl>
      <h3>Raw</h3><pre class="mono small">${JSON.stringify(log, null, 2)}</pre>`}
    </div>
  </dialog>`;
}

function LogsScreen() {
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [page, setPage] = useState(1);
  const [res, setRes] = useState(null);
  const [stats, setStats] = useState(null);
  const [err, setErr] = useState('');
  const [open, setOpen] = useState(null);
  const [tick, setTick] = useState(0);
  const fid = useId();
  useEffect(() => {
    let stale = false;
    Promise.all([pb.logs.getList(page, 30, { filter: applied, sort: '-created' }), pb.logs.getStats({ filter: applied })])
      .then(([l, s]) => {
        if (stale) return;
        setRes(l);
        setStats(s);
        setErr('');
      })
      .catch((e) => !stale && setErr(errorsOf(e).fields.filter || errorsOf(e).message));
    return () => {
      stale = true;
    };
  }, [applied, page, tick]);
  return html`<div class="page logs">
    <div class="page-head"><h1 tabindex="-1">Logs</h1>
      <div class="actions"><button type="button" class="btn" onClick=${() => setTick((t) => t + 1)}>Refresh</button></div></div>
    <p class="muted">Every API request, newest first. Filter with the filter language over the log's fields, for example <code>data.status >= 400</code>, <code>data.method = "POST"</code> or <code>data.url ~ "/api/collections"</code>.</p>
    <form class="filter-bar" role="search" onSubmit=${(e) => { e.preventDefault(); setApplied(filter); setPage(1); }}>
      <div class="grow">
        <label for=${fid}>Filter</label>
        <input id=${fid} type="text" class="mono" value=${filter} onInput=${(e) => setFilter(e.currentTarget.value)} placeholder="data.status >= 400"
          aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? `${fid}-err` : undefined} />
        ${err && html`<p class="field-error" id=${`${fid}-err`} role="alert">${err}</p>`}
      </div>
      <div class="filter-buttons"><button type="submit" class="btn">Apply filter</button>
        ${applied && html`<button type="button" class="btn" onClick=${() => { setFilter(''); setApplied(''); }}>Clear</button>`}</div>
    </form>
    ${stats && html`<section aria-labelledby="chart-h"><h2 id="chart-h" class="sub">Requests per hour</h2><${Chart} stats=${stats} /></section>`}
    ${res && html`<p class="muted small" role="status">${res.totalItems} log${res.totalItems === 1 ? '' : 's'}${applied ? ' match the filter' : ''}</p>
    <div class="table-wrap"><table class="list">
      <caption class="sr-only">Request logs, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Method</th><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Time</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${res.items.length === 0 && html`<tr><td colspan="6" class="muted">No logs${applied ? ' match the filter' : ' yet'}.</td></tr>`}
        ${res.items.map((l) => html`<tr key=${l.id}>
          <td class="small">${l.created}</td>
          <td>${l.data?.method || l.level}</td>
          <td class="mono small">${l.data?.url || l.message}</td>
          <td class=${`status-${String(l.data?.status || '')[0]}`}>${l.data?.status ?? ''}</td>
          <td class="small">${l.data?.execTime != null ? `${Math.round(l.data.execTime * 10) / 10} ms` : ''}</td>
          <td><button type="button" class="btn small" onClick=${() => setOpen(l.id)}>Details<span class="sr-only"> of ${l.data?.method || ''} ${l.data?.url || l.message} at ${l.created}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>
    <nav class="pager" aria-label="Pages">
      <button type="button" class="btn small" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page</button>
      <span class="small">Page ${res.page} of ${Math.max(1, res.totalPages)}</span>
      <button type="button" class="btn small" disabled=${page >= res.totalPages} onClick=${() => setPage(page + 1)}>Next page</button>
    </nav>`}
    ${open && html`<${Detail} id=${open} onClose=${() => setOpen(null)} />`}
  </div>`;
}

export function register() {
  route('/logs', LogsScreen, { title: 'Logs' });
  navItem({ label: 'Logs', href: '#/logs', order: 20 });
}
