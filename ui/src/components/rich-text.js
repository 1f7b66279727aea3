// RichText: the editor of `editor` fields. A contenteditable area, labelled
// by the field's name, under a toolbar (bold, italic, link, bulleted and
// numbered list, heading, undo, redo) that follows the WAI-ARIA toolbar
// pattern (one tab stop, arrow keys move between buttons). Shortcuts:
// Ctrl/⌘+B bold, +I italic, +K link, +Z undo, +Shift+Z or +Y redo.
//
// The stored HTML comes from app users: it is passed through sanitizeHTML
// before it enters the page, pasted HTML is sanitised before it is
// inserted, and what the editor hands back is sanitised again. "Edit HTML"
// shows the source in a textarea: what is typed there is saved as typed
// (it is the superuser's own), and sanitised when the editor takes it back.
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { sanitizeHTML, safeURL } from '../lib/sanitize.js';
import { Help } from './forms.js';

/** isEmpty reports whether the editor holds no text and no image. */
const isEmpty = (el) => !el.textContent.trim() && !el.querySelector('img, hr');

// A chain link drawn with strokes (no emoji font needed; no style attribute, which the CSP forbids).
const LINK_ICON = html`<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round">
  <path d="M10 14a4.5 4.5 0 0 0 6.4 0l3.2-3.2a4.5 4.5 0 0 0-6.4-6.4L12 5.6" /><path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3.2 3.2a4.5 4.5 0 0 0 6.4 6.4l1.2-1.2" /></svg>`;

const mod = (e) => e.ctrlKey || e.metaKey;

function exec(cmd, arg) {
  document.execCommand(cmd, false, arg);
}

/** setup asks for tags rather than inline styles (<b>, not a styled span) and <p> paragraphs. */
function setup() {
  exec('styleWithCSS', false);
  exec('defaultParagraphSeparator', 'p');
}

/** activeBlock is the tag name of the block the caret is in, inside root ('' when outside). */
function activeBlock(root) {
  const sel = document.getSelection();
  let n = sel?.anchorNode;
  if (!n || !root.contains(n)) return '';
  if (n.nodeType === 3) n = n.parentNode;
  while (n && n !== root) {
    if (/^(H[1-6]|P|DIV|LI|BLOCKQUOTE|PRE)$/.test(n.tagName)) return n.tagName.toLowerCase();
    n = n.parentNode;
  }
  return '';
}

export function RichText({ label, value, onChange, error }) {
  const id = useId();
  const area = useRef(null);
  const bar = useRef(null);
  const linkInput = useRef(null);
  const savedRange = useRef(null);
  const [source, setSource] = useState(false);
  const [text, setText] = useState(value || '');
  const [state, setState] = useState({});
  const [link, setLink] = useState(null); // null, or the address being typed
  const [linkErr, setLinkErr] = useState('');

  // Load the value (sanitised) once, and again after the HTML source was edited.
  // (A layout effect: the content is there when the editor first paints.)
  useLayoutEffect(() => {
    if (source || !area.current) return;
    area.current.innerHTML = sanitizeHTML(value);
  }, [source]);

  const emit = () => {
    const el = area.current;
    onChange(isEmpty(el) ? '' : sanitizeHTML(el.innerHTML));
  };
  const refresh = () => {
    const el = area.current;
    if (!el) return;
    setState({
      bold: document.queryCommandState('bold'),
      italic: document.queryCommandState('italic'),
      ul: document.queryCommandState('insertUnorderedList'),
      ol: document.queryCommandState('insertOrderedList'),
      heading: activeBlock(el) === 'h2',
    });
  };
  useEffect(() => {
    const onSel = () => area.current && area.current.contains(document.getSelection()?.anchorNode) && refresh();
    document.addEventListener('selectionchange', onSel);
    return () => document.removeEventListener('selectionchange', onSel);
  }, []);

  const onInput = (e) => {
    // Chromium starts the line after a heading with a <div>: make it a paragraph.
    if (e.inputType === 'insertParagraph' && activeBlock(area.current) === 'div') exec('formatBlock', 'p');
    emit();
    refresh();
  };
  const run = (cmd, arg) => {
    area.current.focus();
    setup();
    exec(cmd, arg);
    emit();
    refresh();
  };
  const heading = () => run('formatBlock', activeBlock(area.current) === 'h2' ? 'p' : 'h2');
  const openLink = () => {
    const sel = document.getSelection();
    savedRange.current = sel && sel.rangeCount && area.current.contains(sel.anchorNode) ? sel.getRangeAt(0).cloneRange() : null;
    let a = sel?.anchorNode;
    while (a && a !== area.current && a.tagName !== 'A') a = a.parentNode;
    setLinkErr('');
    setLink(a && a.tagName === 'A' ? a.getAttribute('href') || '' : 'https://');
  };
  useEffect(() => {
    if (link !== null) linkInput.current?.focus();
  }, [link !== null]);
  const restore = () => {
    area.current.focus();
    const sel = document.getSelection();
    if (savedRange.current) {
      sel.removeAllRanges();
      sel.addRange(savedRange.current);
    }
  };
  const applyLink = () => {
    const href = link.trim();
    if (href && !safeURL(href)) {
      setLinkErr('Only http, https, mailto and tel addresses, or relative ones.');
      return;
    }
    restore();
    if (!href) exec('unlink');
    else if (document.getSelection().isCollapsed) exec('insertHTML', sanitizeHTML(`<a href="${href.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}">${href.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</a>`));
    else exec('createLink', href);
    setLink(null);
    emit();
  };
  const cancelLink = () => {
    setLink(null);
    restore();
  };

  const onKeyDown = (e) => {
    if (!mod(e) || e.altKey) return;
    const k = e.key.toLowerCase();
    if (k === 'k') {
      e.preventDefault();
      openLink();
    } else if (k === 'b' || k === 'i') {
      e.preventDefault();
      run(k === 'b' ? 'bold' : 'italic');
    } else if (k === 'z' || k === 'y') {
      e.preventDefault();
      run(k === 'y' || e.shiftKey ? 'redo' : 'undo');
    }
  };
  const onPaste = (e) => {
    const dt = e.clipboardData;
    if (!dt) return;
    e.preventDefault();
    const h = dt.getData('text/html');
    if (h) exec('insertHTML', sanitizeHTML(h));
    else exec('insertText', dt.getData('text/plain'));
    emit();
  };
  // The toolbar's arrow keys (one tab stop for the whole toolbar).
  const onBarKey = (e) => {
    const buttons = [...bar.current.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % buttons.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + buttons.length) % buttons.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    if (next < 0) return;
    e.preventDefault();
    buttons.forEach((b, j) => (b.tabIndex = j === next ? 0 : -1));
    buttons[next].focus();
  };
  const toggleSource = () => {
    if (source) {
      onChange(sanitizeHTML(text));
    } else {
      setText(value || '');
    }
    setSource(!source);
  };

  // Buttons keep the editor's selection: mousedown would otherwise move focus away.
  const keep = (e) => e.preventDefault();
  const B = (name, key, pressed, onClick, glyph, first) => html`<button type="button" class="btn small icon" tabindex=${first ? 0 : -1}
    aria-pressed=${pressed === undefined ? undefined : String(!!pressed)} aria-keyshortcuts=${key || undefined}
    title=${key ? `${name} (${key.replace('Control', 'Ctrl')})` : name} onMouseDown=${keep} onClick=${onClick} disabled=${source}>
    <span aria-hidden="true">${glyph}</span><span class="sr-only">${name}</span></button>`;

  return html`<div class="field rich-text">
    <span class="rich-label" id=${`${id}-label`}>${label}</span>
    <div class="rt-toolbar" role="toolbar" aria-label=${`Formatting of ${label}`} aria-controls=${source ? undefined : id} ref=${bar} onKeyDown=${onBarKey}>
      ${B('Bold', 'Control+B', state.bold, () => run('bold'), html`<b>B</b>`, true)}
      ${B('Italic', 'Control+I', state.italic, () => run('italic'), html`<i>I</i>`)}
      ${B('Link', 'Control+K', undefined, openLink, LINK_ICON)}
      ${B('Bulleted list', '', state.ul, () => run('insertUnorderedList'), '•≡')}
      ${B('Numbered list', '', state.ol, () => run('insertOrderedList'), '1≡')}
      ${B('Heading', '', state.heading, heading, 'H')}
      ${B('Undo', 'Control+Z', undefined, () => run('undo'), '↶')}
      ${B('Redo', 'Control+Shift+Z', undefined, () => run('redo'), '↷')}
      <span class="rt-sep"></span>
      <label class="check small rt-source"><input type="checkbox" checked=${source} onChange=${toggleSource} /> Edit HTML</label>
    </div>
    ${link !== null && html`<div class="rt-link" role="group" aria-label="Link">
      <label for=${`${id}-href`}>Link address</label>
      <input id=${`${id}-href`} ref=${linkInput} type="text" inputmode="url" value=${link}
        aria-invalid=${linkErr ? 'true' : undefined} aria-describedby=${linkErr ? `${id}-href-err` : `${id}-href-hint`}
        onInput=${(e) => setLink(e.currentTarget.value)}
        onKeyDown=${(e) => {
          if (e.key === 'Enter') { e.preventDefault(); applyLink(); }
          if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); cancelLink(); }
        }} />
      <button type="button" class="btn small" onClick=${applyLink}>Apply link</button>
      <button type="button" class="btn small" onClick=${cancelLink}>Cancel</button>
      ${linkErr ? html`<p class="field-error" id=${`${id}-href-err`} role="alert">${linkErr}</p>`
        : html`<p class="hint" id=${`${id}-href-hint`}>Empty removes the link.</p>`}
    </div>`}
    ${source
      ? html`<textarea aria-labelledby=${`${id}-label`} rows="8" class="mono" spellcheck=${false} value=${text}
          aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `${id}-err` : `${id}-hint`}
          onInput=${(e) => { setText(e.currentTarget.value); onChange(e.currentTarget.value); }}></textarea>`
      : html`<div id=${id} ref=${area} class="rt-area" contenteditable="true" role="textbox" aria-multiline="true"
          aria-labelledby=${`${id}-label`} aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `${id}-err` : undefined}
          onInput=${onInput} onKeyDown=${onKeyDown} onPaste=${onPaste} onFocus=${() => { setup(); refresh(); }}></div>`}
    <${Help} id=${id} error=${error} hint=${source ? 'Saved as typed. Back in the editor view, scripts, event handlers and tags it does not allow are removed.' : ''} />
  </div>`;
}
