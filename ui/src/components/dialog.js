// Modal dialogs on the native <dialog> element: focus is trapped and
// restored, Escape closes, and the page behind is inert.
import { useEffect, useId, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';

/** Dialog renders children in a modal while open; onClose runs on Escape or close. */
export function Dialog({ open, title, onClose, children, wide }) {
  const ref = useRef(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`
    <dialog ref=${ref} class=${wide ? 'wide' : ''} aria-labelledby=${id} onCancel=${(e) => { e.preventDefault(); onClose?.(); }}>
      ${open && html`<h2 id=${id}>${title}</h2>${children}`}
    </dialog>
  `;
}

/**
 * Confirm: a yes/no dialog. danger marks the confirming button red; the
 * focus starts on the safe choice.
 */
export function Confirm({ open, title, confirmLabel = 'Confirm', danger, onConfirm, onCancel, busy, children }) {
  return html`
    <${Dialog} open=${open} title=${title} onClose=${onCancel}>
      <div class="dialog-body">${children}</div>
      <div class="actions">
        <button type="button" class="btn" onClick=${onCancel} autofocus>Cancel</button>
        <button type="button" class=${`btn ${danger ? 'danger' : 'primary'}`} disabled=${busy} onClick=${onConfirm}>${confirmLabel}</button>
      </div>
    <//>
  `;
}
