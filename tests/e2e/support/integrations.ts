// The SMS development outbox of the e2e server (one JSON file per message in DATA_DIR/sms-outbox),
// where the integrations spec reads phone verification codes.
import { readdir, readFile } from 'node:fs/promises';
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
