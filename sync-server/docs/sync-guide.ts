// Generates docs/SYNC.md: the replication protocol, the merge rules with worked examples computed
// by the real merge and push validation (so the examples cannot drift), and the invariants.
import { HybridClock } from '#shared/hlc';
import { merge } from '#shared/merge/merge';
import { applyLocalEdit } from '#shared/policy/stamp';
import { newDocument } from '#shared/policy/table';
import { applyPush } from '#shared/policy/validate-push';

const USER = '3f2b7c1e-8d4a-4e6b-9c0d-1a2b3c4d5e6f';
const START = Date.UTC(2026, 10, 27, 9, 0, 0);

/** Fixed physical clocks so the examples come out the same on every run. */
function clockAt(node: string, startMs: number): HybridClock {
  let t = startMs;
  return new HybridClock(node, () => (t += 1000));
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function lwwExample(): string {
  const base = newDocument('profile', USER);
  const laptopClock = clockAt('dev_laptop', START);
  const phoneClock = clockAt('dev_phone', START + 60_000);
  const laptop = applyLocalEdit(
    'profile',
    base,
    { displayName: 'Ann L.', bio: 'Written on the laptop' },
    () => laptopClock.now(),
  );
  const phone = applyLocalEdit(
    'profile',
    base,
    { displayName: 'Ann Lee', headline: 'Written on the phone' },
    () => phoneClock.now(),
  );
  const result = merge('profile', base, laptop, phone, 'user');
  return [
    'The laptop and the phone start from the same profile and both go offline. The laptop changes the display name and the bio; a minute later the phone changes the display name and the headline. When they sync:',
    '',
    '```json',
    json({ displayName: result.doc.displayName, bio: result.doc.bio, headline: result.doc.headline }),
    '```',
    '',
    'Different fields simply combine. For the display name both changed, so the later clock wins:',
    '',
    '```json',
    json(result.decisions),
    '```',
  ].join('\n');
}

function restrictiveExample(): string {
  const base = newDocument('settings', USER);
  const laptopClock = clockAt('dev_laptop', START + 60_000);
  const phoneClock = clockAt('dev_phone', START);
  const laptop = applyLocalEdit(
    'settings',
    base,
    { visibility: { bio: 'public', birthday: 'contacts' } },
    () => laptopClock.now(),
  );
  const phone = applyLocalEdit('settings', base, { visibility: { bio: 'private' } }, () => phoneClock.now());
  const result = merge('settings', base, phone, laptop, 'user');
  return [
    'Offline, the phone makes the bio private; a minute later the laptop makes the bio public and the birthday visible to contacts. Visibility choices merge per field, and where both devices changed the same field the more restrictive choice wins, whichever edit came later — a conflict never widens exposure:',
    '',
    '```json',
    json(result.doc.visibility),
    '```',
    '',
    '```json',
    json(result.decisions.map(({ field, rule, winner, reason }) => ({ field, rule, winner, reason }))),
    '```',
  ].join('\n');
}

function rejectionExample(): string {
  const master = newDocument('profile', USER);
  const device = clockAt('dev_laptop', START);
  const pushed = applyLocalEdit('profile', master, { badge: 'staff', pronouns: 'she/her' }, () =>
    device.now(),
  );
  const outcome = applyPush('profile', master, pushed, {
    role: 'user',
    clock: clockAt('server_a', START + 5_000),
    physicalNow: START + 10_000,
  });
  return [
    'A user’s device pushes a change to `badge`, which only administrators may write, together with a change to `pronouns`. The server applies `pronouns`, keeps its own `badge` with a fresh server clock (so every device’s merge adopts the server value and nothing is pushed again), returns the stored document as a conflict, and answers a rejection record the app shows:',
    '',
    '```json',
    json({
      stored: { badge: outcome.doc.badge, pronouns: outcome.doc.pronouns },
      rejections: outcome.rejections,
    }),
    '```',
  ].join('\n');
}

const invariants: readonly [string, string, readonly string[]][] = [
  [
    'I1 Convergence',
    'after devices stop editing and sync, every replica equals the server.',
    ['tests/integration/sync.test.ts', 'shared/merge/merge.test.ts'],
  ],
  [
    'I2 No lost writes',
    'an acknowledged valid edit is only replaced by a later edit of the same field under its merge rule.',
    [
      'tests/integration/sync.test.ts',
      'tests/integration/server-lifecycle.test.ts',
      'shared/policy/validate-push.test.ts',
    ],
  ],
  [
    'I3 Privacy',
    'nothing sent to another user holds a field above their level; a conflict never widens visibility.',
    ['tests/integration/sync.test.ts', 'shared/policy/project.test.ts', 'shared/merge/restrictive.test.ts'],
  ],
  [
    'I4 Authority',
    'no client changes a field its role may not write; it is told which field and why.',
    [
      'tests/integration/sync.test.ts',
      'tests/integration/http-boundary.test.ts',
      'shared/policy/validate-push.test.ts',
    ],
  ],
  [
    'I5 Idempotence',
    'duplicated, reordered or retried pushes and pulls change nothing.',
    ['tests/integration/http-boundary.test.ts', 'shared/merge/set.test.ts'],
  ],
  [
    'I6 Bad input',
    'malformed, oversized or hostile input gets a clear 4xx JSON error and changes nothing.',
    ['tests/integration/http-boundary.test.ts'],
  ],
];

/** The test files named in SYNC.md; the docs test checks that each exists. */
export const invariantTestFiles: readonly string[] = [...new Set(invariants.flatMap(([, , files]) => files))];

export function renderSyncGuide(): string {
  return [
    '# Sync protocol',
    '',
    '<!-- Generated by `npm run docs`; the examples are computed by the real merge and push validation. -->',
    '',
    'Accord replicates three collections of the signed-in user — `profiles`, `settings` (read-write) and `accounts` (read-only) — and `directory`, other people’s profiles as the server projects them for the viewer (read-only). The device keeps everything in RxDB (IndexedDB) and works offline; replication catches up when the network returns.',
    '',
    '## Protocol',
    '',
    '- **Pull** `GET /api/sync/{collection}/pull?seq=&id=&limit=` returns the documents changed after the checkpoint, ordered by `(seq, id)`, and the new checkpoint. Checkpoints are assigned by the server — a monotonic change sequence plus the document id — never from device clocks. A batch shorter than `limit` means the device is up to date.',
    '- **Push** `POST /api/sync/{profiles|settings}/push` sends rows `{assumedMasterState, newDocumentState}`. If the assumed master is not the server’s current master, the server answers the master as a *conflict*; the device merges and pushes again. Otherwise the server checks every changed field against the policy table and the caller’s role, applies the valid ones atomically, and answers rejection records `{docId, field, code, message}`. When what it stored differs from what was pushed it also returns the stored document, so the device adopts it.',
    '- **Stream** `GET /api/sync/{collection}/stream` is Server-Sent Events. Every connection starts with `"RESYNC"` (pull from your checkpoint: something may have been missed while disconnected), then sends `{documents, checkpoint}` batches as changes commit. Heartbeats are comment lines; a revoked session’s stream ends.',
    '- **Tombstones**: deletions travel as documents with `_deleted: true` and no personal data; the server keeps them, so a device that was offline for a long time still learns about them.',
    '- **Per-field clocks**: every document carries `clocks`, the hybrid logical clock (wall time, counter, node id) of each field’s last change, as a sortable string. A device stamps the fields it changes; clocks more than 5 minutes ahead of the server are refused.',
    '- **Directory projection**: for each viewer the server computes the relation (contact, signed-in, blocked — blocked also when the account is not active or, for non-contacts, not discoverable) and sends only readable fields. When something becomes hidden — visibility narrowed, contact removed, viewer blocked, account deleted — the viewer receives an updated document without it, or a tombstone.',
    '',
    '## Merge rules',
    '',
    '| rule | how concurrent changes resolve |',
    '| --- | --- |',
    '| `lww` | the change with the later clock wins; equal clocks tie-break the same way everywhere |',
    '| `set` | additions and removals combine by element id; for the same element the later change wins; removed elements leave a tombstone without their value |',
    '| `restrictive` | a change on one side only wins; if both sides changed, the more restrictive value wins (never widen exposure) |',
    '| `server` | the server value always wins |',
    '',
    'A field the user’s role may not write always keeps the server’s value on the device, whatever the rule.',
    '',
    '### Two devices edit offline',
    '',
    lwwExample(),
    '',
    '### A visibility conflict',
    '',
    restrictiveExample(),
    '',
    '### A rejected admin-only field',
    '',
    rejectionExample(),
    '',
    '## Offline behaviour',
    '',
    '- Everything is read from and written to the local database first; the UI never waits for the network.',
    '- Edits made offline are stamped and queued; when the network returns the device pushes them, merging where another device got there first.',
    '- A sign-in that expires while offline keeps the data editable; the app asks to sign in again when it is back online.',
    '- A device whose clock is behind still syncs: the server re-stamps a change whose clock sorts before the master it was made on, so the edit is kept.',
    '',
    '## Invariants and the tests that check them',
    '',
    ...invariants.map(
      ([name, text, files]) =>
        `- **${name}** — ${text} Checked by ${files.map((f) => `\`${f}\``).join(', ')}.`,
    ),
    '',
  ].join('\n');
}
