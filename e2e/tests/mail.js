// A mail server on loopback for the browser tests that follow links in mails, and the decoding
// of the parts of a received message.
import assert from 'node:assert/strict';
import net from 'node:net';

/**
 * A tiny SMTP server on loopback: enough of the protocol for a client to deliver, keeping
 * every message accepted as `{ to, data }`.
 */
export function smtpSink() {
  const messages = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let to = [];
    let data = [];
    socket.setEncoding('utf8');
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push({ to, data: data.join('\r\n') });
            to = [];
            data = [];
            socket.write('250 queued\r\n');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') socket.write('250 sink\r\n');
        else if (verb === 'MAIL') { to = []; socket.write('250 ok\r\n'); }
        else if (verb === 'RCPT') { to.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, '$1')); socket.write('250 ok\r\n'); }
        else if (verb === 'DATA') { inData = true; socket.write('354 go on\r\n'); }
        else if (verb === 'QUIT') { socket.end('221 bye\r\n'); }
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      messages,
      close: () => new Promise((r) => server.close(r)),
    }));
  });
}

/** Undoes quoted-printable encoding. */
export function decodeQp(s) {
  const bytes = [];
  const text = s.replace(/=\r\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The decoded body of the part of a message with this content type. */
export function part(message, type) {
  const start = message.data.indexOf(`Content-Type: ${type}`);
  assert.ok(start >= 0, `a ${type} part in\n${message.data}`);
  const above = message.data.slice(0, start).split('\r\n').reverse();
  const boundary = above.find((l) => l.startsWith('--') && !l.startsWith('-- ')).slice(2);
  const rest = message.data.slice(start);
  const bodyAt = rest.indexOf('\r\n\r\n');
  const head = rest.slice(0, bodyAt);
  let body = rest.slice(bodyAt + 4);
  body = body.slice(0, body.indexOf(`\r\n--${boundary}`));
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) return decodeQp(body);
  if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}
