// Labelled form controls. Each control has a visible label, its hint and
// its error linked by aria-describedby, and aria-invalid when the API named
// it in an error.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';

function describedBy(id, hint, error) {
  return [hint && `${id}-hint`, error && `${id}-err`].filter(Boolean).join(' ') || undefined;
}

export function Help({ id, hint, error }) {
  return html`
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-err`} role="alert">${error}</p>`}
  `;
}

/** TextField: a labelled input (or textarea with rows). */
export function TextField({ label, value, onInput, error, hint, rows, class: cls, inputRef, mono, ...rest }) {
  const id = useId();
  const props = {
    id,
    value: value ?? '',
    onInput: (e) => onInput?.(e.currentTarget.value),
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': describedBy(id, hint, error),
    class: mono ? 'mono' : undefined,
    ref: inputRef,
    ...rest,
  };
  return html`
    <div class=${`field ${cls || ''}`}>
      <label for=${id}>${label}</label>
      ${rows ? html`<textarea rows=${rows} spellcheck=${false} ...${props}></textarea>` : html`<input type="text" ...${props} />`}
      <${Help} id=${id} hint=${hint} error=${error} />
    </div>
  `;
}

/** NumberField: a number input whose value is a number, or null when empty. */
export function NumberField({ label, value, onChange, error, hint, class: cls, ...rest }) {
  const id = useId();
  return html`
    <div class=${`field ${cls || ''}`}>
      <label for=${id}>${label}</label>
      <input
        id=${id}
        type="number"
        inputmode="decimal"
        value=${value ?? ''}
        onInput=${(e) => {
          const v = e.currentTarget.value;
          onChange?.(v === '' ? null : Number(v));
        }}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${describedBy(id, hint, error)}
        ...${rest}
      />
      <${Help} id=${id} hint=${hint} error=${error} />
    </div>
  `;
}

/** Check: a labelled checkbox. */
export function Check({ label, checked, onChange, hint, error, class: cls, ...rest }) {
  const id = useId();
  return html`
    <div class=${`check ${cls || ''}`}>
      <input
        id=${id}
        type="checkbox"
        checked=${!!checked}
        onChange=${(e) => onChange?.(e.currentTarget.checked)}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${describedBy(id, hint, error)}
        ...${rest}
      />
      <label for=${id}>${label}</label>
      <${Help} id=${id} hint=${hint} error=${error} />
    </div>
  `;
}

/** SelectField: options are [{value, label}] or strings. */
export function SelectField({ label, value, onChange, options, error, hint, class: cls, ...rest }) {
  const id = useId();
  return html`
    <div class=${`field ${cls || ''}`}>
      <label for=${id}>${label}</label>
      <select
        id=${id}
        value=${value ?? ''}
        onChange=${(e) => onChange?.(e.currentTarget.value)}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${describedBy(id, hint, error)}
        ...${rest}
      >
        ${options.map((o) => {
          const opt = typeof o === 'string' ? { value: o, label: o } : o;
          return html`<option value=${opt.value} disabled=${opt.disabled}>${opt.label}</option>`;
        })}
      </select>
      <${Help} id=${id} hint=${hint} error=${error} />
    </div>
  `;
}

const splitList = (text) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** ListField: a list of strings typed comma-separated. */
export function ListField({ label, value, onChange, error, hint, class: cls, ...rest }) {
  const id = useId();
  const list = value || [];
  const [text, setText] = useState(list.join(', '));
  useEffect(() => {
    if (splitList(text).join('\n') !== list.join('\n')) setText(list.join(', '));
  }, [list.join('\n')]);
  return html`
    <div class=${`field ${cls || ''}`}>
      <label for=${id}>${label}</label>
      <input
        id=${id}
        type="text"
        value=${text}
        onInput=${(e) => {
          setText(e.currentTarget.value);
          onChange?.(splitList(e.currentTarget.value));
        }}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${describedBy(id, hint || 'Separate values with commas.', error)}
        ...${rest}
      />
      <${Help} id=${id} hint=${hint || 'Separate values with commas.'} error=${error} />
    </div>
  `;
}

/** FormError: the message of a failed call, for errors no field claims. */
export function FormError({ message }) {
  if (!message) return null;
  return html`<div class="form-error" role="alert">${message}</div>`;
}

/** useAutofocus focuses the element once mounted. */
export function useAutofocus() {
  const ref = useRef(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
