// Backups: the list of backup archives with create, upload, download,
// restore and delete (the backups API, superusers only), and the scheduled
// jobs (crons) with a button that runs one now.
import { useEffect, useId, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { pb } from '../lib/pb.js';
import { route, navItem } from '../lib/router.js';
import { errorsOf } from '../lib/errors.js';
import { Confirm, Dialog } from '../components/dialog.js';
import { toast } from '../components/toast.js';

/** size formats a byte count for people. */
export function size(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function CreateDialog({ open, onClose, onDone }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const id = useId();
  useEffect(() => {
    if (open) {
      setName('');
      setErr('');
    }
  }, [open]);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr('');
    try {
      await pb.backups.create(name.trim());
      toast('Backup created');
      onDone();
    } catch (x) {
      const ex = errorsOf(x);
      setErr(ex.fields.name || ex.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} open=${open} title="Create a backup" onClose=${onClose}>
    <form onSubmit=${submit}>
      <div class="dialog-body">
        <label for=${id}>Name <span class="muted small">(optional)</span></label>
        <input id=${id} type="text" class="mono" value=${name} placeholder="before_upgrade.zip" onInput=${(e) => setName(e.currentTarget.value)}
          aria-invalid=${err ? 'true' : undefined} aria-describedby=${`${id}-hint${err ? ` ${id}-err` : ''}`} />
        <p class="muted small" id=${`${id}-hint`}>Lower-case letters, digits, _ and -, ending in .zip. Left empty, Galley names it after the date and time.</p>
        ${err && html`<p class="field-error" id=${`${id}-err`} role="alert">${err}</p>`}
        <p class="small">The backup holds every collection, record and stored file, taken while Galley keeps serving.</p>
      </div>
      <div class="actions">
        <button type="button" class="btn" onClick=${onClose}>Cancel</button>
        <button type="submit" class="btn primary" disabled=${busy}>${busy ? 'Creating…' : 'Create backup'}</button>
      </div>
    </form>
  <//>`;
}

function BackupsSection() {
  const [list, setList] = useState(null);
  const [err, setErr] = useState('');
  const [creating, setCreating] = useState(false);
  const [restore, setRestore] = useState(null);
  const [remove, setRemove] = useState(null);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const fileId = useId();
  useEffect(() => {
    pb.backups
      .getFullList()
      .then((l) => {
        setList(l.sort((a, b) => String(b.modified).localeCompare(String(a.modified))));
        setErr('');
      })
      .catch((e) => setErr(errorsOf(e).message));
  }, [tick]);
  const reload = () => setTick((t) => t + 1);
  const download = async (key) => {
    try {
      const token = await pb.files.getToken();
      window.location.href = pb.backups.getDownloadURL(token, key);
    } catch (e) {
      toast(errorsOf(e).message, 'error');
    }
  };
  const upload = async (e) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!file) return;
    try {
      await pb.backups.upload({ file });
      toast(`Uploaded ${file.name}`);
      reload();
    } catch (x) {
      const ex = errorsOf(x);
      toast(ex.fields.file || ex.message, 'error');
    }
  };
  const act = async (what, fn) => {
    setBusy(true);
    try {
      await fn();
      toast(what);
      reload();
    } catch (x) {
      toast(errorsOf(x).message, 'error');
    } finally {
      setBusy(false);
      setRestore(null);
      setRemove(null);
    }
  };
  return html`<section aria-labelledby="backups-h">
    <div class="page-head"><h2 id="backups-h" class="sub">Backups</h2>
      <div class="actions">
        <label class="btn" for=${fileId}>Upload backup</label>
        <input id=${fileId} class="sr-only" type="file" accept=".zip,application/zip" onChange=${upload} />
        <button type="button" class="btn primary" onClick=${() => setCreating(true)}>Create backup</button>
      </div>
    </div>
    ${err && html`<p class="field-error" role="alert">${err}</p>`}
    ${!list && !err && html`<p role="status">Loading…</p>`}
    ${list && html`<div class="table-wrap"><table class="list">
      <caption class="sr-only">Backups, newest first</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Modified</th></tr></thead>
      <tbody>
        ${list.length === 0 && html`<tr><td colspan="3" class="muted">No backups yet. Create one, or upload a backup taken elsewhere (SQLite and PostgreSQL backups restore into either).</td></tr>`}
        ${list.map((b) => html`<tr key=${b.key}>
          <td>
            <span class="mono small">${b.key}</span>
            <div class="row-actions">
              <button type="button" class="btn small" onClick=${() => download(b.key)}>Download<span class="sr-only"> ${b.key}</span></button>
              <button type="button" class="btn small" onClick=${() => setRestore(b.key)}>Restore<span class="sr-only"> ${b.key}</span></button>
              <button type="button" class="btn small danger-text" onClick=${() => setRemove(b.key)}>Delete<span class="sr-only"> ${b.key}</span></button>
            </div>
          </td>
          <td class="small">${size(b.size)}</td>
          <td class="small">${b.modified}</td>
        </tr>`)}
      </tbody>
    </table></div>`}
    <${CreateDialog} open=${creating} onClose=${() => setCreating(false)} onDone=${() => { setCreating(false); reload(); }} />
    <${Confirm} open=${!!restore} title="Restore this backup?" confirmLabel="Restore" danger busy=${busy}
      onCancel=${() => setRestore(null)} onConfirm=${() => act('Backup restored', () => pb.backups.restore(restore))}>
      <p>Every collection, record and file is replaced by the content of <strong class="mono">${restore}</strong>. Changes made since it was taken are lost. Create a backup first if unsure.</p>
    <//>
    <${Confirm} open=${!!remove} title="Delete this backup?" confirmLabel="Delete" danger busy=${busy}
      onCancel=${() => setRemove(null)} onConfirm=${() => act('Backup deleted', () => pb.backups.delete(remove))}>
      <p><strong class="mono">${remove}</strong> is deleted for good.</p>
    <//>
  </section>`;
}

function CronsSection() {
  const [list, setList] = useState(null);
  const [err, setErr] = useState('');
  const [running, setRunning] = useState('');
  useEffect(() => {
    pb.crons
      .getFullList()
      .then(setList)
      .catch((e) => setErr(errorsOf(e).message));
  }, []);
  const run = async (id) => {
    setRunning(id);
    try {
      await pb.crons.run(id);
      toast(`Ran ${id}`);
    } catch (e) {
      toast(errorsOf(e).message, 'error');
    } finally {
      setRunning('');
    }
  };
  return html`<section aria-labelledby="crons-h">
    <h2 id="crons-h" class="sub">Scheduled jobs</h2>
    <p class="muted">Jobs registered by hooks (<code>cronAdd</code>) and by Galley itself, with their schedules in UTC. On several nodes each run happens on one node only.</p>
    ${err && html`<p class="field-error" role="alert">${err}</p>`}
    ${!list && !err && html`<p role="status">Loading…</p>`}
    ${list && html`<div class="table-wrap"><table class="list">
      <caption class="sr-only">Scheduled jobs</caption>
      <thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        ${list.length === 0 && html`<tr><td colspan="3" class="muted">No scheduled jobs.</td></tr>`}
        ${list.map((c) => html`<tr key=${c.id}>
          <td class="mono small">${c.id}</td>
          <td class="mono small">${c.expression}</td>
          <td><button type="button" class="btn small" disabled=${running === c.id} onClick=${() => run(c.id)}>${running === c.id ? 'Running…' : 'Run now'}<span class="sr-only"> ${c.id}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>`}
  </section>`;
}

function BackupsScreen() {
  return html`<div class="page backups">
    <div class="page-head"><h1 tabindex="-1">Backups and jobs</h1></div>
    <p class="muted">Automatic backups and where they are kept (local disk or S3) are set in <a href="#/settings">Settings</a>.</p>
    <${BackupsSection} />
    <${CronsSection} />
  </div>`;
}

export function register() {
  route('/backups', BackupsScreen, { title: 'Backups and jobs' });
  navItem({ label: 'Backups and jobs', href: '#/backups', order: 25 });
}
