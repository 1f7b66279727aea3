// The frame around every screen of a logged-in superuser: skip link, the
// sidebar (main navigation, the collections, the account), and <main>.
// Below 800 px the sidebar is a drawer opened by the Menu button.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { useStore } from '../lib/store.js';
import { session, logOut } from '../lib/pb.js';
import { collections, loadCollections, isSystem } from '../lib/collections.js';
import { getNavItems } from '../lib/router.js';

/** collectionHref is where a collection in the sidebar leads. */
export const collectionHref = (c) => `#/collections/${encodeURIComponent(c.id)}`;

const TYPE_MARK = { base: 'B', auth: 'A', view: 'V' };

function CollectionLink({ c, current }) {
  const href = collectionHref(c);
  const here = current.startsWith(href.slice(1));
  return html`
    <li>
      <a href=${href} class=${here ? 'current' : ''} aria-current=${here ? 'page' : undefined}>
        <span class=${`type-mark t-${c.type}`} aria-hidden="true">${TYPE_MARK[c.type] || '?'}</span>
        <span class="name">${c.name}</span>
        <span class="sr-only"> (${c.type}${isSystem(c) ? ', system' : ''})</span>
      </a>
    </li>
  `;
}

function Sidebar({ path, onNavigate }) {
  const { items, loaded, error } = useStore(collections);
  const { user } = useStore(session);
  const [q, setQ] = useState('');
  const match = (c) => !q || c.name.toLowerCase().includes(q.toLowerCase());
  const mine = items.filter((c) => !isSystem(c) && match(c));
  const system = items.filter((c) => isSystem(c) && match(c));
  return html`
    <nav class="sidebar-inner" aria-label="Dashboard" onClick=${(e) => e.target.closest('a') && onNavigate()}>
      <a class="brand" href="#/collections">Galley</a>
      <ul class="nav-main">
        ${getNavItems().map((n) => {
          const here = path === n.href.slice(1) || (n.match && n.match.test(path));
          return html`<li><a href=${n.href} class=${here ? 'current' : ''} aria-current=${here ? 'page' : undefined}>${n.label}</a></li>`;
        })}
      </ul>
      <section class="nav-collections" aria-labelledby="nav-coll-h">
        <div class="nav-head">
          <h2 id="nav-coll-h">Collections</h2>
          <a class="btn small" href="#/collections/new">+ New<span class="sr-only"> collection</span></a>
        </div>
        <label class="sr-only" for="nav-filter">Filter collections</label>
        <input id="nav-filter" type="search" placeholder="Filter collections" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
        ${error && html`<p class="field-error">Could not load the collections. <button class="btn link" onClick=${loadCollections}>Retry</button></p>`}
        ${loaded && !mine.length && !q && html`<p class="muted small">No collections yet.</p>`}
        <ul class="nav-list">${mine.map((c) => html`<${CollectionLink} key=${c.id} c=${c} current=${path} />`)}</ul>
        ${system.length > 0 &&
        html`<details class="nav-system" open=${!!q}>
          <summary>System collections (${system.length})</summary>
          <ul class="nav-list">${system.map((c) => html`<${CollectionLink} key=${c.id} c=${c} current=${path} />`)}</ul>
        </details>`}
      </section>
      <div class="nav-account">
        <span class="small muted" title=${user?.email}>${user?.email}</span>
        <button class="btn small" type="button" onClick=${logOut}>Log out</button>
      </div>
    </nav>
  `;
}

function skipToMain(e) {
  e.preventDefault();
  document.getElementById('main-content')?.focus();
}

export function Shell({ path, children }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    loadCollections();
  }, []);
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return html`
    <a class="skip-link" href="#main-content" onClick=${skipToMain}>Skip to content</a>
    <div class=${`shell ${open ? 'menu-open' : ''}`}>
      <header class="topbar">
        <button class="btn" type="button" aria-expanded=${open ? 'true' : 'false'} aria-controls="sidebar" onClick=${() => setOpen(!open)}>
          ${open ? 'Close menu' : 'Menu'}
        </button>
        <a class="brand" href="#/collections">Galley</a>
      </header>
      <div class="sidebar" id="sidebar">
        <${Sidebar} path=${path} onNavigate=${() => setOpen(false)} />
      </div>
      ${open && html`<div class="scrim" onClick=${() => setOpen(false)}></div>`}
      <main id="main-content" tabindex="-1" class="main">${children}</main>
    </div>
  `;
}
