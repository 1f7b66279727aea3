// First run: create the first superuser with the one-time install token
// that `galley serve` prints (POST /api/install), then log in with it.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { pb } from '../lib/pb.js';
import { navigate } from '../lib/router.js';
import { errorsOf } from '../lib/errors.js';
import { TextField, FormError, useAutofocus } from '../components/forms.js';

export function InstallScreen({ query }) {
  const [token, setToken] = useState(query.token || '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [errs, setErrs] = useState({ message: '', fields: {} });
  const first = useAutofocus();

  const submit = async (e) => {
    e.preventDefault();
    if (password !== confirm) {
      setErrs({ message: '', fields: { passwordConfirm: 'The passwords do not match.' } });
      return;
    }
    setBusy(true);
    try {
      const res = await pb.send('/api/install', { method: 'POST', body: { token: token.trim(), email, password } });
      if (res?.token) pb.authStore.save(res.token, res.record);
      else await pb.collection('_superusers').authWithPassword(email, password);
      navigate('#/collections', { replace: true });
    } catch (err) {
      const r = errorsOf(err);
      if (r.status === 403) {
        // a wrong or used token, or a superuser exists already
        r.fields = { token: r.message };
        r.message = '';
      }
      setErrs(r);
    } finally {
      setBusy(false);
    }
  };
  const f = errs.fields;
  return html`
    <main class="center" id="main-content" tabindex="-1">
      <div class="card narrow">
        <div class="brand big">Galley</div>
        <h1>Create the first superuser</h1>
        <p class="muted">
          Superusers manage collections, records and settings. The install token is in the link
          <code>galley serve</code> printed; it works once, until the server stops.
        </p>
        <form onSubmit=${submit} novalidate>
          <${TextField} label="Install token" value=${token} onInput=${setToken} error=${f.token} autocomplete="off" required
            inputRef=${query.token ? undefined : first} mono />
          <${TextField} label="Email" type="email" value=${email} onInput=${setEmail} error=${f.email} autocomplete="username" required
            inputRef=${query.token ? first : undefined} />
          <${TextField} label="Password" type="password" value=${password} onInput=${setPassword} error=${f.password}
            hint="At least 8 characters." autocomplete="new-password" required />
          <${TextField} label="Confirm password" type="password" value=${confirm} onInput=${setConfirm} error=${f.passwordConfirm}
            autocomplete="new-password" required />
          <${FormError} message=${errs.message} />
          <div class="actions">
            <button class="btn primary" type="submit" disabled=${busy}>${busy ? 'Creating…' : 'Create superuser and log in'}</button>
            <a class="btn link" href="#/login">I already have an account</a>
          </div>
        </form>
      </div>
    </main>
  `;
}
