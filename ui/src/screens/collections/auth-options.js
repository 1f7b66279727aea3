// The options of an auth collection: password auth and identity fields,
// one-time codes, MFA, OAuth2 providers, token durations and mail templates.
import { useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { TextField, NumberField, Check, SelectField } from '../../components/forms.js';
import { RuleEditor } from '../../components/rule-editor.js';

const PROVIDERS = [
  ['google', 'Google'],
  ['github', 'GitHub'],
  ['gitlab', 'GitLab'],
  ['microsoft', 'Microsoft'],
  ['discord', 'Discord'],
  ['oidc', 'OpenID Connect'],
  ['oidc2', 'OpenID Connect (2)'],
  ['oidc3', 'OpenID Connect (3)'],
];

const TOKENS = [
  ['authToken', 'Auth token', 'How long a log-in lasts.'],
  ['verificationToken', 'Verification token', 'The link in the verification mail.'],
  ['passwordResetToken', 'Password reset token', 'The link in the reset mail.'],
  ['emailChangeToken', 'Email change token', 'The link confirming a new address.'],
  ['fileToken', 'File token', 'Access to protected files.'],
];

const TEMPLATES = [
  ['verificationTemplate', 'Verification mail'],
  ['resetPasswordTemplate', 'Password reset mail'],
  ['confirmEmailChangeTemplate', 'Email change mail'],
  ['otp.emailTemplate', 'One-time code mail'],
  ['authAlert.emailTemplate', 'New device log-in alert'],
];

const get = (o, path) => path.split('.').reduce((v, k) => v?.[k], o);
function setIn(o, path, value) {
  const [k, ...rest] = path.split('.');
  return { ...o, [k]: rest.length ? setIn(o?.[k] || {}, rest.join('.'), value) : value };
}

function randomSecret() {
  const abc = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const b = crypto.getRandomValues(new Uint8Array(50));
  return Array.from(b, (x) => abc[x % abc.length]).join('');
}

function Section({ title, children }) {
  return html`<section class="opt-section"><h2>${title}</h2>${children}</section>`;
}

export function AuthOptionsEditor({ draft, update, errors, all }) {
  const set = (path, v) => update((d) => setIn(d, path, v));
  const e = errors;
  const textish = draft.fields.filter((f) => (f.type === 'text' || f.type === 'email') && f.name && f.name !== 'id' && f.name !== 'tokenKey');
  const identity = draft.passwordAuth?.identityFields || [];
  const providers = draft.oauth2?.providers || [];
  const [tpl, setTpl] = useState(TEMPLATES[0][0]);
  const fieldOpts = [{ value: '', label: '(none)' }, ...draft.fields.filter((f) => f.name && !f.system).map((f) => ({ value: f.name, label: f.name }))];
  const setProvider = (i, patch) => set('oauth2.providers', providers.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const idErr = Object.entries(e).find(([k]) => k.startsWith('passwordAuth.identityFields'))?.[1];
  return html`
    <div class="auth-options">
      <${Section} title="Password">
        <${Check} label="Log in with a password" checked=${draft.passwordAuth?.enabled} onChange=${(v) => set('passwordAuth.enabled', v)} error=${e['passwordAuth.enabled']} />
        <fieldset class="inline-group">
          <legend>Identity fields (what users type as their login)</legend>
          ${textish.map(
            (f) => html`<${Check}
              key=${f.name}
              label=${f.name}
              checked=${identity.includes(f.name)}
              onChange=${(on) => set('passwordAuth.identityFields', on ? [...identity, f.name] : identity.filter((x) => x !== f.name))}
            />`,
          )}
          ${idErr && html`<p class="field-error">${idErr}</p>`}
        </fieldset>
      <//>
      <${Section} title="One-time codes by mail (OTP)">
        <${Check} label="Log in with a one-time code" checked=${draft.otp?.enabled} onChange=${(v) => set('otp.enabled', v)} />
        <div class="grid">
          <${NumberField} label="Code length" value=${draft.otp?.length} onChange=${(v) => set('otp.length', v ?? 0)} error=${e['otp.length']} min="4" max="32" />
          <${NumberField} label="Code valid for (seconds)" value=${draft.otp?.duration} onChange=${(v) => set('otp.duration', v ?? 0)} error=${e['otp.duration']} />
        </div>
      <//>
      <${Section} title="Multi-factor authentication (MFA)">
        <${Check} label="Require two different methods" checked=${draft.mfa?.enabled} onChange=${(v) => set('mfa.enabled', v)}
          hint="A log-in then needs two methods (for example the password and a one-time code) within the duration." />
        <${NumberField} label="Second method within (seconds)" value=${draft.mfa?.duration} onChange=${(v) => set('mfa.duration', v ?? 0)} error=${e['mfa.duration']} />
        <${RuleEditor} label="MFA rule" value=${draft.mfa?.rule ?? ''} onChange=${(v) => set('mfa.rule', v ?? '')} collection=${draft} all=${all}
          error=${e['mfa.rule']} lockable=${false} hint="Empty: MFA for every record. A rule: only for records it matches." />
      <//>
      <${Section} title="OAuth2">
        <${Check} label="Log in with OAuth2 providers" checked=${draft.oauth2?.enabled} onChange=${(v) => set('oauth2.enabled', v)} />
        ${providers.map(
          (p, i) => html`<fieldset class="provider" key=${i}>
            <legend>Provider ${i + 1}: ${p.displayName || p.name || 'new'}</legend>
            <div class="grid">
              <${SelectField} label="Provider" value=${p.name} onChange=${(v) => setProvider(i, { name: v })} error=${e[`oauth2.providers.${i}.name`]}
                options=${[{ value: '', label: 'Choose…' }, ...PROVIDERS.map(([v, l]) => ({ value: v, label: l }))]} />
              <${TextField} label="Display name" value=${p.displayName} onInput=${(v) => setProvider(i, { displayName: v })} />
              <${TextField} label="Client ID" value=${p.clientId} onInput=${(v) => setProvider(i, { clientId: v })} error=${e[`oauth2.providers.${i}.clientId`]} autocomplete="off" />
              <${TextField} label="Client secret" type="password" value=${p.clientSecret} onInput=${(v) => setProvider(i, { clientSecret: v })}
                error=${e[`oauth2.providers.${i}.clientSecret`]} autocomplete="new-password" hint="Never shown again; leave empty to keep the saved one." />
              ${p.name?.startsWith('oidc') &&
              html`
                <${TextField} label="Auth URL" value=${p.authURL} onInput=${(v) => setProvider(i, { authURL: v })} error=${e[`oauth2.providers.${i}.authURL`]} />
                <${TextField} label="Token URL" value=${p.tokenURL} onInput=${(v) => setProvider(i, { tokenURL: v })} error=${e[`oauth2.providers.${i}.tokenURL`]} />
                <${TextField} label="User info URL" value=${p.userInfoURL} onInput=${(v) => setProvider(i, { userInfoURL: v })} error=${e[`oauth2.providers.${i}.userInfoURL`]} />
              `}
              <${Check} label="PKCE" checked=${p.pkce !== false} onChange=${(v) => setProvider(i, { pkce: v })} />
            </div>
            <button type="button" class="btn danger-text" onClick=${() => set('oauth2.providers', providers.filter((_, j) => j !== i))}>Remove provider ${i + 1}</button>
          </fieldset>`,
        )}
        <button type="button" class="btn" onClick=${() => set('oauth2.providers', [...providers, { name: '', clientId: '', clientSecret: '', displayName: '', authURL: '', tokenURL: '', userInfoURL: '', pkce: true, extra: {} }])}>
          Add OAuth2 provider
        </button>
        <fieldset class="inline-group">
          <legend>Fields filled from the provider's profile</legend>
          <div class="grid">
            ${['name', 'username', 'avatarURL'].map(
              (k) => html`<${SelectField} key=${k} label=${`Provider ${k}`} value=${draft.oauth2?.mappedFields?.[k] || ''}
                onChange=${(v) => set(`oauth2.mappedFields.${k}`, v)} error=${e[`oauth2.mappedFields.${k}`]} options=${fieldOpts} />`,
            )}
          </div>
        </fieldset>
      <//>
      <${Section} title="Token durations">
        <div class="grid">
          ${TOKENS.map(
            ([k, label, hint]) => html`<div key=${k}>
              <${NumberField} label=${`${label} (seconds)`} value=${draft[k]?.duration} onChange=${(v) => set(`${k}.duration`, v ?? 0)} error=${e[`${k}.duration`]} hint=${hint} />
              ${draft.id &&
              html`<${Check} label=${`Invalidate all ${label.toLowerCase()}s on save`} checked=${!!draft[k]?.secret}
                onChange=${(on) => set(`${k}.secret`, on ? randomSecret() : undefined)} />`}
            </div>`,
          )}
        </div>
      <//>
      <${Section} title="New device alert">
        <${Check} label="Mail users when they log in from a new device" checked=${draft.authAlert?.enabled} onChange=${(v) => set('authAlert.enabled', v)} />
      <//>
      <${Section} title="Mail templates">
        <${SelectField} label="Template" value=${tpl} onChange=${setTpl} options=${TEMPLATES.map(([v, l]) => ({ value: v, label: l }))} />
        <${TextField} label="Subject" value=${get(draft, `${tpl}.subject`)} onInput=${(v) => set(`${tpl}.subject`, v)} error=${e[`${tpl}.subject`]}
          hint="Empty: Galley's default text." />
        <${TextField} label="Body (HTML)" rows="8" mono value=${get(draft, `${tpl}.body`)} onInput=${(v) => set(`${tpl}.body`, v)} error=${e[`${tpl}.body`]}
          hint="Placeholders: {APP_NAME} {APP_URL} {TOKEN} {OTP} {ACTION_URL} {RECORD:field}. Empty: the default." />
      <//>
    </div>
  `;
}
