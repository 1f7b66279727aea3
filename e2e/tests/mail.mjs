// A real SMTP server inside the test process, for the auth flows that send
// mail (verification, password reset, email change, OTP). Not a test file.
//
// Galley's SMTP settings are global, so only one test file at a time may point
// them at its own mailbox: every mail-reading test lives in
// auth_mail.test.mjs, whose tests run one after another.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { assert } from './lib.mjs';

/** How long a test waits for a mail that should arrive (ms). */
export const MAIL_WAIT_MS = Number(process.env.GALLEY_E2E_MAIL_WAIT_MS || 5000);

/**
 * Starts an SMTP server on 127.0.0.1 (random port; no TLS; AUTH accepted but
 * not required) that keeps every message it receives.
 *
 * Returns {port, messages, waitFor(to, opts), expectNone(to, ms), close()}.
 * Each message: {envelopeFrom, to: [lower-cased envelope recipients],
 * from, subject, text, html, raw}.
 */
export async function startMailbox() {
  const messages = [];
  const waiters = new Set();

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, session, cb) {
      cb(null, { user: auth.username || 'anonymous' });
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('error', cb);
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        try {
          const parsed = await simpleParser(raw);
          const msg = {
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: parsed.from?.value?.[0] ?? null,
            headerTo: (parsed.to?.value ?? []).map((a) => (a.address || '').toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            raw: raw.toString('utf8'),
          };
          messages.push(msg);
          for (const w of [...waiters]) w();
          cb();
        } catch (e) {
          cb(e);
        }
      });
    },
  });
  server.on('error', () => {});

  await new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const port = server.server.address().port;

  const find = (to, since) => {
    const addr = to.toLowerCase();
    return messages.slice(since).find((m) => m.to.includes(addr) || m.headerTo.includes(addr));
  };

  return {
    port,
    messages,
    /** Index to pass as `since`: only mails received after this call count. */
    mark() {
      return messages.length;
    },
    /**
     * Resolves with the first mail to `to` received at or after index `since`;
     * fails the test after `timeout` ms.
     */
    waitFor(to, { since = 0, timeout = MAIL_WAIT_MS, what = '' } = {}) {
      const hit = find(to, since);
      if (hit) return Promise.resolve(hit);
      return new Promise((res, rej) => {
        const check = () => {
          const m = find(to, since);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            res(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          rej(new Error(
            `${what ? what + ': ' : ''}no mail to ${to} reached the test SMTP server (127.0.0.1:${port}) within ${timeout} ms; ` +
            `received so far: ${JSON.stringify(messages.map((m) => ({ to: m.to, subject: m.subject })))}`,
          ));
        }, timeout);
        waiters.add(check);
      });
    },
    /** Waits `ms` and asserts that no mail to `to` arrived after `since`. */
    async expectNone(to, { since = 0, ms = 1500, what = '' } = {}) {
      await new Promise((r) => setTimeout(r, ms));
      const m = find(to, since);
      assert.equal(m, undefined, `${what ? what + ': ' : ''}expected no mail to ${to}, got ${JSON.stringify(m && { subject: m.subject })}`);
    },
    close() {
      return new Promise((res) => server.close(() => res()));
    },
  };
}

/** Points Galley's mail settings at the mailbox on `port` (superuser client). */
export async function configureSMTP(pb, port) {
  return pb.settings.update({
    smtp: { enabled: true, host: '127.0.0.1', port, tls: false },
    meta: { appURL: 'http://localhost:8090', senderAddress: 'noreply@example.com', senderName: 'Galley' },
  });
}

/** Turns Galley's SMTP off again (cleanup). */
export async function disableSMTP(pb) {
  try {
    await pb.settings.update({ smtp: { enabled: false } });
  } catch {
    // best effort
  }
}

const JWT = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';

/**
 * The token of the action link `.../_/#/auth/<action>/<TOKEN>` in a mail
 * (html first, then text). `action` is e.g. "confirm-password-reset".
 */
export function actionToken(mail, action) {
  const re = new RegExp(`/auth/${action}/(${JWT})`);
  for (const body of [mail.html, mail.text, mail.raw]) {
    const m = re.exec(body || '');
    if (m) return m[1];
  }
  assert.fail(`no /auth/${action}/<token> link in the mail "${mail.subject}":\n${mail.text || mail.html}`);
}

/** The OTP code of a mail: the first run of 6 to 12 digits in its body. */
export function otpCode(mail) {
  const body = mail.text || (mail.html || '').replace(/<[^>]*>/g, ' ');
  const text = body.replace(/https?:\/\/\S+/g, ' ');
  const m = /(?<!\d)\d{6,12}(?!\d)/.exec(text);
  assert.ok(m, `no OTP code (a run of digits) in the mail "${mail.subject}":\n${text}`);
  return m[0];
}
