// The indexes tab: CREATE [UNIQUE] INDEX statements on the collection's table.
import { html } from '../../lib/html.js';
import { TextField } from '../../components/forms.js';

export function IndexesEditor({ draft, update, errors }) {
  const list = draft.indexes || [];
  const set = (i, v) => update((d) => ({ ...d, indexes: d.indexes.map((x, j) => (j === i ? v : x)) }));
  const remove = (i) => update((d) => ({ ...d, indexes: d.indexes.filter((_, j) => j !== i) }));
  const add = (unique) =>
    update((d) => {
      const name = d.name || 'collection';
      const field = d.fields.find((f) => !f.system && f.name)?.name || 'field';
      const stmt = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX \`idx_${name}_${field}\` ON \`${name}\` (\`${field}\`)`;
      return { ...d, indexes: [...(d.indexes || []), stmt] };
    });
  return html`
    <div class="indexes">
      <p class="muted">Indexes make filters and sorts on these fields fast; a unique index refuses duplicate values.</p>
      ${list.length === 0 && html`<p>No indexes yet.</p>`}
      ${list.map(
        (stmt, i) => html`<div class="index-row" key=${i}>
          <${TextField} class="grow" label=${`Index ${i + 1}`} value=${stmt} onInput=${(v) => set(i, v)} error=${errors[`indexes.${i}`]} mono rows="2" />
          <button type="button" class="btn danger-text" onClick=${() => remove(i)} aria-label=${`Remove index ${i + 1}`}>Remove</button>
        </div>`,
      )}
      ${errors.indexes && html`<p class="field-error">${errors.indexes}</p>`}
      <div class="actions">
        <button type="button" class="btn" onClick=${() => add(false)}>Add index</button>
        <button type="button" class="btn" onClick=${() => add(true)}>Add unique index</button>
      </div>
    </div>
  `;
}
