// Entry point: registers the screens and renders the app into #app.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { useStore } from './lib/store.js';
import { session, checkSession } from './lib/pb.js';
import { match, navigate, useLocation } from './lib/router.js';
import { registerScreens } from './screens/index.js';
import { Shell } from './components/shell.js';
import { Dialog } from './components/dialog.js';
import { Toasts } from './components/toast.js';
import { LoginScreen, SessionExpired } from './screens/login.js';
import './styles.css';

registerScreens();

function NotFound() {
  return html`<div class="page"><h1 tabindex="-1">Not found</h1><p>There is no such page. <a href="#/collections">Go to the collections</a>.</p></div>`;
}

function App() {
  const { user, expired } = useStore(session);
  const loc = useLocation();
  const [ready, setReady] = useState(false);
  const firstPath = useRef(true);
  useEffect(() => {
    checkSession().finally(() => setReady(true));
  }, []);

  const m = match(loc.path);
  const title = m?.route.title || (m ? '' : 'Not found');
  useEffect(() => {
    document.title = title ? `${title} · Galley` : 'Galley';
  }, [title]);
  // After a navigation, move the focus to the new screen's heading so that
  // keyboard and screen-reader users start there.
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector('#main-content h1')?.focus());
  }, [loc.path]);

  if (loc.path === '/' || (user && loc.path === '/login')) {
    navigate('#/collections', { replace: true });
    return null;
  }
  if (m?.route.public) return html`<${m.route.component} params=${m.params} query=${loc.query} /><${Toasts} />`;
  if (!ready) return html`<p class="loading" role="status">Loading…</p>`;
  if (!user) return html`<${LoginScreen} /><${Toasts} />`;
  const Screen = m ? m.route.component : NotFound;
  return html`
    <${Shell} path=${loc.path}>
      <${Screen} key=${loc.path} params=${m?.params || {}} query=${loc.query} />
    <//>
    <${Dialog} open=${expired} title="Log in again">
      <${SessionExpired} email=${user.email} />
    <//>
    <${Toasts} />
  `;
}

render(html`<${App} />`, document.getElementById('app'));
