// The rule tester (beyond PocketBase): pick an action, a requester (an
// auth record or a guest) and a rule (prefilled with the saved one), and
// see which records the rule lets that requester reach.
import { useEffect, useId, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { pb } from '../../lib/pb.js';
import { useStore } from '../../lib/store.js';
import { collections, loadCollections } from '../../lib/collections.js';
import { errorsOf } from '../../lib/errors.js';
import { SelectField, TextField, Check, FormError } from '../../components/forms.js';
import { RuleInput, useRuleCheck } from '../../components/rule-editor.js';
import { cell, columnsOf } from './index.js';

const ACTIONS = [
  { value: 'list', label: 'List/Search (listRule)', key: 'listRule' },
  { value: 'view', label: 'View (viewRule)', key: 'viewRule' },
  { value: 'update', label: 'Update (updateRule)', key: 'updateRule' },
  { value: 'delete', label: 'Delete (deleteRule)', key: 'deleteRule' },
];

export function RuleTester({ params }) {
  const { items: all, loaded } = useStore(collections);
  const coll = all.find((c) => c.id === params.id || c.name === params.id);
  const auths = all.filter((c) => c.type === 'auth');
  const [action, setAction] = useState('list');
  const [authColl, setAuthColl] = useState('');
  const [authId, setAuthId] = useState('');
  const [people, setPeople] = useState([]);
  const [rule, setRule] = useState(null);
  const [locked, setLocked] = useState(false);
  const [filter, setFilter] = useState('');
  const [res, setRes] = useState(null);
  const [err, setErr] = useState({ message: '', fields: {} });
  const [busy, setBusy] = useState(false);
  const ruleId = useId();
  const check = useRuleCheck(locked ? null : rule, coll, 'rule');
  useEffect(() => {
    loadCollections();
  }, []);
  // The saved rule of the chosen action, each time the action changes.
  useEffect(() => {
    if (!coll) return;
    const saved = coll[ACTIONS.find((a) => a.value === action).key];
    setLocked(saved === null || saved === undefined);
    setRule(saved ?? '');
    setRes(null);
  }, [coll?.id, action]);
  useEffect(() => {
    setAuthId('');
    if (!authColl) return setPeople([]);
    pb.collection(authColl).getList(1, 50, { sort: 'email' }).then((r) => setPeople(r.items)).catch(() => setPeople([]));
  }, [authColl]);
  if (!coll) return html`<div class="page"><h1 tabindex="-1">Rule tester</h1><p role="status">${loaded ? 'There is no such collection.' : 'Loading…'}</p></div>`;
  const run = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body = { action, rule: locked ? null : rule, authCollection: authColl, authId: authColl ? authId : '', filter, perPage: 50 };
      setRes(await pb.send(`/api/collections/${encodeURIComponent(coll.id)}/rule-test`, { method: 'POST', body }));
      setErr({ message: '', fields: {} });
    } catch (x) {
      setErr(errorsOf(x));
      setRes(null);
    } finally {
      setBusy(false);
    }
  };
  const ruleErr = (check.state === 'error' && check.message) || err.fields.rule || '';
  const cols = columnsOf(coll).filter((f) => f.name !== 'created' && f.name !== 'updated').slice(0, 5);
  const who = authColl ? people.find((p) => p.id === authId)?.email || authId || '?' : 'a guest';
  return html`<div class="page rule-tester">
    <div class="page-head">
      <div>
        <p class="crumbs"><a href="#/collections">Collections</a> / <a href=${`#/collections/${coll.id}`}>${coll.name}</a></p>
        <h1 tabindex="-1">Rule tester: ${coll.name}</h1>
      </div>
    </div>
    <p class="muted">Try a rule as a given user before saving it: the table shows the records it lets that user reach. Nothing is changed.</p>
    <form class="card tester-form" onSubmit=${run}>
      <div class="grid">
        <${SelectField} label="Action" value=${action} onChange=${setAction} options=${ACTIONS} error=${err.fields.action} />
        <${SelectField} label="Requester's auth collection" value=${authColl} onChange=${setAuthColl}
          options=${[{ value: '', label: 'Guest (not logged in)' }, ...auths.map((c) => ({ value: c.id, label: c.name }))]} error=${err.fields.authCollection} />
        ${authColl && html`<${SelectField} label="Requester" value=${authId} onChange=${setAuthId} error=${err.fields.authId}
          options=${[{ value: '', label: people.length ? '— choose a record —' : 'No records in this collection' }, ...people.map((p) => ({ value: p.id, label: p.email ? `${p.email} (${p.id})` : p.id }))]} />`}
      </div>
      <${Check} label="Superusers only (no rule: nobody else passes)" checked=${locked} onChange=${setLocked} />
      ${!locked && html`<div class="field">
        <label for=${ruleId}>Rule to try</label>
        <${RuleInput} id=${ruleId} value=${rule} onChange=${setRule} collection=${coll} all=${all} invalid=${!!ruleErr}
          describedBy=${`${ruleId}-hint${ruleErr ? ` ${ruleId}-err` : ''}`} />
        <p class="hint" id=${`${ruleId}-hint`}>Prefilled with the saved rule; empty lets everyone through.${check.state === 'ok' ? html` <span class="ok-note">Valid rule.</span>` : ''}</p>
        <div aria-live="polite">${ruleErr && html`<p class="field-error" id=${`${ruleId}-err`}>${ruleErr}</p>`}</div>
      </div>`}
      <${TextField} label="Only among records matching (optional filter)" value=${filter} onInput=${setFilter} error=${err.fields.filter} mono />
      <${FormError} message=${err.message && !Object.keys(err.fields).length ? err.message : ''} />
      <div class="actions"><button type="submit" class="btn primary" disabled=${busy || (authColl && !authId)}>Run test</button></div>
    </form>
    ${res && html`<section aria-labelledby="tester-res-h" class="tester-result">
      <h2 id="tester-res-h">Result</h2>
      <p role="status">${res.locked
        ? 'The rule is locked: only superusers pass, so this requester reaches no record.'
        : `${who} can ${action} ${res.totalItems} record${res.totalItems === 1 ? '' : 's'}${res.items.length < res.totalItems ? ` (the first ${res.items.length} shown)` : ''}.`}</p>
      ${res.items.length > 0 && html`<div class="table-wrap"><table class="list">
        <caption class="sr-only">Records the rule lets through</caption>
        <thead><tr>${cols.map((f) => html`<th scope="col">${f.name}</th>`)}</tr></thead>
        <tbody>${res.items.map((r) => html`<tr key=${r.id}>${cols.map((f) => html`<td>${cell(f, r[f.name], r)}</td>`)}</tr>`)}</tbody>
      </table></div>`}
    </section>`}
  </div>`;
}
