// The rule editor: a text area that checks the rule against the collection
// being edited as you type (POST /api/collections/meta/check-rule, 300 ms
// after the last key) and suggests fields, @request.*, @collection.*,
// operators and modifiers in a keyboard-navigable list. A rule is a string
// ("" = everyone) or null (superusers only: the "locked" toggle).
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { pb } from '../lib/pb.js';
import { errorsOf } from '../lib/errors.js';
import { candidates, suggest } from '../lib/completions.js';

// Set when the server has no check endpoint: then errors come from saving.
let checkerMissing = false;

/** checkable returns the draft as the check endpoint wants it: named, no blank or local-only keys. */
export function checkable(draft) {
  const c = stripLocal(draft);
  c.name = c.name || 'new_collection';
  c.fields = (c.fields || []).filter((f) => f.name);
  return c;
}

/** stripLocal drops the editor's own keys (those starting with "_") from a collection draft. */
export function stripLocal(draft) {
  const c = { ...draft };
  c.fields = (draft.fields || []).map((f) => {
    const o = {};
    for (const [k, v] of Object.entries(f)) if (!k.startsWith('_')) o[k] = v;
    return o;
  });
  return c;
}

/** useRuleCheck checks text (debounced) and returns {state: idle|ok|error, message}. */
export function useRuleCheck(text, collection, kind = 'rule') {
  const [res, setRes] = useState({ state: 'idle', message: '' });
  const seq = useRef(0);
  // No collection yet (a link with a filter opened before the collections
  // arrived): nothing to check against until it comes.
  const body = useMemo(() => (text && collection ? JSON.stringify(checkable(collection)) : ''), [text, collection]);
  useEffect(() => {
    if (checkerMissing || text == null || text.trim() === '' || !body) {
      setRes({ state: 'idle', message: '' });
      return;
    }
    // The last answer stays shown until the next one: no flicker while typing.
    const n = ++seq.current;
    const timer = setTimeout(async () => {
      try {
        await pb.send('/api/collections/meta/check-rule', {
          method: 'POST',
          body: { collection: JSON.parse(body), rule: text, kind },
        });
        if (n === seq.current) setRes({ state: 'ok', message: '' });
      } catch (e) {
        if (n !== seq.current) return;
        if (e.status === 404) {
          checkerMissing = true;
          setRes({ state: 'idle', message: '' });
          return;
        }
        const f = errorsOf(e).fields;
        // Only the rule's own error: the rest of the draft is checked on save.
        setRes(f.rule ? { state: 'error', message: f.rule } : { state: 'idle', message: '' });
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [text, body, kind]);
  return res;
}

/**
 * RuleEditor props: label, value (string|null), onChange, collection (the
 * draft), all (every collection), error (from saving), hint, lockable,
 * kind ("rule" | "filter"), lockedHint.
 */
export function RuleEditor({ label, value, onChange, collection, all, error, hint, lockable = true, kind = 'rule', lockedHint }) {
  const id = useId();
  const locked = value === null || value === undefined;
  const lastText = useRef(locked ? '' : value);
  if (!locked) lastText.current = value;
  const check = useRuleCheck(locked ? null : value, collection, kind);
  const shown = (check.state === 'error' && check.message) || error || '';
  return html`
    <div class="rule">
      <div class="rule-head">
        <label for=${id} class="rule-label">${label}</label>
        ${lockable &&
        html`<span class="check inline">
          <input
            type="checkbox"
            id=${`${id}-lock`}
            checked=${locked}
            onChange=${(e) => onChange(e.currentTarget.checked ? null : lastText.current)}
          />
          <label for=${`${id}-lock`}>Superusers only<span class="sr-only"> (${label})</span></label>
        </span>`}
      </div>
      ${locked
        ? html`<p class="locked-note" id=${`${id}-locked`}>${lockedHint || 'Locked: only superusers.'} <span class="muted">Untick “Superusers only” to write a rule.</span></p>`
        : html`<${RuleInput} id=${id} value=${value} onChange=${onChange} collection=${collection} all=${all}
              invalid=${!!shown} describedBy=${[`${id}-hint`, shown && `${id}-err`].filter(Boolean).join(' ')} />`}
      ${!locked && html`<p class="hint" id=${`${id}-hint`}>${hint}${check.state === 'ok' ? html` <span class="ok-note">Valid rule.</span>` : ''}</p>`}
      <div aria-live="polite">${shown && !locked ? html`<p class="field-error" id=${`${id}-err`}>${shown}</p>` : null}</div>
    </div>
  `;
}

/** RuleInput is the text area with the suggestion list. */
export function RuleInput({ id, value, onChange, collection, all, invalid, describedBy, placeholder, rows = 2 }) {
  const ref = useRef(null);
  const [sug, setSug] = useState(null); // {start, end, items}
  const [active, setActive] = useState(0);
  const cands = useMemo(() => candidates(collection, all || []), [collection, all]);
  const listId = `${id}-list`;

  const refresh = (text, caret) => {
    const s = suggest(text, caret, cands);
    setSug(s.items.length ? s : null);
    setActive(0);
  };
  const accept = (item) => {
    const el = ref.current;
    const text = value || '';
    const next = text.slice(0, sug.start) + item.insert + text.slice(sug.end);
    const caret = sug.start + item.insert.length;
    onChange(next);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(caret, caret);
      if (item.insert.endsWith('.')) refresh(next, caret);
      else setSug(null);
    });
  };
  const onKeyDown = (e) => {
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      refresh(value || '', e.currentTarget.selectionStart);
      return;
    }
    if (!sug) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % sug.items.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + sug.items.length) % sug.items.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      accept(sug.items[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setSug(null);
    } else if (e.key === 'Tab') {
      setSug(null);
    }
  };
  return html`
    <div class="combo">
      <textarea
        ref=${ref}
        id=${id}
        class="mono"
        rows=${rows}
        spellcheck=${false}
        autocomplete="off"
        placeholder=${placeholder ?? 'Empty: everyone. Example: @request.auth.id != ""'}
        value=${value || ''}
        aria-invalid=${invalid ? 'true' : undefined}
        aria-describedby=${describedBy}
        aria-autocomplete="list"
        aria-controls=${sug ? listId : undefined}
        aria-activedescendant=${sug ? `${listId}-${active}` : undefined}
        onInput=${(e) => {
          onChange(e.currentTarget.value);
          refresh(e.currentTarget.value, e.currentTarget.selectionStart);
        }}
        onKeyDown=${onKeyDown}
        onBlur=${() => setTimeout(() => setSug(null), 150)}
      ></textarea>
      ${sug &&
      html`<ul class="suggestions" role="listbox" id=${listId} aria-label="Suggestions">
        ${sug.items.map(
          (it, i) => html`<li
            id=${`${listId}-${i}`}
            role="option"
            aria-selected=${i === active ? 'true' : 'false'}
            class=${i === active ? 'active' : ''}
            onMouseDown=${(e) => {
              e.preventDefault();
              accept(it);
            }}
          >
            <span class="mono">${it.label}</span>${it.detail && html`<span class="muted"> ${it.detail}</span>`}
          </li>`,
        )}
      </ul>`}
      <span class="sr-only" aria-live="polite">${sug ? `${sug.items.length} suggestions, use the arrow keys and Enter.` : ''}</span>
    </div>
  `;
}
