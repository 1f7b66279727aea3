// Settings: application, mail (with a test e-mail), storage (S3 with a
// test), limits and proxy (rate limits, trusted proxy, batch), and the
// superusers. Each tab saves its own groups; the API's errors are nested
// ("meta.appURL") and show beside their field.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { pb, session } from '../lib/pb.js';
import { route, navItem } from '../lib/router.js';
import { useStore } from '../lib/store.js';
import { errorsOf } from '../lib/errors.js';
import { collections, loadCollections } from '../lib/collections.js';
import { TextField, NumberField, Check, SelectField, ListField, FormError } from '../components/forms.js';
import { Confirm } from '../components/dialog.js';
import { toast } from '../components/toast.js';
import './records/records.css';

const TABS = [
  ['application', 'Application'],
  ['mail', 'Mail'],
  ['storage', 'Storage'],
  ['backups', 'Backups'],
  ['limits', 'Limits and proxy'],
  ['superusers', 'Superusers'],
];
const GROUPS = { application: ['meta'], mail: ['smtp', 'meta'], storage: ['s3'], backups: ['backups'], limits: ['rateLimits', 'trustedProxy', 'batch'] };

function useSettings() {
  const [s, setS] = useState(null);
  const [err, setErr] = useState('');
  useEffect(() => {
    pb.settings.getAll().then(setS).catch((e) => setErr(errorsOf(e).message));
  }, []);
  return [s, setS, err];
}

function SettingsForm({ tab, s, setS }) {
  const [errors, setErrors] = useState({ message: '', fields: {} });
  const [busy, setBusy] = useState(false);
  const fe = errors.fields;
  const upd = (group, key) => (v) => setS((x) => ({ ...x, [group]: { ...x[group], [key]: v } }));
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body = Object.fromEntries(GROUPS[tab].map((g) => [g, s[g]]));
      const next = await pb.settings.update(body);
      setS(next);
      setErrors({ message: '', fields: {} });
      toast('Settings saved');
    } catch (x) {
      setErrors(errorsOf(x));
    } finally {
      setBusy(false);
    }
  };
  const f = (group, key, label, extra = {}) => html`<${TextField} label=${label} value=${s[group][key]} onInput=${upd(group, key)} error=${fe[`${group}.${key}`]} ...${extra} />`;
  const n = (group, key, label, extra = {}) => html`<${NumberField} label=${label} value=${s[group][key]} onChange=${upd(group, key)} error=${fe[`${group}.${key}`]} ...${extra} />`;
  const c = (group, key, label, extra = {}) => html`<${Check} label=${label} checked=${s[group][key]} onChange=${upd(group, key)} error=${fe[`${group}.${key}`]} ...${extra} />`;
  let body;
  if (tab === 'application') {
    body = html`
      ${f('meta', 'appName', 'Application name', { hint: 'Shown in mails and page titles.' })}
      ${f('meta', 'appURL', 'Application URL', { type: 'url', hint: 'The public address of the app; links in mails point there.' })}
      ${c('meta', 'hideControls', 'Hide collection create and edit controls')}`;
  } else if (tab === 'mail') {
    body = html`
      ${f('meta', 'senderName', 'Sender name')}
      ${f('meta', 'senderAddress', 'Sender address', { type: 'email' })}
      ${c('smtp', 'enabled', 'Send through an SMTP server', { hint: 'Otherwise mails are not sent: the server logs them instead.' })}
      ${s.smtp.enabled && html`<div class="grid">
        ${f('smtp', 'host', 'SMTP host')}
        ${n('smtp', 'port', 'SMTP port')}
        ${f('smtp', 'username', 'SMTP username', { autocomplete: 'off' })}
        ${f('smtp', 'password', 'SMTP password', { type: 'password', autocomplete: 'new-password', hint: 'Kept when left empty.' })}
        <${SelectField} label="SMTP auth method" value=${s.smtp.authMethod || 'PLAIN'} onChange=${upd('smtp', 'authMethod')} options=${['PLAIN', 'LOGIN']} error=${fe['smtp.authMethod']} />
        ${f('smtp', 'localName', 'Local name (HELO)', { hint: 'Optional.' })}
      </div>
      ${c('smtp', 'tls', 'Use TLS')}`}`;
  } else if (tab === 'storage') {
    body = html`
      ${c('s3', 'enabled', 'Store files in S3-compatible storage', { hint: 'Otherwise files stay on the local disk beside the data.' })}
      ${s.s3.enabled && html`<div class="grid">
        ${f('s3', 'endpoint', 'S3 endpoint', { type: 'url' })}
        ${f('s3', 'bucket', 'Bucket')}
        ${f('s3', 'region', 'Region')}
        ${f('s3', 'accessKey', 'Access key', { autocomplete: 'off' })}
        ${f('s3', 'secret', 'Secret', { type: 'password', autocomplete: 'new-password', hint: 'Kept when left empty.' })}
      </div>
      ${c('s3', 'forcePathStyle', 'Force path-style addressing')}`}`;
  } else if (tab === 'backups') {
    const b = s.backups || {};
    const bs3 = b.s3 || {};
    const setB = (key) => (v) => setS((x) => ({ ...x, backups: { ...x.backups, [key]: v } }));
    const setS3 = (key) => (v) => setS((x) => ({ ...x, backups: { ...x.backups, s3: { ...(x.backups?.s3 || {}), [key]: v } } }));
    const t = (key, label, extra = {}) => html`<${TextField} label=${label} value=${bs3[key]} onInput=${setS3(key)} error=${fe[`backups.s3.${key}`]} ...${extra} />`;
    body = html`
      <p class="hint">Backups can also be made by hand on the <a href="#/backups">Backups and jobs</a> screen.</p>
      <div class="grid">
        <${TextField} label="Backup schedule (cron, UTC)" value=${b.cron} onInput=${setB('cron')} error=${fe['backups.cron']} mono
          hint='For example "0 3 * * *" for every night at 03:00; empty turns them off.' />
        <${NumberField} label="Automatic backups kept" value=${b.cronMaxKeep} onChange=${setB('cronMaxKeep')} error=${fe['backups.cronMaxKeep']}
          hint="The oldest automatic backups beyond this number are deleted." />
      </div>
      <${Check} label="Keep backups in S3-compatible storage" checked=${bs3.enabled} onChange=${setS3('enabled')} error=${fe['backups.s3.enabled']}
        hint="Otherwise they stay on the local disk beside the data." />
      ${bs3.enabled && html`<div class="grid">
        ${t('endpoint', 'Backups S3 endpoint', { type: 'url' })}
        ${t('bucket', 'Backups bucket')}
        ${t('region', 'Backups region')}
        ${t('accessKey', 'Backups access key', { autocomplete: 'off' })}
        ${t('secret', 'Backups secret', { type: 'password', autocomplete: 'new-password', hint: 'Kept when left empty.' })}
      </div>
      <${Check} label="Force path-style addressing for backups" checked=${bs3.forcePathStyle} onChange=${setS3('forcePathStyle')} />`}`;
  } else if (tab === 'limits') {
    const rules = s.rateLimits.rules || [];
    const setRule = (i, k) => (v) => upd('rateLimits', 'rules')(rules.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
    body = html`
      <fieldset><legend>Rate limits</legend>
        ${c('rateLimits', 'enabled', 'Limit requests per client')}
        <p class="hint">A label is a path prefix ("/api/"), a method and path ("POST /api/batch"), or a collection action ("posts:create", "*:auth").</p>
        ${rules.map((r, i) => html`<div class="grid rate-rule" key=${i} role="group" aria-label=${`Rate limit ${i + 1}`}>
          <${TextField} label="Label" value=${r.label} onInput=${setRule(i, 'label')} error=${fe[`rateLimits.rules.${i}.label`]} mono />
          <${SelectField} label="Audience" value=${r.audience || ''} onChange=${setRule(i, 'audience')} options=${[{ value: '', label: 'everyone' }, { value: '@guest', label: 'guests' }, { value: '@auth', label: 'logged in' }]} />
          <${NumberField} label="Per seconds" value=${r.duration} onChange=${setRule(i, 'duration')} error=${fe[`rateLimits.rules.${i}.duration`]} />
          <${NumberField} label="Max requests" value=${r.maxRequests} onChange=${setRule(i, 'maxRequests')} error=${fe[`rateLimits.rules.${i}.maxRequests`]} />
          <div><button type="button" class="btn small" onClick=${() => upd('rateLimits', 'rules')(rules.filter((_, j) => j !== i))}>Remove rate limit ${i + 1}</button></div>
        </div>`)}
        <button type="button" class="btn small" onClick=${() => upd('rateLimits', 'rules')([...rules, { label: '', audience: '', duration: 10, maxRequests: 100 }])}>Add rate limit</button>
      </fieldset>
      <fieldset><legend>Trusted proxy</legend>
        <${ListField} label="Headers with the client IP" value=${s.trustedProxy.headers} onChange=${upd('trustedProxy', 'headers')} error=${fe['trustedProxy.headers']}
          hint="For example X-Forwarded-For, X-Real-IP or CF-Connecting-IP; empty trusts none. Separate with commas." />
        ${c('trustedProxy', 'useLeftmostIP', 'Use the leftmost IP of the header (otherwise the rightmost)')}
      </fieldset>
      <fieldset><legend>Batch requests</legend>
        ${c('batch', 'enabled', 'Allow POST /api/batch')}
        <div class="grid">
          ${n('batch', 'maxRequests', 'Max requests per batch')}
          ${n('batch', 'timeout', 'Timeout (seconds)')}
          ${n('batch', 'maxBodySize', 'Max body size (bytes, 0 = default)')}
        </div>
      </fieldset>`;
  }
  const unclaimed = errors.message && !Object.keys(fe).length;
  return html`<form onSubmit=${save} novalidate>
    ${body}
    <${FormError} message=${unclaimed ? errors.message : Object.keys(fe).length ? `${errors.message} See the fields marked above.` : ''} />
    <div class="actions"><button type="submit" class="btn primary" disabled=${busy}>Save settings</button></div>
  </form>`;
}

function TestEmail() {
  const { items } = useStore(collections);
  const { user } = useStore(session);
  const [to, setTo] = useState(user?.email || '');
  const [tpl, setTpl] = useState('verification');
  const [coll, setColl] = useState('_superusers');
  const [err, setErr] = useState({ message: '', fields: {} });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    loadCollections();
  }, []);
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      await pb.settings.testEmail(coll, to, tpl);
      setErr({ message: '', fields: {} });
      toast(`A test mail was sent to ${to}`);
    } catch (x) {
      setErr(errorsOf(x));
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="card" onSubmit=${send} aria-labelledby="test-mail-h" novalidate>
    <h3 id="test-mail-h">Send a test e-mail</h3>
    <p class="muted small">Uses the saved settings: save first.</p>
    <div class="grid">
      <${TextField} label="Send to" type="email" value=${to} onInput=${setTo} error=${err.fields.email} />
      <${SelectField} label="Template" value=${tpl} onChange=${setTpl} error=${err.fields.template}
        options=${[{ value: 'verification', label: 'Verification' }, { value: 'password-reset', label: 'Password reset' }, { value: 'email-change', label: 'Email change' }, { value: 'otp', label: 'One-time password' }, { value: 'login-alert', label: 'Log-in alert' }]} />
      <${SelectField} label="Templates of collection" value=${coll} onChange=${setColl} error=${err.fields.collection}
        options=${items.filter((c) => c.type === 'auth').map((c) => c.name)} />
    </div>
    <${FormError} message=${err.message && !Object.keys(err.fields).length ? err.message : ''} />
    <button type="submit" class="btn" disabled=${busy}>Send test e-mail</button>
  </form>`;
}

function TestS3() {
  const [msg, setMsg] = useState(null);
  const test = async () => {
    setMsg({ ok: null, text: 'Testing…' });
    try {
      await pb.settings.testS3('storage');
      setMsg({ ok: true, text: 'The S3 storage answered: the saved settings work.' });
    } catch (x) {
      const e = errorsOf(x);
      setMsg({ ok: false, text: Object.values(e.fields)[0] || e.message });
    }
  };
  return html`<div class="card"><h3>Test the storage</h3><p class="muted small">Tries the saved S3 settings: save first.</p>
    <button type="button" class="btn" onClick=${test}>Test S3 connection</button>
    <div aria-live="polite">${msg && html`<p class=${msg.ok === false ? 'field-error' : msg.ok ? 'ok-note' : 'muted'}>${msg.text}</p>`}</div></div>`;
}

function Superusers() {
  const { user } = useStore(session);
  const [list, setList] = useState(null);
  const [tick, setTick] = useState(0);
  const [form, setForm] = useState({ email: '', password: '', passwordConfirm: '' });
  const [err, setErr] = useState({ message: '', fields: {} });
  const [del, setDel] = useState(null);
  useEffect(() => {
    pb.collection('_superusers').getFullList({ sort: 'email' }).then(setList).catch((e) => setErr(errorsOf(e)));
  }, [tick]);
  const create = async (e) => {
    e.preventDefault();
    try {
      await pb.collection('_superusers').create(form);
      toast(`Superuser ${form.email} created`);
      setForm({ email: '', password: '', passwordConfirm: '' });
      setErr({ message: '', fields: {} });
      setTick((t) => t + 1);
    } catch (x) {
      setErr(errorsOf(x));
    }
  };
  const remove = async () => {
    try {
      await pb.collection('_superusers').delete(del.id);
      toast(`Superuser ${del.email} deleted`);
    } catch (x) {
      toast(errorsOf(x).message, 'error');
    }
    setDel(null);
    setTick((t) => t + 1);
  };
  const set = (k) => (v) => setForm((f) => ({ ...f, [k]: v }));
  return html`
    ${list && html`<div class="table-wrap"><table class="list"><caption class="sr-only">Superusers</caption>
      <thead><tr><th scope="col">Email</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${list.map((u) => html`<tr key=${u.id}><td>${u.email}${u.id === user?.id ? html` <span class="badge">you</span>` : ''}</td><td class="small">${u.created}</td>
        <td>${u.id !== user?.id && html`<button type="button" class="btn small danger" onClick=${() => setDel(u)}>Delete<span class="sr-only"> ${u.email}</span></button>`}</td></tr>`)}</tbody>
    </table></div>`}
    <form class="card" onSubmit=${create} aria-labelledby="new-su-h" novalidate>
      <h3 id="new-su-h">New superuser</h3>
      <div class="grid">
        <${TextField} label="Email" type="email" value=${form.email} onInput=${set('email')} error=${err.fields.email} autocomplete="off" />
        <${TextField} label="Password" type="password" value=${form.password} onInput=${set('password')} error=${err.fields.password} autocomplete="new-password" />
        <${TextField} label="Confirm password" type="password" value=${form.passwordConfirm} onInput=${set('passwordConfirm')} error=${err.fields.passwordConfirm} autocomplete="new-password" />
      </div>
      <${FormError} message=${err.message && !Object.keys(err.fields).length ? err.message : ''} />
      <button type="submit" class="btn primary">Create superuser</button>
    </form>
    <${Confirm} open=${!!del} title="Delete this superuser?" confirmLabel="Delete" danger onConfirm=${remove} onCancel=${() => setDel(null)}>
      <p>${del?.email} can no longer log in to the dashboard.</p>
    <//>`;
}

function SettingsScreen({ params }) {
  const tab = params.tab || 'application';
  const [s, setS, err] = useSettings();
  const title = (TABS.find((t) => t[0] === tab) || TABS[0])[1];
  return html`<div class="page settings">
    <div class="page-head"><h1 tabindex="-1">Settings</h1></div>
    <nav class="settings-tabs" aria-label="Settings sections">
      ${TABS.map(([k, label]) => html`<a href=${`#/settings/${k}`} aria-current=${k === tab ? 'page' : undefined}>${label}</a>`)}
    </nav>
    <section class="card" aria-labelledby="settings-h">
      <h2 id="settings-h">${title}</h2>
      ${err && html`<p class="field-error" role="alert">${err}</p>`}
      ${tab === 'superusers'
        ? html`<${Superusers} />`
        : s
          ? html`<${SettingsForm} key=${tab} tab=${tab} s=${s} setS=${setS} />`
          : !err && html`<p role="status">Loading…</p>`}
    </section>
    ${tab === 'mail' && html`<${TestEmail} />`}
    ${tab === 'storage' && html`<${TestS3} />`}
  </div>`;
}

export function register() {
  route('/settings', SettingsScreen, { title: 'Settings' });
  route('/settings/:tab', SettingsScreen, { title: 'Settings' });
  navItem({ label: 'Settings', href: '#/settings', order: 30, match: /^\/settings/ });
}
