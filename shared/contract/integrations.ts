// The read-only integration API: your profile, your settings and the directory, for scripts and
// services holding a personal access token with the matching scope (or a signed-in session).
import { z } from 'zod';
import type { tokenScopes } from '../entities/settings.ts';
import { ProfileDoc, SettingsDoc } from '../policy/table.ts';
import { authErrors, commonErrors, defineRoute } from './route.ts';

export type IntegrationScope = (typeof tokenScopes)[number];

const errors = {
  ...commonErrors,
  ...authErrors,
  403: 'The token lacks the scope (`insufficient_scope`), or the account is suspended.',
} as const;

const tags = ['integrations'] as const;
const tokenNote =
  'Send `Authorization: Bearer <token>` with a personal access token that has the scope, or a session access token. ' +
  'Personal access tokens work only on these endpoints.';

/** A directory page: other people as projected for you (only what they let you see). */
export const DirectoryPage = z.object({
  people: z.array(z.looseObject({ id: z.string() })),
  /** Pass as `cursor` for the next page; null when there is nothing more. */
  nextCursor: z.string().nullable(),
});

export const DirectoryQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}:[A-Za-z0-9-]{0,64}$/, 'use the nextCursor of the previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const integrationRoutes = {
  profile: defineRoute({
    method: 'GET',
    path: '/api/v1/profile',
    auth: 'session',
    scope: 'profile:read',
    tags,
    summary: 'Your profile (scope profile:read)',
    description: `${tokenNote} Values only: no field clocks, no removed set entries.`,
    responses: { 200: ProfileDoc.omit({ clocks: true }) },
    errors,
  }),
  settings: defineRoute({
    method: 'GET',
    path: '/api/v1/settings',
    auth: 'session',
    scope: 'settings:read',
    tags,
    summary: 'Your settings (scope settings:read)',
    description: `${tokenNote} Values only: no field clocks.`,
    responses: { 200: SettingsDoc.omit({ clocks: true }) },
    errors,
  }),
  directory: defineRoute({
    method: 'GET',
    path: '/api/v1/directory',
    auth: 'session',
    scope: 'directory:read',
    tags,
    summary: 'Other people in the directory, as they let you see them (scope directory:read)',
    description: `${tokenNote} Pages through everyone visible to you; follow nextCursor until it is null.`,
    query: DirectoryQuery,
    responses: { 200: DirectoryPage },
    errors,
  }),
} as const satisfies Record<string, { readonly scope: IntegrationScope }>;
