// Generates docs/USER_MANAGEMENT.md from the route contracts and the field policy table:
// the user-management checklist, every item backed by what the code actually does.
import { authErrors, commonErrors, type RouteContract } from '#shared/contract/route';
import { policyDocRows, type PolicyDocRow } from '#shared/policy/doc-rows';
import type { EntityName } from '#shared/policy/table';
import { canRead, viewerRelations, type VisibilityLevel } from '#shared/visibility';
import { constraintSummary, typeSummary } from './schema-summary.ts';

type Matcher = (route: RouteContract) => boolean;
const path =
  (pattern: RegExp): Matcher =>
  (route) =>
    pattern.test(route.path);

/** Checklist topics and the endpoints that serve them, matched by path so new routes land in place. */
const endpointTopics: readonly { heading: string; intro: string; match: Matcher }[] = [
  {
    heading: 'Registration endpoints',
    intro: 'Creating an account and proving the email address.',
    match: path(/^\/api\/auth\/(register|verify-email)/),
  },
  {
    heading: 'Profile endpoints',
    intro: 'Reading and changing the profile (replication and read-only integration API).',
    match: path(/^\/api\/(sync\/profiles|v1\/profile)/),
  },
  {
    heading: 'Settings endpoints',
    intro: 'Reading and changing settings (replication and read-only integration API).',
    match: path(/^\/api\/(sync\/settings|v1\/settings)/),
  },
  {
    heading: 'Deletion and recovery endpoints',
    intro: 'Scheduling deletion, restoring within the grace period, and regaining access.',
    match: path(/^\/api\/(account\/(delete|restore)|auth\/password\/reset)/),
  },
];
const profileTopics: readonly { heading: string; intro: string; match: Matcher }[] = [
  {
    heading: 'Preferences endpoints',
    intro: 'Theme, language, date format and start page are settings fields, synced like every other.',
    match: path(/^\/api\/sync\/settings/),
  },
  {
    heading: 'Avatar endpoints',
    intro: 'The profile stores a content-hash reference; the image itself is stored by hash.',
    match: path(/^\/api\/avatars/),
  },
  {
    heading: 'Contact endpoints',
    intro:
      'Contact details, contacts and blocks live in the profile; other people see them through the directory. Added emails and phones are proven by a code the server sends.',
    match: path(/^\/api\/(sync\/(profiles|directory)|v1\/directory|contacts|contact\/)/),
  },
  {
    heading: 'Privacy endpoints',
    intro: 'Visibility choices live in settings; the server projects every directory document per viewer.',
    match: path(/^\/api\/(sync\/(settings|directory))/),
  },
];
const settingsTopics: readonly { heading: string; intro: string; match: Matcher }[] = [
  {
    heading: 'Notification endpoints',
    intro: 'The notification matrix and quiet hours are settings fields.',
    match: path(/^\/api\/sync\/settings/),
  },
  {
    heading: 'Security endpoints',
    intro: 'Sessions, passwords, two-factor authentication and security events.',
    match: path(
      /^\/api\/(auth\/(sign-in|sign-out|refresh|me|reauthenticate|sessions|password\/change|2fa)|account\/(security-events|email))/,
    ),
  },
  {
    heading: 'Privacy settings endpoints',
    intro: 'Field visibility and directory discoverability.',
    match: path(/^\/api\/sync\/settings/),
  },
  { heading: 'Preference endpoints', intro: 'Display preferences.', match: path(/^\/api\/sync\/settings/) },
  {
    heading: 'Integration endpoints',
    intro: 'Personal access tokens and webhooks for other systems.',
    match: path(/^\/api\/(tokens|webhooks|v1\/)/),
  },
];

const authLabel = { none: 'anyone', session: 'the signed-in owner', admin: 'administrators' } as const;

/** Errors every route may give are listed once at the top; lines name only the route's own. */
const sharedErrors: Readonly<Record<string, string>> = { ...commonErrors, ...authErrors };

function endpointLine(route: RouteContract): string {
  const errors = Object.entries(route.errors)
    .filter(([status, description]) => sharedErrors[status] !== description)
    .map(([status, description]) => `${status} ${description}`)
    .join('; ');
  return `- \`${route.method} ${route.path}\` — ${route.summary}. Who: ${authLabel[route.auth]}.${errors ? ` Errors: ${errors}` : ''}`;
}

function endpointSection(
  routes: readonly RouteContract[],
  topic: { heading: string; intro: string; match: Matcher },
): string {
  const matching = routes.filter(topic.match);
  const lines = matching.length > 0 ? matching.map(endpointLine) : ['- (no endpoint yet)'];
  return [`### ${topic.heading}`, '', topic.intro, '', ...lines, ''].join('\n');
}

function readers(level: VisibilityLevel): string {
  return viewerRelations.filter((relation) => canRead(relation, level)).join(', ') || 'nobody';
}

function fieldTable(rows: readonly PolicyDocRow[]): string {
  const header =
    '| field | type | visibility (default; choices) | writer | merge | export |\n| --- | --- | --- | --- | --- | --- |';
  const body = rows.map(
    (r) =>
      `| \`${r.field}\` | ${typeSummary(r.jsonSchema).replaceAll('|', '\\|')} | ${r.visibilityDefault}; ${r.visibilityChoices.join(', ')} | ${r.writer} | ${r.merge} | ${r.export} |`,
  );
  return [header, ...body].join('\n');
}

function dataSection(
  entity: EntityName,
  title: string,
  rows: readonly PolicyDocRow[],
  routes: readonly RouteContract[],
  updatePaths: RegExp,
): string {
  const own = rows.filter((r) => r.entity === entity);
  const validation = own.map((r) => {
    const rules = constraintSummary(r.jsonSchema);
    return `- \`${r.field}\` (${r.label}): ${r.description} ${rules.length > 0 ? `Rules: ${rules.join('; ')}.` : 'No further constraints.'}`;
  });
  const privacy = own.map(
    (r) =>
      `- \`${r.field}\`: default ${r.visibilityDefault} (readable by ${readers(r.visibilityDefault)})` +
      (r.visibilityChoices.length > 1
        ? `; the owner may choose ${r.visibilityChoices.join(', ')}.`
        : '; fixed.') +
      (r.replicated ? '' : ' Never leaves the server.'),
  );
  const access = own.map(
    (r) =>
      `- \`${r.field}\`: written by ${r.writer}; concurrent changes resolve by ${r.merge}; exports: ${r.export}.`,
  );
  const updates = routes.filter((route) => updatePaths.test(route.path)).map(endpointLine);
  return [
    `## ${title}`,
    '',
    '### Data structure',
    '',
    fieldTable(own),
    '',
    '### Update endpoints',
    '',
    ...(updates.length > 0
      ? updates
      : ['- Written by the server only; no client endpoint changes it directly.']),
    '',
    '### Validation rules',
    '',
    'The same zod schemas validate on the device (forms, local database) and on the server (every push, field by field).',
    '',
    ...validation,
    '',
    '### Privacy rules',
    '',
    ...privacy,
    '',
    '### Access control',
    '',
    ...access,
    '',
  ].join('\n');
}

interface Operation {
  readonly name: string;
  readonly what: string;
  readonly match: Matcher;
}

const accountOperations: readonly Operation[] = [
  {
    name: 'Creation',
    what: 'Creates the user, an unverified account document, an empty profile and default settings; mails a code.',
    match: path(/^\/api\/auth\/register$/),
  },
  {
    name: 'Update',
    what: 'Changes the sign-in email (verified, revertible) or the password; account fields are otherwise server- or admin-written.',
    match: path(/^\/api\/(account\/email|auth\/password\/change)/),
  },
  {
    name: 'Deletion',
    what: 'Marks the account pending-deletion, ends sessions, removes the profile from directories; a purge after the grace period erases personal data and leaves tombstones.',
    match: path(/^\/api\/account\/delete$/),
  },
  {
    name: 'Recovery',
    what: 'Restores a pending deletion, resets a forgotten password, or signs in with a recovery code.',
    match: path(/^\/api\/(account\/restore|auth\/password\/reset|auth\/sign-in\/second-factor)/),
  },
  {
    name: 'Verification',
    what: 'Confirms an email address with a single-use code.',
    match: path(/^\/api\/(auth\/verify-email|account\/email\/confirm)/),
  },
];
const documentOperations: readonly Operation[] = [
  {
    name: 'Update',
    what: 'Pushes changed fields with their clocks; the server applies valid fields and answers rejections per field.',
    match: path(/\/push$/),
  },
  {
    name: 'Retrieval',
    what: 'Pulls changes after a checkpoint, or streams them; integrations read with a scoped token.',
    match: path(/\/(pull|stream)$|^\/api\/v1\//),
  },
  {
    name: 'Validation',
    what: 'Every pushed field is checked against its schema, its writer and the clock drift bound; see the rejection codes below.',
    match: path(/\/push$/),
  },
  {
    name: 'Privacy',
    what: 'Directory documents are projected per viewer (contact, signed-in, blocked); hidden fields are removed from devices.',
    match: path(/^\/api\/sync\/directory/),
  },
  {
    name: 'Access',
    what: 'Own documents only; a push for another user is refused whole (403); tokens are scoped.',
    match: path(/^\/api\/(sync\/(profiles|settings)\/push|tokens)/),
  },
];

function operationsSection(
  title: string,
  operations: readonly Operation[],
  routes: readonly RouteContract[],
): string {
  return [
    `### ${title}`,
    '',
    ...operations.flatMap((op) => {
      const matching = routes.filter(op.match);
      return [
        `#### ${op.name}`,
        '',
        op.what,
        '',
        ...(matching.length > 0 ? matching.map(endpointLine) : ['- (no endpoint yet)']),
        '',
      ];
    }),
  ].join('\n');
}

export function renderUserManagement(routes: readonly RouteContract[]): string {
  const rows = policyDocRows();
  return [
    '# User-management reference',
    '',
    '<!-- Generated by `npm run docs` from shared/contract and the field policy table. Do not edit by hand. -->',
    '',
    'Every endpoint, data structure, validation rule, privacy rule and access-control rule of Accord, generated from the code.',
    'Visibility levels: `public` (any signed-in user), `contacts` (users the owner added), `private` (owner and administrators), `owner` (owner only).',
    `Errors any endpoint may answer: ${Object.entries(sharedErrors)
      .map(([status, text]) => `${status} ${text}`)
      .join(' ')}`,
    'Rejection codes on push: `forbidden_field` (the role may not write it), `unknown_field`, `invalid_value` (fails its schema or has no clock), `clock_drift` (clock more than 5 minutes ahead).',
    '',
    '## Account management',
    '',
    'Registration, profile, settings, deletion and recovery endpoints.',
    '',
    ...endpointTopics.map((topic) => endpointSection(routes, topic)),
    '## Profile management',
    '',
    'Profile, preferences, avatar, contact and privacy endpoints.',
    '',
    ...profileTopics.map((topic) => endpointSection(routes, topic)),
    '## Account settings',
    '',
    'Notification, security, privacy, preference and integration endpoints.',
    '',
    ...settingsTopics.map((topic) => endpointSection(routes, topic)),
    dataSection('profile', 'Profile data', rows, routes, /^\/api\/sync\/profiles\/push$/),
    dataSection(
      'account',
      'Account data',
      rows,
      routes,
      /^\/api\/(account\/email|auth\/password\/change|admin\/)/,
    ),
    dataSection('settings', 'Settings data', rows, routes, /^\/api\/sync\/settings\/push$/),
    '## Operations',
    '',
    operationsSection('Account operations', accountOperations, routes),
    operationsSection('Profile and settings operations', documentOperations, routes),
  ].join('\n');
}
