// Privacy canaries (I3): unique values planted in one user's `private` and `owner` fields, and a
// checker that scans every body another user receives (pull, stream, errors, anything) for them.
import { randomBytes, randomInt } from 'node:crypto';
import { profileFields } from '#shared/entities/profile';
import type { Hlc } from '#shared/hlc';
import { putEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { canRead } from '#shared/visibility';
import { pushOwnPatch, type OwnerApi } from './owner-api.ts';

/** Every canary planted in this process; a canary is only ever planted where others may not read. */
const plantedTokens = new Set<string>();
const plantedDates = new Set<string>();
const TOKEN_PATTERN = /cnry[0-9a-f]{16}|\+1999\d{9}/g;

function token(): string {
  const value = `cnry${randomBytes(8).toString('hex')}`;
  plantedTokens.add(value);
  return value;
}

function phone(): string {
  const value = `+1999${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
  plantedTokens.add(value);
  return value;
}

function date(): string {
  const value = `19${String(randomInt(10, 100)).padStart(2, '0')}-${String(randomInt(1, 13)).padStart(2, '0')}-${String(randomInt(1, 29)).padStart(2, '0')}`;
  plantedDates.add(value);
  return value;
}

/** The profile field whose level the owner chooses to be private (a public-by-default field). */
export const CHOSEN_PRIVATE_FIELD = 'pronouns';

export interface Canaries {
  readonly ownerId: string;
  /** Field name → the canary it holds. */
  readonly byField: Readonly<Record<string, string>>;
}

/**
 * Fields that no other user may read at their default level (private or owner): each one gets a
 * canary. Derived from the policy table, so a new private field fails here until it has one.
 */
export function hiddenProfileFields(): string[] {
  return Object.entries(profileFields)
    .filter(([, policy]) => policy.replicated && !canRead('contact', policy.visibility.default))
    .map(([name]) => name);
}

function entries(doc: Record<string, unknown>, field: string): AnySetEntry[] {
  const value = doc[field];
  return Array.isArray(value) ? (value as AnySetEntry[]) : [];
}

/**
 * Plants canaries in the owner's profile through the owner's own pushes: every private and owner
 * field, a public field the owner made private, and the id of a removed (tombstoned) link.
 * The caller must not widen these fields' visibility afterwards.
 */
export async function plantCanaries(api: OwnerApi, ownerId: string): Promise<Canaries> {
  const byField: Record<string, string> = {};
  await pushOwnPatch(api, 'settings', (doc) => {
    const visibility = (doc.visibility ?? {}) as Record<string, string>;
    return { visibility: { ...visibility, [CHOSEN_PRIVATE_FIELD]: 'private' } };
  });
  await pushOwnPatch(api, 'profiles', (doc, stamp: () => Hlc) => {
    const put = (field: string, entry: Omit<AnySetEntry, 'at'>) =>
      putEntry(entries(doc, field), { ...entry, at: stamp() });
    const patch: Record<string, unknown> = {};
    byField.legalName = token();
    patch.legalName = `Legal ${byField.legalName}`;
    byField.birthday = date();
    patch.birthday = byField.birthday;
    byField.emails = `${token()}@example.test`;
    patch.emails = put('emails', {
      id: 'canary-email',
      removed: false,
      value: { address: byField.emails, label: 'home', verified: false, primary: false },
    });
    byField.phones = phone();
    patch.phones = put('phones', {
      id: 'canary-phone',
      removed: false,
      value: { number: byField.phones, label: 'mobile', verified: false },
    });
    byField.addresses = token();
    patch.addresses = put('addresses', {
      id: 'canary-address',
      removed: false,
      value: {
        label: 'home',
        street: `${byField.addresses} Street 1`,
        locality: 'Berlin',
        region: '',
        postalCode: '10115',
        country: 'DE',
      },
    });
    byField.contacts = token();
    patch.contacts = put('contacts', { id: byField.contacts, removed: false });
    byField.blocked = token();
    patch.blocked = put('blocked', { id: byField.blocked, removed: false });
    byField[CHOSEN_PRIVATE_FIELD] = token();
    patch[CHOSEN_PRIVATE_FIELD] = byField[CHOSEN_PRIVATE_FIELD];
    // A tombstone's id is not for other viewers either (they get live elements only).
    byField.links = token();
    patch.links = put('links', { id: byField.links, removed: true });
    return patch;
  });
  const missing = hiddenProfileFields().filter((name) => !Object.hasOwn(byField, name));
  if (missing.length > 0) throw new Error(`plant a canary for the hidden field(s) ${missing.join(', ')}`);
  return { ownerId, byField };
}

export interface Leak {
  readonly where: string;
  readonly canary: string;
  readonly excerpt: string;
}

/** Scans text for any planted canary; wrap another user's fetch with it and assert at the end. */
export class LeakDetector {
  readonly leaks: Leak[] = [];
  /** How many bodies (or stream chunks) were scanned, so a test can prove the scanner saw traffic. */
  scanned = 0;

  scan(where: string, text: string): void {
    this.scanned += 1;
    const found = new Set<string>();
    for (const match of text.matchAll(TOKEN_PATTERN)) if (plantedTokens.has(match[0])) found.add(match[0]);
    for (const value of plantedDates) if (text.includes(`"${value}"`)) found.add(value);
    for (const canary of found) {
      if (this.leaks.some((leak) => leak.where === where && leak.canary === canary)) continue;
      const at = text.indexOf(canary);
      this.leaks.push({ where, canary, excerpt: text.slice(Math.max(0, at - 120), at + 60) });
    }
  }

  /** A fetch whose every response body, streamed or not, passes through `scan`. */
  wrapFetch(inner: typeof fetch = fetch): typeof fetch {
    return async (input, init) => {
      const response = await inner(input, init);
      if (response.body === null) return response;
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const where = `${init?.method ?? 'GET'} ${new URL(url).pathname} → ${response.status}`;
      const decoder = new TextDecoder();
      let tail = '';
      const scanner = new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          // Keep the end of the previous chunk so a canary split across chunks is still found.
          const text = tail + decoder.decode(chunk, { stream: true });
          this.scan(where, text);
          tail = text.slice(-48);
          controller.enqueue(chunk);
        },
        flush: () => {
          this.scan(where, tail + decoder.decode());
        },
      });
      return new Response(response.body.pipeThrough(scanner), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  }

  assertNoLeaks(): void {
    if (this.leaks.length === 0) return;
    const lines = this.leaks.map((leak) => `  ${leak.where}: ${leak.canary} in …${leak.excerpt}…`);
    throw new Error(`privacy leak (I3): another user received planted canaries\n${lines.join('\n')}`);
  }
}

/** True when `text` holds any canary planted in this process (for bodies checked one by one). */
export function holdsCanary(text: string): boolean {
  const detector = new LeakDetector();
  detector.scan('check', text);
  return detector.leaks.length > 0;
}
