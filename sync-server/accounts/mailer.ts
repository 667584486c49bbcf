// Outgoing mail: an SMTP relay when SMTP_URL is set, otherwise .eml files in DATA_DIR/outbox.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Which template produced it (an `X-Accord-Kind` header), for filters and tests. */
  readonly kind: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface MailerConfig {
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly dataDir: string;
}

export const OUTBOX_DIR = 'outbox';

export function createMailer(config: MailerConfig, now: () => number): Mailer {
  return config.smtpUrl === undefined
    ? new OutboxMailer(path.join(config.dataDir, OUTBOX_DIR), config.mailFrom, now)
    : new SmtpMailer(createTransport(config.smtpUrl), config.mailFrom, now);
}

function envelope(message: MailMessage, from: string, now: () => number) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    date: new Date(now()),
    headers: { 'X-Accord-Kind': message.kind },
  };
}

class SmtpMailer implements Mailer {
  constructor(
    private readonly transport: Transporter,
    private readonly from: string,
    private readonly now: () => number,
  ) {}

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail(envelope(message, this.from, this.now));
  }

  close(): void {
    this.transport.close();
  }
}

/** Development and tests: one RFC 5322 file per message, named so that names sort in sending order. */
class OutboxMailer implements Mailer {
  readonly #compose = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  #sequence = 0;

  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly now: () => number,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const info = await this.#compose.sendMail(envelope(message, this.from, this.now));
    const raw = info.message;
    if (!Buffer.isBuffer(raw)) throw new Error('the mail composer returned a stream, not a buffer');
    // Real time, not the injectable clock: the order of files must be the order of sending.
    this.#sequence += 1;
    const name = `${String(Date.now()).padStart(15, '0')}-${String(this.#sequence).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Written whole, then renamed: a reader never sees half a message. Codes inside: owner-only.
    const temporary = path.join(this.dir, `.${name}.tmp`);
    await writeFile(temporary, raw, { mode: 0o600 });
    await rename(temporary, path.join(this.dir, `${name}.eml`));
  }

  close(): void {
    this.#compose.close();
  }
}
