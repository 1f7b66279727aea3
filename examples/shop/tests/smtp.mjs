// A tiny SMTP server for the tests (not a test file): enough of RFC 5321 for
// Galley's mailer (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH).
import { createServer } from 'node:net';

export async function startMailbox() {
  const messages = [];
  const server = createServer((sock) => {
    sock.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let msg = null;
    sock.write('220 mailbox.test ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          msg.data = buf.slice(0, end).replace(/^\.\./gm, '.');
          buf = buf.slice(end + 5);
          inData = false;
          const subject = /^Subject: (.*)$/im.exec(msg.data)?.[1] ?? '';
          messages.push({ ...msg, subject: decodeSubject(subject) });
          msg = null;
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250-mailbox.test\r\n250 8BITMIME\r\n');
        else if (cmd === 'MAIL') { msg = { from: line.slice(10).replace(/[<>]/g, '').trim(), to: [] }; sock.write('250 OK\r\n'); }
        else if (cmd === 'RCPT') { msg?.to.push(line.slice(8).replace(/[<>]/g, '').trim().toLowerCase()); sock.write('250 OK\r\n'); }
        else if (cmd === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (cmd === 'RSET' || cmd === 'NOOP') sock.write('250 OK\r\n');
        else if (cmd === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('502 not implemented\r\n');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    messages,
    /** Mails to address (so far). */
    to: (address) => messages.filter((m) => m.to.includes(address.toLowerCase())),
    /** Waits until pred(messages) is true (or the test's timeout). */
    async waitFor(pred) {
      while (!pred(messages)) await new Promise((r) => setTimeout(r, 50));
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function decodeSubject(s) {
  // =?utf-8?q?...?= / =?utf-8?b?...?= encoded words
  return s.replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, enc, text) => enc.toLowerCase() === 'b'
    ? Buffer.from(text, 'base64').toString('utf8')
    : text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))));
}
