// The API rules tab: the five record rules (+ auth's authRule and
// manageRule), each checked as you type, with completions.
import { html } from '../../lib/html.js';
import { RuleEditor } from '../../components/rule-editor.js';
import { RULES, AUTH_RULES } from './model.js';

export function RulesEditor({ draft, update, errors, all }) {
  const view = draft.type === 'view';
  const rules = view ? RULES.slice(0, 2) : RULES;
  const set = (k, v) => update((d) => ({ ...d, [k]: v }));
  const one = ([k, label, what]) => html`<${RuleEditor}
    key=${k}
    label=${label}
    value=${draft[k]}
    onChange=${(v) => set(k, v)}
    collection=${draft}
    all=${all}
    error=${errors[k]}
    hint=${k === 'authRule' ? 'Empty: every record with valid credentials can log in.' : `Empty: everyone (guests too) can ${what}. A rule: only requests that match it.`}
    lockedHint=${k === 'manageRule' ? 'Locked: only superusers manage other records.' : `Locked: only superusers can ${what}.`}
  />`;
  return html`
    <div class="rules">
      <p class="muted">
        A rule is a filter: <code>@request.auth.id != ""</code> lets any logged-in user in, <code>owner = @request.auth.id</code>${' '}only a record's owner.
        Suggestions appear as you type (↑ ↓ to choose, Enter to insert, Ctrl+Space to ask).
        ${view && ' A view is read-only: it has only list and view rules.'}
      </p>
      ${rules.map(one)}
      ${draft.type === 'auth' && html`<h2 class="sub">Auth collection rules</h2>${AUTH_RULES.map(one)}`}
    </div>
  `;
}
