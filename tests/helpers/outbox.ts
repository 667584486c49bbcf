// Reads the mail a test server wrote to DATA_DIR/outbox (.eml files) and pulls codes and links out.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestServer } from './server.ts';

export interface Mail {
  readonly file: string;
  readonly to: string;
  readonly subject: string;
  /** The X-Accord-Kind header: which template wrote it (verify-email, password-reset, …). */
  readonly kind: string;
  readonly text: string;
}

function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const source = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < source.length; i++) {
    const char = source[i] ?? '';
    const hex = source.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A single-part text message as nodemailer writes it; enough RFC 5322 for our own mail. */
export function parseMail(file: string, raw: string): Mail {
  const split = raw.indexOf('\n\n');
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split + 2);
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return {
    file,
    to: (headers.get('to') ?? '').toLowerCase(),
    subject: headers.get('subject') ?? '',
    kind: headers.get('x-accord-kind') ?? '',
    text,
  };
}

/** Every mail the server sent so far, oldest first (waits for mail still being sent). */
export async function outbox(server: TestServer): Promise<Mail[]> {
  await server.server.accounts.tasks.drain();
  const dir = path.join(server.dataDir, 'outbox');
  const names = await readdir(dir).catch(() => []);
  const files = names.filter((name) => name.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (name) => parseMail(name, await readFile(path.join(dir, name), 'utf8'))),
  );
}

/** The mails to one address (optionally of one kind), oldest first. */
export async function mailsTo(server: TestServer, to: string, kind?: string): Promise<Mail[]> {
  const address = to.toLowerCase();
  return (await outbox(server)).filter(
    (mail) => mail.to === address && (kind === undefined || mail.kind === kind),
  );
}

/** The newest mail to an address (optionally of one kind); fails the test when there is none. */
export async function latestMail(server: TestServer, to: string, kind?: string): Promise<Mail> {
  const mail = (await mailsTo(server, to, kind)).at(-1);
  if (mail === undefined) throw new Error(`no ${kind ?? ''} mail to ${to} in the outbox`);
  return mail;
}

/** The six-digit code in a mail. */
export function codeIn(mail: Mail): string {
  const match = /\b(\d{6})\b/.exec(mail.text);
  if (match?.[1] === undefined) throw new Error(`no code in the ${mail.kind} mail`);
  return match[1];
}

/** The first link in a mail. */
export function linkIn(mail: Mail): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (match === null) throw new Error(`no link in the ${mail.kind} mail`);
  return match[0];
}

/** The `token` parameter of the first link in a mail (links carry it in the URL fragment). */
export function tokenIn(mail: Mail): string {
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(linkIn(mail));
  if (match?.[1] === undefined) throw new Error(`no token in the ${mail.kind} link`);
  return match[1];
}
