// Outgoing SMS for phone verification codes. SMS_PROVIDER picks the transport: `outbox` writes one
// JSON file per message to DATA_DIR/sms-outbox (development and tests), `http` posts {to, text}
// to an operator's SMS gateway. To plug in a provider's own API, implement SmsTransport and add a
// case to createSmsTransport (and a value to SMS_PROVIDER in config.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SmsSettings } from '../config.ts';

export interface SmsMessage {
  /** E.164 number. */
  readonly to: string;
  readonly text: string;
  /** Which template produced it, for filters and tests. */
  readonly kind: string;
}

export interface SmsTransport {
  send(message: SmsMessage): Promise<void>;
}

export const SMS_OUTBOX_DIR = 'sms-outbox';
const GATEWAY_TIMEOUT_MS = 10_000;

export function createSmsTransport(settings: SmsSettings, dataDir: string, now: () => number): SmsTransport {
  switch (settings.provider) {
    case 'outbox':
      return new OutboxSms(path.join(dataDir, SMS_OUTBOX_DIR), now);
    case 'http':
      if (settings.httpUrl === undefined) {
        throw new Error('Invalid server configuration: SMS_PROVIDER=http needs SMS_HTTP_URL');
      }
      return new HttpGatewaySms(settings.httpUrl, settings.httpToken);
  }
}

/** One file per message, written whole and then renamed, named so names sort in sending order. */
class OutboxSms implements SmsTransport {
  #sequence = 0;

  constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    this.#sequence += 1;
    const name = `${String(Date.now()).padStart(15, '0')}-${String(this.#sequence).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
    const body = JSON.stringify({ ...message, sentAt: new Date(this.now()).toISOString() }, null, 2);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = path.join(this.dir, `.${name}.tmp`);
    // Codes inside: readable by the server's user only.
    await writeFile(temporary, `${body}\n`, { mode: 0o600 });
    await rename(temporary, path.join(this.dir, `${name}.json`));
  }
}

/** A generic gateway: POST {to, text} as JSON with an optional bearer token; any 2xx is success. */
class HttpGatewaySms implements SmsTransport {
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
      },
      body: JSON.stringify({ to: message.to, text: message.text }),
      signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
      redirect: 'error',
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the SMS gateway answered ${response.status}`);
  }
}
