// The collection editor: new and existing base, auth and view collections,
// in tabs (fields or query, API rules, auth options, indexes). Unsaved edits
// are kept as a draft in sessionStorage. Saving warns first about what it
// loses (deleted and renamed fields, ...) and about changes made elsewhere
// since the collection was opened.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { pb } from '../../lib/pb.js';
import { useStore } from '../../lib/store.js';
import { errorsOf, countUnder } from '../../lib/errors.js';
import { loadDraft, saveDraft, dropDraft } from '../../lib/drafts.js';
import { collections, loadCollections, isSystem } from '../../lib/collections.js';
import { navigate } from '../../lib/router.js';
import { TextField, SelectField, FormError } from '../../components/forms.js';
import { Confirm, Dialog } from '../../components/dialog.js';
import { toast } from '../../components/toast.js';
import { withKeys, toPayload, changesOf } from './model.js';
import { FieldsEditor } from './fields.js';
import { RulesEditor } from './rules.js';
import { IndexesEditor } from './indexes.js';
import { ViewQueryEditor } from './view.js';
import { AuthOptionsEditor } from './auth-options.js';

const TYPES = [
  { value: 'base', label: 'Base: records with fields' },
  { value: 'auth', label: 'Auth: users who log in' },
  { value: 'view', label: 'View: a read-only SQL query' },
];

const AUTH_OPTION_KEYS = ['passwordAuth', 'oauth2', 'otp', 'mfa', 'authToken', 'passwordResetToken', 'emailChangeToken', 'verificationToken', 'fileToken', 'authAlert', 'verificationTemplate', 'resetPasswordTemplate', 'confirmEmailChangeTemplate'];

function tabsOf(type) {
  const t = [];
  if (type === 'view') t.push({ id: 'query', label: 'Query', keys: ['viewQuery'] });
  else t.push({ id: 'fields', label: 'Fields', keys: ['fields'] });
  t.push({ id: 'rules', label: 'API rules', keys: ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule', 'authRule', 'manageRule'] });
  if (type === 'auth') t.push({ id: 'options', label: 'Auth options', keys: AUTH_OPTION_KEYS });
  if (type !== 'view') t.push({ id: 'indexes', label: 'Indexes', keys: ['indexes'] });
  return t;
}

const same = (a, b) => JSON.stringify(toPayload(a)) === JSON.stringify(toPayload(b));

/**
 * withAutodates gives the base and auth scaffolds created and updated
 * fields (the server's scaffolds, as PocketBase's, have none) and drops
 * the auth scaffold's indexes on a table not named yet (the server adds
 * its unique email and tokenKey indexes itself).
 */
function withAutodates(sc) {
  for (const type of ['base', 'auth']) {
    const c = sc[type];
    if (!c) continue;
    for (const [name, onUpdate] of [['created', false], ['updated', true]]) {
      if (!c.fields.some((f) => f.name === name)) {
        c.fields.push({ name, type: 'autodate', system: false, hidden: false, presentable: false, onCreate: true, onUpdate });
      }
    }
    c.indexes = (c.indexes || []).filter((ix) => !ix.includes(' ON `` '));
  }
  return sc;
}

/** useScaffolds loads GET /api/collections/meta/scaffolds once. */
let scaffoldsPromise = null;
function scaffolds() {
  scaffoldsPromise ??= pb.collections.getScaffolds().then(withAutodates).catch((e) => {
    scaffoldsPromise = null;
    throw e;
  });
  return scaffoldsPromise;
}

export function CollectionEditor({ params, query }) {
  const isNew = !params.id;
  const draftKey = `collection:${params.id || 'new'}`;
  const { items: all } = useStore(collections);
  const [orig, setOrig] = useState(null); // as saved (null for new)
  const [draft, setDraft] = useState(null);
  const [restored, setRestored] = useState(false);
  const [loadErr, setLoadErr] = useState('');
  const [errs, setErrs] = useState({ message: '', fields: {} });
  const [tab, setTab] = useState(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState(null); // {kind: 'changes'|'conflict'|'delete', ...}
  const tabRefs = useRef({});

  // Load the collection (or a scaffold) and any draft kept from before.
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        let base;
        if (isNew) {
          const sc = await scaffolds();
          const type = ['base', 'auth', 'view'].includes(query.type) ? query.type : 'base';
          base = withKeys({ ...structuredClone(sc[type]), name: '' });
          delete base.id;
        } else {
          base = withKeys(await pb.collections.getOne(params.id));
        }
        if (!live) return;
        const kept = loadDraft(draftKey);
        setOrig(isNew ? null : base);
        if (kept && (isNew ? kept.draft : kept.baseUpdated === base.updated) && !same(kept.draft, base)) {
          setDraft(kept.draft);
          setRestored(true);
        } else {
          setDraft(base);
        }
      } catch (e) {
        if (live) setLoadErr(errorsOf(e).message);
      }
    })();
    return () => {
      live = false;
    };
  }, [params.id]);

  const dirty = draft && (orig ? !same(orig, draft) : true);
  useEffect(() => {
    if (!draft) return;
    if (dirty && (!isNew || draft.name || draft.fields.some((f) => !f.system && f.name))) {
      saveDraft(draftKey, { draft, baseUpdated: orig?.updated || '' });
    } else if (!dirty) {
      dropDraft(draftKey);
    }
  }, [draft]);
  // Warn before leaving the page with unsaved edits.
  useEffect(() => {
    if (!dirty) return;
    const on = (e) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', on);
    return () => window.removeEventListener('beforeunload', on);
  }, [dirty]);

  const tabs = useMemo(() => tabsOf(draft?.type), [draft?.type]);
  const current = tabs.find((t) => t.id === tab) ? tab : tabs[0].id;
  const fieldErrs = errs.fields;

  if (loadErr) {
    return html`<div class="page"><h1 tabindex="-1">Collection</h1><p class="field-error" role="alert">${loadErr}</p><a href="#/collections">Back to the collections</a></div>`;
  }
  if (!draft) return html`<div class="page"><p role="status">Loading…</p></div>`;

  const update = (fn) => setDraft((d) => fn(d));
  const system = orig && isSystem(orig);

  const showErrors = (e) => {
    const r = errorsOf(e);
    setErrs(r);
    // Go to the first tab with an error, then to its first invalid control.
    const withErr = tabs.find((t) => countUnder(r.fields, t.keys) > 0);
    if (withErr && countUnder(r.fields, tabs.find((t) => t.id === current).keys) === 0) setTab(withErr.id);
    if (!Object.keys(r.fields).length || r.fields.name || r.fields.type) return;
    setTimeout(() => document.querySelector('#main-content [aria-invalid="true"]')?.focus(), 50);
  };

  const doSave = async () => {
    setConfirm(null);
    setBusy(true);
    try {
      const body = toPayload(draft);
      const saved = isNew ? await pb.collections.create(body) : await pb.collections.update(orig.id, body);
      dropDraft(draftKey);
      setErrs({ message: '', fields: {} });
      setRestored(false);
      const next = withKeys(saved);
      setOrig(next);
      setDraft(next);
      loadCollections();
      toast(`Saved ${saved.name}.`);
      if (isNew) {
        dropDraft(`collection:${saved.id}`);
        navigate(`#/collections/${saved.id}/edit`, { replace: true });
      }
    } catch (e) {
      showErrors(e);
    } finally {
      setBusy(false);
    }
  };

  const save = async (e) => {
    e?.preventDefault();
    if (!isNew) {
      // Changed elsewhere (another tab, another superuser) since loaded?
      try {
        const now = await pb.collections.getOne(orig.id);
        if (now.updated !== orig.updated) {
          setConfirm({ kind: 'conflict', now });
          return;
        }
      } catch (err) {
        showErrors(err);
        return;
      }
      const changes = changesOf(orig, draft);
      if (changes.length) {
        setConfirm({ kind: 'changes', changes });
        return;
      }
    }
    doSave();
  };

  const reloadTheirs = () => {
    const next = withKeys(confirm.now);
    dropDraft(draftKey);
    setOrig(next);
    setDraft(next);
    setConfirm(null);
    setErrs({ message: '', fields: {} });
  };
  const overwrite = () => {
    // Keep my draft but base it on their version, then warn as usual.
    const next = withKeys(confirm.now);
    setOrig(next);
    const changes = changesOf(next, draft);
    if (changes.length) setConfirm({ kind: 'changes', changes });
    else doSave();
  };

  const remove = async () => {
    setBusy(true);
    try {
      await pb.collections.delete(orig.id);
      dropDraft(draftKey);
      setConfirm(null);
      await loadCollections();
      toast(`Deleted ${orig.name}.`);
      navigate('#/collections');
    } catch (e) {
      setConfirm(null);
      setErrs(errorsOf(e));
    } finally {
      setBusy(false);
    }
  };

  const discard = () => {
    dropDraft(draftKey);
    setRestored(false);
    setErrs({ message: '', fields: {} });
    if (orig) setDraft(orig);
    else navigate('#/collections');
  };

  // A new collection's type can change: take that type's scaffold and keep
  // the name, the fields added so far and the rules.
  const changeType = async (type) => {
    const sc = await scaffolds();
    const base = withKeys(structuredClone(sc[type]));
    delete base.id;
    const names = new Set(base.fields.map((f) => f.name));
    const mine = type === 'view' ? [] : draft.fields.filter((f) => !f.system && !names.has(f.name));
    const rules = Object.fromEntries(['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'].map((k) => [k, draft[k]]));
    const at = base.fields.findIndex((f) => f.type === 'autodate');
    if (at >= 0) base.fields.splice(at, 0, ...mine);
    else base.fields.push(...mine);
    setErrs({ message: '', fields: {} });
    setDraft({ ...base, ...rules, name: draft.name, viewQuery: type === 'view' ? draft.viewQuery || '' : undefined });
    history.replaceState(null, '', `#/collections/new?type=${type}`);
  };

  const heading = isNew ? 'New collection' : orig.name;
  const Panel = {
    fields: FieldsEditor,
    query: ViewQueryEditor,
    rules: RulesEditor,
    options: AuthOptionsEditor,
    indexes: IndexesEditor,
  }[current];

  return html`
    <form class="page editor" onSubmit=${save} novalidate>
      <div class="page-head">
        <div>
          <p class="crumbs"><a href="#/collections">Collections</a> /</p>
          <h1 tabindex="-1">${heading} ${orig && html`<span class=${`badge t-${orig.type}`}>${orig.type}</span>`} ${system && html`<span class="badge">system</span>`}</h1>
        </div>
        <div class="actions">
          ${dirty && html`<span class="muted small" role="status">Unsaved changes</span>`}
          ${(dirty || isNew) && html`<button type="button" class="btn" onClick=${discard}>${isNew ? 'Cancel' : 'Discard changes'}</button>`}
          <button type="submit" class="btn primary" disabled=${busy || (!dirty && !isNew)}>${busy ? 'Saving…' : isNew ? 'Create collection' : 'Save changes'}</button>
        </div>
      </div>
      ${restored && html`<p class="warn-note" role="status">Your unsaved changes from before were restored. <button type="button" class="btn link" onClick=${discard}>Discard them</button></p>`}
      ${system && html`<p class="muted">A system collection: Galley relies on its name and system fields; its rules and options can be changed.</p>`}
      <div class="grid top-fields">
        <${TextField} label="Collection name" value=${draft.name} onInput=${(v) => update((d) => ({ ...d, name: v }))} error=${fieldErrs.name}
          hint=${isNew ? 'Letters, digits and _ ; used in API URLs.' : undefined} disabled=${system} autocomplete="off" spellcheck=${false} />
        ${isNew
          ? html`<${SelectField} label="Collection type" value=${draft.type} error=${fieldErrs.type} onChange=${changeType} options=${TYPES} />`
          : null}
      </div>
      <${FormError} message=${Object.keys(fieldErrs).length ? 'Some values need fixing: see the messages below.' : errs.message} />
      <div class="tabs" role="tablist" aria-label="Collection settings">
        ${tabs.map((t) => {
          const n = countUnder(fieldErrs, t.keys);
          return html`<button
            type="button"
            role="tab"
            id=${`tab-${t.id}`}
            ref=${(el) => (tabRefs.current[t.id] = el)}
            aria-selected=${t.id === current ? 'true' : 'false'}
            aria-controls=${`panel-${t.id}`}
            tabindex=${t.id === current ? 0 : -1}
            onClick=${() => setTab(t.id)}
            onKeyDown=${(e) => {
              const i = tabs.findIndex((x) => x.id === current);
              const j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
              if (j === null) return;
              e.preventDefault();
              const next = tabs[(j + tabs.length) % tabs.length].id;
              setTab(next);
              tabRefs.current[next]?.focus();
            }}
          >
            ${t.label}${n > 0 && html` <span class="err-count">${n}<span class="sr-only"> error${n > 1 ? 's' : ''}</span></span>`}
          </button>`;
        })}
      </div>
      <div role="tabpanel" id=${`panel-${current}`} aria-labelledby=${`tab-${current}`} class="tabpanel">
        <${Panel} draft=${draft} update=${update} orig=${orig} errors=${fieldErrs} all=${all} saved=${orig} />
      </div>
      ${!isNew &&
      !system &&
      html`<section class="danger-zone" aria-labelledby="dz-h">
        <h2 id="dz-h">Delete</h2>
        <p>Deleting the collection deletes its table and every record in it.</p>
        <button type="button" class="btn danger" onClick=${() => setConfirm({ kind: 'delete' })}>Delete collection ${orig.name}</button>
      </section>`}
      <${Confirm}
        open=${confirm?.kind === 'changes'}
        title="Save these changes?"
        confirmLabel="Save anyway"
        danger
        busy=${busy}
        onConfirm=${doSave}
        onCancel=${() => setConfirm(null)}
      >
        <p>Saving ${orig?.name} will:</p>
        <ul class="change-list">${(confirm?.changes || []).map((c) => html`<li class=${`c-${c.kind}`}>${c.text}</li>`)}</ul>
        <p>This cannot be undone.</p>
      <//>
      <${Dialog} open=${confirm?.kind === 'conflict'} title="Changed elsewhere" onClose=${() => setConfirm(null)}>
        <p>${orig?.name} was changed (in another tab or by another superuser) since you opened it. Saving now would overwrite those changes.</p>
        <div class="actions">
          <button type="button" class="btn" onClick=${() => setConfirm(null)} autofocus>Keep editing</button>
          <button type="button" class="btn" onClick=${reloadTheirs}>Reload their version (drop my edits)</button>
          <button type="button" class="btn danger" onClick=${overwrite} disabled=${busy}>Overwrite with my changes</button>
        </div>
      <//>
      <${Confirm}
        open=${confirm?.kind === 'delete'}
        title=${`Delete ${orig?.name}?`}
        confirmLabel="Delete"
        danger
        busy=${busy}
        onConfirm=${remove}
        onCancel=${() => setConfirm(null)}
      >
        <p>The collection <strong>${orig?.name}</strong> and all its records will be deleted. This cannot be undone.</p>
      <//>
    </form>
  `;
}
