// Nodes: the live nodes of the cluster as GET /api/health tells a
// superuser (on SQLite the one node) and each node's realtime counts
// (GET /api/realtime/stats "nodes"), refreshed every few seconds.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { pb } from '../lib/pb.js';
import { route, navItem } from '../lib/router.js';
import { errorsOf } from '../lib/errors.js';

/** ago says how long before now t was, for people ("3 s ago"). */
export function ago(t, now = Date.now()) {
  const s = Math.max(0, Math.round((now - new Date(t).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

function NodesScreen() {
  const [health, setHealth] = useState(null);
  const [rt, setRT] = useState(null);
  const [err, setErr] = useState('');
  useEffect(() => {
    let stop = false;
    const load = () =>
      Promise.all([pb.health.check(), pb.send('/api/realtime/stats', {})])
        .then(([h, r]) => !stop && (setHealth(h.data || {}), setRT(r), setErr('')))
        .catch((e) => !stop && setErr(errorsOf(e).message));
    load();
    const t = setInterval(load, 5000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);
  const nodes = health?.nodes || [];
  return html`<div class="page nodes">
    <div class="page-head"><h1 tabindex="-1">Nodes</h1></div>
    <p class="muted">The Galley processes serving this app. On PostgreSQL every node beats every few seconds; one of them, the leader, runs the background work (clean-ups, retention). On SQLite there is one node.</p>
    ${err && html`<p class="field-error" role="alert">${err}</p>`}
    ${!health && !err && html`<p role="status">Loading…</p>`}
    ${health && html`<p class="small" role="status">${nodes.length} live node${nodes.length === 1 ? '' : 's'}${health.realIP ? html`; your address as this node sees it: <span class="mono">${health.realIP}</span>` : ''}</p>
    ${health.possibleProxyHeader && html`<p class="field-error">Requests carry a <code>${health.possibleProxyHeader}</code> header but no trusted proxy header is set: client IPs (and per-IP rate limits) see the proxy. Set it in <a href="#/settings/limits">Settings → Limits and proxy</a>.</p>`}
    <div class="table-wrap"><table class="list">
      <caption class="sr-only">Live nodes</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Address</th><th scope="col">Version</th><th scope="col">Started</th><th scope="col">Last seen</th><th scope="col">Role</th></tr></thead>
      <tbody>
        ${nodes.map((n) => html`<tr key=${n.id}>
          <td class="mono small">${n.id}${n.self ? html` <span class="muted">(this one)</span>` : ''}</td>
          <td class="mono small">${n.address || '—'}</td>
          <td class="small">${n.version}</td>
          <td class="small" title=${n.started}>${ago(n.started)}</td>
          <td class="small" title=${n.lastSeen}>${ago(n.lastSeen)}</td>
          <td class="small">${n.leader ? 'leader' : 'follower'}</td>
        </tr>`)}
      </tbody>
    </table></div>`}
    ${rt && html`<section aria-labelledby="rt-h">
      <h2 id="rt-h" class="sub">Realtime by node</h2>
      <p class="muted small">Each node's open connections (SSE and WebSocket), record subscriptions, channels with someone present and members present, as of its last heartbeat (every 2 s); this node's as of now.</p>
      <div class="table-wrap"><table class="list realtime-nodes">
        <caption class="sr-only">Realtime by node</caption>
        <thead><tr><th scope="col">Node</th><th scope="col">Connections</th><th scope="col">WebSocket</th><th scope="col">SSE</th><th scope="col">Subscriptions</th><th scope="col">Channels</th><th scope="col">Present</th></tr></thead>
        <tbody>
          ${(rt.nodes || []).map((n) => {
            const c = n.realtime;
            return html`<tr key=${n.id}>
              <th scope="row" class="mono small">${n.id}${n.self ? html` <span class="muted">(this one)</span>` : ''}</th>
              ${c ? html`<td>${c.clients}</td><td>${c.websocket}</td><td>${c.clients - c.websocket}</td><td>${c.subscriptions}</td><td>${c.channels}</td><td>${c.present}</td>`
                : html`<td colspan="6" class="muted small">not reported (an earlier version)</td>`}
            </tr>`;
          })}
        </tbody>
      </table></div>
    </section>`}
  </div>`;
}

export function register() {
  route('/nodes', NodesScreen, { title: 'Nodes' });
  navItem({ label: 'Nodes', href: '#/nodes', order: 27 });
}
