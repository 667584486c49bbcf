// The mailer: .eml files in the outbox without SMTP_URL, and delivery to an SMTP relay with it.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer, OUTBOX_DIR } from './mailer.ts';

const message = {
  to: 'ada@example.test',
  subject: 'Accord: hello',
  text: 'Your code is 123456',
  kind: 'test',
};
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'accord-mail-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Just enough of an SMTP server to accept one message and hand over its DATA. */
async function smtpSink(): Promise<{ port: number; received: Promise<string> }> {
  let deliver: (data: string) => void = () => undefined;
  const received = new Promise<string>((resolve) => {
    deliver = resolve;
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let buffer = '';
    let inData = false;
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          deliver(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 queued\r\n');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline).toUpperCase();
        buffer = buffer.slice(newline + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 sink\r\n');
        else if (line.startsWith('DATA')) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as AddressInfo).port, received };
}

describe('mailer', () => {
  it('writes one owner-only .eml file per message to the outbox without SMTP_URL', async () => {
    const dataDir = await tempDir();
    const mailer = createMailer(
      { smtpUrl: undefined, mailFrom: 'Accord <no-reply@accord.invalid>', dataDir },
      () => 0,
    );
    await mailer.send(message);
    await mailer.send({ ...message, text: 'second' });
    mailer.close();
    const dir = path.join(dataDir, OUTBOX_DIR);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files.every((file) => file.endsWith('.eml'))).toBe(true);
    const first = await readFile(path.join(dir, files[0] ?? ''), 'utf8');
    expect(first).toContain('To: ada@example.test');
    expect(first).toContain('X-Accord-Kind: test');
    expect(first).toContain('Your code is 123456');
    expect(first).toContain('Date: Thu, 01 Jan 1970');
    expect(await readFile(path.join(dir, files[1] ?? ''), 'utf8')).toContain('second');
  });

  it('delivers through the SMTP relay when SMTP_URL is set', async () => {
    const sink = await smtpSink();
    const dataDir = await tempDir();
    const mailer = createMailer(
      { smtpUrl: `smtp://127.0.0.1:${sink.port}`, mailFrom: 'Accord <no-reply@accord.invalid>', dataDir },
      Date.now,
    );
    await mailer.send(message);
    mailer.close();
    const data = await sink.received;
    expect(data).toContain('Subject: Accord: hello');
    expect(data).toContain('Your code is 123456');
    expect(await readdir(dataDir)).toEqual([]);
  });
});
