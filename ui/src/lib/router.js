// The dashboard's one router. Screens are modules that register their
// routes (and sidebar entries) here; the shell renders whichever matches
// location.hash ("#/collections/abc/edit?x=1"). Hash routing keeps the app
// at /_/ and keeps secrets such as the install token out of server logs.
//
//   route('/things/:id', ThingScreen, { title: 'Thing' })
//   navItem({ label: 'Things', href: '#/things', order: 30 })
//
// A later registration of the same pattern with a higher priority wins, so
// a screen can take over a path another module registered as a placeholder.
import { useEffect, useState } from 'preact/hooks';

const routes = [];
const navItems = [];

/**
 * route registers component for pattern. opts: public (shown without a
 * session), title (document title), priority (default 0).
 */
export function route(pattern, component, opts = {}) {
  routes.push({ pattern, parts: split(pattern), component, priority: opts.priority ?? 0, ...opts });
  routes.sort((a, b) => b.priority - a.priority);
}

/** navItem adds an entry to the sidebar's main navigation (order ascending). */
export function navItem(item) {
  navItems.push(item);
  navItems.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}

export function getNavItems() {
  return navItems;
}

function split(path) {
  return path.split('/').filter(Boolean);
}

/** parseHash returns {path, query} of a location hash. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(qs)) };
}

/** match finds the route of path: {route, params} or null. */
export function match(path) {
  const parts = split(path);
  for (const r of routes) {
    if (r.parts.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const p = r.parts[i];
      if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(parts[i]);
      else ok = p === parts[i];
    }
    if (ok) return { route: r, params };
  }
  return null;
}

/** navigate goes to href ("#/path"); replace keeps the history entry. */
export function navigate(href, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = href.replace(/^#/, '');
  }
}

/** useLocation re-renders on hash changes and returns {path, query}. */
export function useLocation() {
  const [loc, setLoc] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setLoc(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return loc;
}
