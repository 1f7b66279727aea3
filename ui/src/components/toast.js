// Short notices ("Saved") announced to screen readers through a live region.
import { html } from '../lib/html.js';
import { createStore, useStore } from '../lib/store.js';

const toasts = createStore([]);
let next = 1;

/** toast shows text for a few seconds; kind is "ok" or "error". */
export function toast(text, kind = 'ok') {
  const id = next++;
  toasts.set((t) => [...t, { id, text, kind }]);
  setTimeout(() => toasts.set((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 4000);
}

export function Toasts() {
  const list = useStore(toasts);
  return html`
    <div class="toasts" role="status" aria-live="polite">
      ${list.map((t) => html`<div key=${t.id} class=${`toast ${t.kind}`}>${t.text}</div>`)}
    </div>
  `;
}
