// An allow-list HTML sanitiser for `editor` fields. Their HTML is written by
// app users and shown to superusers, so nothing of it may run: it is parsed
// with DOMParser (an inert document: no script runs, no image loads, no
// handler fires) and rebuilt, element by element, from a short list of
// formatting tags with a few checked attributes. Everything else is dropped
// (script, style, iframe, svg, math, form controls: with their content) or
// unwrapped (other tags: their text is kept).

/** ALLOWED maps each kept tag to the attributes it may keep. */
const ALLOWED = {
  p: [], br: [], div: [], span: [], b: [], strong: [], i: [], em: [], u: [], s: [], strike: [], sub: [], sup: [],
  h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], blockquote: [], pre: [], code: [], hr: [],
  ul: [], ol: [], li: [],
  a: ['href', 'title'],
  img: ['src', 'alt', 'width', 'height'],
  table: [], thead: [], tbody: [], tr: [], th: [], td: [],
};

/** DROPPED are removed with everything inside them. */
const DROPPED = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'svg', 'math', 'form', 'input', 'button', 'textarea', 'select', 'option', 'title', 'head', 'meta', 'link', 'base', 'xmp', 'noembed', 'noframes', 'plaintext']);

/** MAX_DEPTH bounds nesting: deeper content is flattened into text, so a hostile nesting cannot exhaust the stack. */
const MAX_DEPTH = 64;

/**
 * safeURL reports whether a link or image address may be kept: http(s),
 * mailto and tel, and relative addresses (no scheme). Control characters
 * and spaces, which browsers ignore inside a scheme, are removed first, so
 * "java\tscript:" is seen as "javascript:" and refused.
 */
export function safeURL(v, { image = false } = {}) {
  const s = String(v).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(s);
  if (!m) return true;
  const scheme = m[1].toLowerCase();
  if (image) return scheme === 'http' || scheme === 'https';
  return ['http', 'https', 'mailto', 'tel'].includes(scheme);
}

function copy(src, out, doc, depth) {
  for (const node of src.childNodes) {
    if (node.nodeType === 3) {
      out.appendChild(doc.createTextNode(node.data));
      continue;
    }
    if (node.nodeType !== 1) continue; // comments, processing instructions
    const tag = node.localName;
    // Only HTML elements: an element of another namespace (svg, math) is dropped.
    if (node.namespaceURI !== 'http://www.w3.org/1999/xhtml' || DROPPED.has(tag)) continue;
    if (depth >= MAX_DEPTH) {
      out.appendChild(doc.createTextNode(node.textContent));
      continue;
    }
    const attrs = ALLOWED[tag];
    if (!attrs) {
      copy(node, out, doc, depth + 1); // unknown tag: keep what is inside
      continue;
    }
    const el = doc.createElement(tag);
    for (const name of attrs) {
      const v = node.getAttribute(name);
      if (v === null) continue;
      if ((name === 'href' || name === 'src') && !safeURL(v, { image: name === 'src' })) continue;
      if ((name === 'width' || name === 'height') && !/^\d{1,4}$/.test(v)) continue;
      el.setAttribute(name, v);
    }
    if (tag === 'a' && el.hasAttribute('href')) el.setAttribute('rel', 'noopener noreferrer');
    copy(node, el, doc, depth + 1);
    out.appendChild(el);
  }
}

/**
 * sanitizeHTML returns the allowed part of an HTML string, as HTML: only
 * the tags of ALLOWED, only their listed attributes (links and images with
 * safe addresses), text kept. "" for an empty or missing value.
 */
export function sanitizeHTML(input) {
  if (input === undefined || input === null || input === '') return '';
  const parsed = new DOMParser().parseFromString(String(input), 'text/html');
  const doc = document.implementation.createHTMLDocument('');
  const root = doc.createElement('div');
  copy(parsed.body, root, doc, 0);
  return root.innerHTML;
}

/** textOf returns the text of an HTML string (parsed inertly), whitespace collapsed: for tables. */
export function textOf(input) {
  if (input === undefined || input === null || input === '') return '';
  const body = new DOMParser().parseFromString(String(input), 'text/html').body;
  for (const el of body.querySelectorAll('script, style, template, noscript')) el.remove();
  // Blocks and line breaks separate words.
  for (const el of body.querySelectorAll('br, p, div, li, h1, h2, h3, h4, h5, h6, tr, td, th, blockquote, pre')) el.append(' ');
  return body.textContent.replace(/\s+/g, ' ').trim();
}
