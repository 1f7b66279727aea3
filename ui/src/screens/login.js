// Log-in of superusers: password, then a one-time code when the server
// asks for a second factor (401 with mfaId), or a code alone. Used as the
// log-in screen and inside the "session expired" dialog.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { pb, logOut } from '../lib/pb.js';
import { errorsOf } from '../lib/errors.js';
import { TextField, FormError, useAutofocus } from '../components/forms.js';

const su = () => pb.collection('_superusers');

/** LoginForm logs a superuser in; onDone runs after success. */
export function LoginForm({ email: initialEmail = '', onDone, submitLabel = 'Log in' }) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [otp, setOTP] = useState(null); // {otpId}
  const [mfaId, setMfaId] = useState('');
  const [busy, setBusy] = useState(false);
  const [errs, setErrs] = useState({ message: '', fields: {} });
  const first = useAutofocus();

  const fail = (e) => {
    const r = errorsOf(e);
    // A refused log-in names no field: show it on the password (or the code).
    if (!Object.keys(r.fields).length && (r.status === 400 || r.status === 401)) {
      r.fields = otp ? { otp: r.message } : { password: r.message };
      r.message = '';
    }
    setErrs(r);
  };
  const askCode = async (mfa) => {
    const res = await su().requestOTP(email);
    setOTP({ otpId: res.otpId });
    setMfaId(mfa || '');
    setCode('');
    setErrs({ message: '', fields: {} });
  };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      if (otp) {
        await su().authWithOTP(otp.otpId, code.trim(), mfaId ? { mfaId } : {});
      } else {
        await su().authWithPassword(email, password, mfaId ? { mfaId } : {});
      }
      onDone?.();
    } catch (err) {
      const id = err?.response?.mfaId;
      if (err.status === 401 && id) {
        // First factor accepted: the second one is a code sent by mail
        // (or the password, when the first was a code).
        try {
          if (otp) {
            setOTP(null);
            setMfaId(id);
            setErrs({ message: 'Now enter your password (multi-factor authentication).', fields: {} });
          } else {
            await askCode(id);
          }
        } catch (e2) {
          fail(e2);
        }
      } else {
        fail(err);
      }
    } finally {
      setBusy(false);
    }
  };
  const codeInstead = async () => {
    if (!email) {
      setErrs({ message: '', fields: { email: 'Enter your email first.' } });
      return;
    }
    setBusy(true);
    try {
      await askCode(mfaId);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const f = errs.fields;
  return html`
    <form onSubmit=${submit} novalidate>
      ${otp
        ? html`
            <p>We sent a one-time code to <strong>${email}</strong>.</p>
            <${TextField}
              label="One-time code"
              value=${code}
              onInput=${setCode}
              error=${f.otp || f.password}
              autocomplete="one-time-code"
              inputmode="numeric"
              required
              inputRef=${first}
            />
          `
        : html`
            <${TextField} label="Email" type="email" value=${email} onInput=${setEmail} error=${f.identity || f.email}
              autocomplete="username" required inputRef=${initialEmail ? undefined : first} autofocus=${!initialEmail} />
            <${TextField} label="Password" type="password" value=${password} onInput=${setPassword} error=${f.password}
              autocomplete="current-password" required inputRef=${initialEmail ? first : undefined} autofocus=${!!initialEmail} />
          `}
      <${FormError} message=${errs.message} />
      <div class="actions">
        <button class="btn primary" type="submit" disabled=${busy}>${busy ? 'Checking…' : otp ? 'Verify code' : submitLabel}</button>
        ${!otp && !mfaId && html`<button class="btn link" type="button" onClick=${codeInstead} disabled=${busy}>Email me a one-time code instead</button>`}
        ${otp && html`<button class="btn link" type="button" onClick=${() => askCode(mfaId).catch(fail)} disabled=${busy}>Send a new code</button>`}
      </div>
    </form>
  `;
}

export function LoginScreen() {
  return html`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Log in</h1>
        <p class="muted">Superusers manage collections, records and settings here.</p>
        <${LoginForm} />
        <p class="muted small">
          First start? <code>galley serve</code> printed a link to create the first superuser
          (<a href="#/install">enter the install token</a>), or run <code>galley superuser upsert EMAIL PASSWORD</code>.
        </p>
      </div>
    </main>
  `;
}

/** SessionExpired asks for the password again over the current screen, which keeps its edits. */
export function SessionExpired({ email }) {
  return html`
    <div class="card narrow">
      <p>Your session has ended. Log in again to go on: what you typed is kept.</p>
      <${LoginForm} email=${email} submitLabel="Log in again" />
      <button class="btn link" type="button" onClick=${logOut}>Log out instead</button>
    </div>
  `;
}
