// The readable summary of a personal data archive (index.html). Every value is HTML-escaped, and
// the page forbids scripts, plugins and remote loads by its Content-Security-Policy, so a hostile
// value (a display name that is markup) stays text even where an escape was missed.
import type { EntityName } from '#shared/policy/table';
import type { ArchiveContent } from './personal-archive.ts';

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

function fieldTable(entity: EntityName, record: Readonly<Record<string, unknown>>, label: Labeler): string {
  const rows = Object.entries(record).map(
    ([name, value]) =>
      `<tr><th scope="row">${escapeHtml(label(entity, name))}</th><td>${valueHtml(value)}</td></tr>`,
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

type Labeler = (entity: EntityName, field: string) => string;

export interface SummaryInput {
  readonly exportedAt: string;
  readonly labels: Labeler;
  readonly content: ArchiveContent;
  readonly avatarFile: string | undefined;
}

export function renderArchiveSummary(input: SummaryInput): string {
  const { content, labels } = input;
  const sections = [
    `<h2>Account</h2>${fieldTable('account', content['account.json'], labels)}`,
    `<h2>Profile</h2>${
      input.avatarFile === undefined
        ? ''
        : `<p><img src="${escapeHtml(input.avatarFile)}" alt="Your avatar" width="96" height="96"></p>`
    }${fieldTable('profile', content['profile.json'], labels)}`,
    `<h2>Settings</h2>${fieldTable('settings', content['settings.json'], labels)}`,
    `<h2>Contacts</h2>${listTable(
      ['Name', 'User id'],
      content['contacts.json'].contacts.map((c) => [c.displayName, c.userId]),
    )}`,
    `<h2>Signed-in devices</h2>${listTable(
      ['Device', 'Signed in', 'Last seen', 'Address', 'Browser or app'],
      content['sessions.json'].sessions.map((s) => [
        s.deviceName,
        s.createdAt,
        s.lastSeenAt,
        s.ip,
        s.userAgent,
      ]),
    )}`,
    `<h2>Security events</h2>${listTable(
      ['When', 'What', 'Details', 'Address'],
      content['security-events.json'].events.map((e) => [e.at, e.type, e.detail, e.ip]),
    )}`,
    `<h2>Personal access tokens</h2>${listTable(
      ['Name', 'Scopes', 'Created', 'Last used'],
      content['access-tokens.json'].tokens.map((t) => [
        t.name,
        t.scopes.join(', '),
        t.createdAt,
        t.lastUsedAt,
      ]),
    )}`,
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
</style>
</head>
<body>
<h1>Your Accord data</h1>
<p>Exported ${escapeHtml(input.exportedAt)}. The JSON files in this archive hold the same data in machine-readable form (see manifest.json).</p>
${sections.join('\n')}
</body>
</html>
`;
}
