// What the integrations spec needs outside the browser: the SMS development outbox of the e2e server
// (one JSON file per message in DATA_DIR/sms-outbox) and a webhook receiver on loopback.
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { E2eServer } from './sync-server.ts';

interface Sms {
  readonly to: string;
  readonly text: string;
  readonly kind: string;
}

/** Waits for the newest SMS of `kind` to the E.164 number `to`. */
export async function waitForSms(server: E2eServer, to: string, kind: string): Promise<Sms> {
  const dir = path.join(server.dataDir, 'sms-outbox');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.json')).sort();
    const messages = await Promise.all(
      names.map(async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Sms),
    );
    const newest = messages.filter((message) => message.to === to && message.kind === kind).at(-1);
    if (newest !== undefined) return newest;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`no ${kind} SMS to ${to}`);
}

export function smsCodeOf(sms: Sms): string {
  const match = /\b(\d{6})\b/.exec(sms.text);
  if (match?.[1] === undefined) throw new Error(`no code in the ${sms.kind} SMS`);
  return match[1];
}

export interface ReceivedWebhook {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** An HTTP receiver on 127.0.0.1 that answers 204 and keeps every request. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly #server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
      );
      this.received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks/accord`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}
