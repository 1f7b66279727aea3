// Shared by the blog's pages: the SDK client, the header, messages.
import PocketBase from '/vendor/pocketbase.es.mjs';

export const pb = new PocketBase(location.origin);
pb.autoCancellation(false);
export const $ = (sel) => document.querySelector(sel);
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
export const me = () => (pb.authStore.isValid ? pb.authStore.record : null);
export const isModerator = () => me()?.role === 'moderator';
export const day = (d) => new Date(String(d).replace(' ', 'T')).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
export const authorName = (u) => u?.name || 'Anonymous';

/** The message of an API error, with the fields it names. */
export function explain(err) {
  const data = err?.response?.data ?? {};
  const fields = Object.entries(data).filter(([, v]) => v && v.message).map(([k, v]) => `${k}: ${v.message}`);
  const msg = err?.response?.message || err?.message || String(err);
  return fields.length ? `${msg} (${fields.join('; ')})` : msg;
}
export function showError(text) {
  $('#notice').hidden = true;
  $('#message').textContent = text;
  $('#message').hidden = false;
}
export function showNotice(text) {
  $('#message').hidden = true;
  $('#notice').textContent = text;
  $('#notice').hidden = false;
}

/** Fills the page header: the blog's name, links, who is signed in. */
export function header() {
  const u = me();
  $('#top').innerHTML = `
    <a class="brand" href="/">The Galley Blog</a>
    <nav aria-label="Main">
      <a href="/">Posts</a>
      ${u ? '<a href="/edit.html">Write a post</a>' : ''}
      <a href="/feed.xml">RSS</a>
      ${u ? `<span class="who">${esc(authorName(u))}${u.role === 'moderator' ? ' (moderator)' : ''}</span>
             <button type="button" class="link" id="logout">Sign out</button>`
          : `<a href="/login.html?next=${encodeURIComponent(location.pathname + location.search)}">Sign in</a>`}
    </nav>`;
  $('#logout')?.addEventListener('click', () => { pb.authStore.clear(); location.href = '/'; });
}

/** Marks the page as ready (tests wait for it). */
export function ready() {
  document.body.dataset.ready = '1';
}
