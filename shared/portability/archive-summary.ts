// The readable summary of a personal data archive (index.html), for the server's archive and the
// one the app builds offline from a device. Every value is HTML-escaped, and the page forbids
// scripts, plugins and remote loads by its Content-Security-Policy, so a hostile value (a display
// name that is markup) stays text even where an escape was missed.
import type { ArchiveContent, DeviceArchiveContent } from '../contract/portability.ts';
import { policyOf, type EntityName } from '../policy/table.ts';

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

function valueHtml(value: unknown): string {
  if (value === null || value === undefined || value === '') return '<span class="none">—</span>';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value));
  if (Array.isArray(value) && value.length === 0) return '<span class="none">none</span>';
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

function fieldTable(entity: EntityName, record: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(record).map(
    ([name, value]) =>
      `<tr><th scope="row">${escapeHtml(policyOf(entity, name)?.label ?? name)}</th><td>${valueHtml(value)}</td></tr>`,
  );
  return `<table>${rows.join('')}</table>`;
}

function listTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return '<p class="none">None.</p>';
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${valueHtml(cell)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The server's archive has every file; a device's has none of the server-only ones. */
type SummaryContent = DeviceArchiveContent & Partial<ArchiveContent>;

export interface SummaryInput {
  readonly exportedAt: string;
  readonly content: SummaryContent;
  readonly avatarFile: string | undefined;
}

const OFFLINE_NOTE = '<p class="none">Not in this archive: only the server keeps it.</p>';

/** A list section, or the note that it is missing from an archive made on a device. */
function serverSection<T>(
  title: string,
  list: readonly T[] | undefined,
  table: (list: readonly T[]) => string,
) {
  return `<h2>${escapeHtml(title)}</h2>${list === undefined ? OFFLINE_NOTE : table(list)}`;
}

function originNote(content: SummaryContent, exportedAt: string): string {
  const origin = content['manifest.json'].origin;
  if (origin === undefined) {
    return `<p>Exported ${escapeHtml(exportedAt)}. The JSON files in this archive hold the same data in machine-readable form (see manifest.json).</p>`;
  }
  const synced = origin.lastSyncedAt === null ? 'never synced' : `last synced at ${origin.lastSyncedAt}`;
  return `<p class="origin"><strong>From this device, ${escapeHtml(synced)}.</strong> Made ${escapeHtml(exportedAt)} without a connection to the server, from the copy kept on this device: changes made elsewhere since then are not in it, and ${escapeHtml(origin.missing.join(', '))} (signed-in devices, security events, access tokens) are left out because only the server keeps them. Download again while online for the complete archive.</p>`;
}

export function renderArchiveSummary(input: SummaryInput): string {
  const { content } = input;
  const sections = [
    `<h2>Account</h2>${fieldTable('account', content['account.json'])}`,
    `<h2>Profile</h2>${
      input.avatarFile === undefined
        ? ''
        : `<p><img src="${escapeHtml(input.avatarFile)}" alt="Your avatar" width="96" height="96"></p>`
    }${fieldTable('profile', content['profile.json'])}`,
    `<h2>Settings</h2>${fieldTable('settings', content['settings.json'])}`,
    `<h2>Contacts</h2>${listTable(
      ['Name', 'User id'],
      content['contacts.json'].contacts.map((c) => [c.displayName, c.userId]),
    )}`,
    serverSection('Signed-in devices', content['sessions.json']?.sessions, (sessions) =>
      listTable(
        ['Device', 'Signed in', 'Last seen', 'Address', 'Browser or app'],
        sessions.map((s) => [s.deviceName, s.createdAt, s.lastSeenAt, s.ip, s.userAgent]),
      ),
    ),
    serverSection('Security events', content['security-events.json']?.events, (events) =>
      listTable(
        ['When', 'What', 'Details', 'Address'],
        events.map((e) => [e.at, e.type, e.detail, e.ip]),
      ),
    ),
    serverSection('Personal access tokens', content['access-tokens.json']?.tokens, (tokens) =>
      listTable(
        ['Name', 'Scopes', 'Created', 'Last used'],
        tokens.map((t) => [t.name, t.scopes.join(', '), t.createdAt, t.lastUsedAt]),
      ),
    ),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your Accord data</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1b1f; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #ddd; padding: .35rem .5rem; }
th[scope=row] { width: 14rem; font-weight: 600; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font-size: 13px; }
.none { color: #777; }
.origin { border-left: 4px solid #b26b00; padding: .5rem .75rem; background: #fff6e5; }
</style>
</head>
<body>
<h1>Your Accord data</h1>
${originNote(content, input.exportedAt)}
${sections.join('\n')}
</body>
</html>
`;
}
