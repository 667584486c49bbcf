// The account contract: registration, verification, sign-in, sessions, two-factor, recovery,
// email and password change, deletion and restore, audit events and personal access tokens.
import { z } from 'zod';
import { AccountStatus } from '../entities/account.ts';
import { tokenScopes } from '../entities/settings.ts';
import { Email, Timestamp, UserId } from '../entities/values.ts';
import { Role } from '../policy/field.ts';
import { authErrors, commonErrors, defineRoute } from './route.ts';

/** NIST 800-63B: at least 8 characters, at least 64 allowed, no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_RECOMMENDED_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 128;
export const Password = z
  .string()
  .min(
    PASSWORD_MIN_LENGTH,
    `use at least ${PASSWORD_MIN_LENGTH} characters (${PASSWORD_RECOMMENDED_LENGTH} or more is better)`,
  )
  .max(PASSWORD_MAX_LENGTH, `at most ${PASSWORD_MAX_LENGTH} characters`);

/** One-time codes sent by mail: six digits. */
export const EmailCode = z.string().regex(/^\d{6}$/, 'enter the 6-digit code from the email');
export const TotpCode = z.string().regex(/^\d{6}$/, 'enter the 6-digit code from your authenticator app');
export const RecoveryCode = z
  .string()
  .regex(/^[a-z0-9]{5}-[a-z0-9]{5}$/, 'recovery codes look like abcde-12345');
export const DeviceName = z.string().trim().min(1).max(80);
export const OpaqueToken = z.string().regex(/^[a-z]{3}_[A-Za-z0-9_-]{20,200}$/, 'not a token');

/** Issued at sign-in and on refresh: a short-lived access token and a rotating refresh token. */
export const SessionTokens = z.object({
  userId: UserId,
  sessionId: z.string(),
  accessToken: OpaqueToken,
  accessTokenExpiresAt: Timestamp,
  refreshToken: OpaqueToken,
  refreshTokenExpiresAt: Timestamp,
});
export type SessionTokens = z.infer<typeof SessionTokens>;

export const Me = z.object({
  userId: UserId,
  email: Email,
  emailVerified: z.boolean(),
  pendingEmail: Email.nullable(),
  role: Role,
  status: AccountStatus,
  twoFactorEnabled: z.boolean(),
  createdAt: Timestamp,
  deletionDueAt: Timestamp.nullable(),
  /** Until when sensitive actions are allowed without entering the password again. */
  recentAuthUntil: Timestamp.nullable(),
  /** Days a deletion waits before personal data is purged (server setting), shown before confirming. */
  deletionGraceDays: z.number().int().positive(),
});
export type Me = z.infer<typeof Me>;

/** Sign-in either finishes, or asks for a second factor, or offers to restore a pending deletion. */
export const SignInResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed-in'), tokens: SessionTokens }),
  z.object({ kind: z.literal('second-factor'), challengeToken: OpaqueToken, expiresAt: Timestamp }),
  z.object({
    kind: z.literal('restore-offered'),
    restoreToken: OpaqueToken,
    deletionDueAt: Timestamp,
    /** When true, restoring needs an authenticator or recovery code as well. */
    secondFactorRequired: z.boolean().optional(),
  }),
]);
export type SignInResult = z.infer<typeof SignInResult>;

export const Accepted = z.object({ message: z.string() });

export const SessionInfo = z.object({
  id: z.string(),
  deviceName: z.string(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});

export const securityEventTypes = [
  'registered',
  'email_verified',
  'sign_in_succeeded',
  'sign_in_failed',
  'account_locked',
  'signed_out',
  'session_revoked',
  'refresh_token_reused',
  'password_changed',
  'password_reset',
  'email_change_requested',
  'email_changed',
  'email_change_reverted',
  'two_factor_enabled',
  'two_factor_disabled',
  'recovery_codes_regenerated',
  'recovery_code_used',
  'deletion_requested',
  'deletion_restored',
  'account_purged',
  'token_created',
  'token_revoked',
  'data_exported',
  'admin_action',
] as const;
export const SecurityEventType = z.enum(securityEventTypes);

export const SecurityEvent = z.object({
  id: z.string(),
  type: SecurityEventType,
  at: Timestamp,
  actorId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  detail: z.string().nullable(),
});

export const TokenScope = z.enum(tokenScopes);
export const AccessTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(TokenScope),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});

const E = { ...commonErrors, ...authErrors };
const tags = ['accounts'] as const;
const none = 'none' as const;
const session = 'session' as const;

export const authRoutes = {
  register: defineRoute({
    method: 'POST',
    path: '/api/auth/register',
    auth: none,
    tags,
    summary: 'Create an account; a verification code goes to the email address',
    description:
      'Always answers 202 with the same message, whether or not the address is registered (no enumeration); an existing owner gets a notice instead of a code.',
    body: z.object({ email: Email, password: Password, displayName: z.string().trim().max(80).optional() }),
    responses: { 202: Accepted },
    errors: { ...commonErrors, 400: 'Password too short, too common, or equal to the email.' },
  }),
  verifyEmail: defineRoute({
    method: 'POST',
    path: '/api/auth/verify-email',
    auth: none,
    tags,
    summary: 'Confirm the email address with the code and sign in',
    body: z.object({ email: Email, code: EmailCode, deviceName: DeviceName }),
    responses: { 200: SessionTokens },
    errors: { ...commonErrors, 400: 'Wrong, expired or used code.' },
  }),
  resendVerification: defineRoute({
    method: 'POST',
    path: '/api/auth/verify-email/resend',
    auth: none,
    tags,
    summary: 'Send a new verification code (throttled)',
    body: z.object({ email: Email }),
    responses: { 202: Accepted },
    errors: commonErrors,
  }),
  signIn: defineRoute({
    method: 'POST',
    path: '/api/auth/sign-in',
    auth: none,
    tags,
    summary: 'Sign in with email and password',
    description: 'An unknown email and a wrong password get the same status and body.',
    body: z.object({
      email: Email,
      password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
      deviceName: DeviceName,
    }),
    responses: { 200: SignInResult },
    errors: {
      ...commonErrors,
      401: 'Email or password is wrong.',
      403: 'Suspended, or email not verified.',
      423: 'Temporarily locked after repeated failures.',
      429: 'Too many failed attempts from this network.',
    },
  }),
  signInSecondFactor: defineRoute({
    method: 'POST',
    path: '/api/auth/sign-in/second-factor',
    auth: none,
    tags,
    summary: 'Finish sign-in with an authenticator code or a recovery code',
    body: z.object({
      challengeToken: OpaqueToken,
      totpCode: TotpCode.optional(),
      recoveryCode: RecoveryCode.optional(),
    }),
    responses: { 200: SessionTokens },
    errors: {
      ...commonErrors,
      401: 'Wrong code, or the challenge expired.',
      403: 'The account is suspended.',
      423: 'Temporarily locked after repeated failures.',
    },
  }),
  refresh: defineRoute({
    method: 'POST',
    path: '/api/auth/refresh',
    auth: none,
    tags,
    summary: 'Exchange a refresh token for new tokens (the old refresh token stops working)',
    description: 'Presenting a refresh token that was already used revokes the whole session.',
    body: z.object({ refreshToken: OpaqueToken }),
    responses: { 200: SessionTokens },
    errors: {
      ...commonErrors,
      401: 'Unknown, expired, reused or revoked refresh token.',
      403: 'The account is suspended.',
    },
  }),
  signOut: defineRoute({
    method: 'POST',
    path: '/api/auth/sign-out',
    auth: session,
    tags,
    summary: 'End this session on the server',
    responses: { 200: Accepted },
    errors: E,
  }),
  me: defineRoute({
    method: 'GET',
    path: '/api/auth/me',
    auth: session,
    tags,
    summary: 'The signed-in account',
    responses: { 200: Me },
    errors: E,
  }),
  reauthenticate: defineRoute({
    method: 'POST',
    path: '/api/auth/reauthenticate',
    auth: session,
    tags,
    summary: 'Confirm the password (and code when 2FA is on) before a sensitive action',
    body: z.object({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH), totpCode: TotpCode.optional() }),
    responses: { 200: z.object({ recentAuthUntil: Timestamp }) },
    errors: { ...E, 401: 'Wrong password or code, or the code is missing.', 423: 'Temporarily locked.' },
  }),
  listSessions: defineRoute({
    method: 'GET',
    path: '/api/auth/sessions',
    auth: session,
    tags,
    summary: 'Your sessions and devices',
    responses: { 200: z.object({ sessions: z.array(SessionInfo) }) },
    errors: E,
  }),
  revokeSession: defineRoute({
    method: 'POST',
    path: '/api/auth/sessions/revoke',
    auth: session,
    tags,
    summary: 'End one session',
    body: z.object({ sessionId: z.string().max(64) }),
    responses: { 200: Accepted },
    errors: { ...E, 404: 'No such session of yours.' },
  }),
  revokeOtherSessions: defineRoute({
    method: 'POST',
    path: '/api/auth/sessions/revoke-others',
    auth: session,
    tags,
    summary: 'End every session but this one',
    responses: { 200: z.object({ revoked: z.number().int().nonnegative() }) },
    errors: E,
  }),
  requestPasswordReset: defineRoute({
    method: 'POST',
    path: '/api/auth/password/reset-request',
    auth: none,
    tags,
    summary: 'Email a reset code (same answer whether or not the address is registered)',
    body: z.object({ email: Email }),
    responses: { 202: Accepted },
    errors: commonErrors,
  }),
  resetPassword: defineRoute({
    method: 'POST',
    path: '/api/auth/password/reset',
    auth: none,
    tags,
    summary: 'Set a new password with the emailed code; every session ends',
    body: z.object({ email: Email, code: EmailCode, newPassword: Password }),
    responses: { 200: Accepted },
    errors: { ...commonErrors, 400: 'Wrong, expired or used code, or a weak password.' },
  }),
  changePassword: defineRoute({
    method: 'POST',
    path: '/api/auth/password/change',
    auth: session,
    tags,
    summary: 'Change the password (needs the current one); optionally end other sessions',
    body: z.object({
      currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
      newPassword: Password,
      endOtherSessions: z.boolean(),
    }),
    responses: { 200: Accepted },
    errors: {
      ...E,
      400: 'Weak password.',
      401: 'Current password is wrong.',
      423: 'Temporarily locked after repeated failures.',
    },
  }),
  setupTwoFactor: defineRoute({
    method: 'POST',
    path: '/api/auth/2fa/setup',
    auth: session,
    tags,
    summary: 'Start enabling TOTP: returns the secret and an otpauth URI for a QR code',
    responses: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }) },
    errors: { ...E, 401: 'Re-authentication required.', 409: 'Two-factor authentication is already on.' },
  }),
  confirmTwoFactor: defineRoute({
    method: 'POST',
    path: '/api/auth/2fa/confirm',
    auth: session,
    tags,
    summary: 'Confirm TOTP with a first code; returns 10 recovery codes, shown once',
    body: z.object({ totpCode: TotpCode }),
    responses: { 200: z.object({ recoveryCodes: z.array(RecoveryCode).length(10) }) },
    errors: { ...E, 400: 'Wrong code, or no setup in progress.', 401: 'Re-authentication required.' },
  }),
  disableTwoFactor: defineRoute({
    method: 'POST',
    path: '/api/auth/2fa/disable',
    auth: session,
    tags,
    summary: 'Turn TOTP off (needs the password and a recent authentication)',
    body: z.object({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
    responses: { 200: Accepted },
    errors: { ...E, 401: 'Wrong password, or re-authentication required.' },
  }),
  regenerateRecoveryCodes: defineRoute({
    method: 'POST',
    path: '/api/auth/2fa/recovery-codes',
    auth: session,
    tags,
    summary: 'Replace the recovery codes (the old ones stop working)',
    responses: { 200: z.object({ recoveryCodes: z.array(RecoveryCode).length(10) }) },
    errors: { ...E, 401: 'Re-authentication required.', 409: 'Two-factor authentication is off.' },
  }),
  requestEmailChange: defineRoute({
    method: 'POST',
    path: '/api/account/email/change',
    auth: session,
    tags,
    summary: 'Start changing the sign-in email: a code goes to the new address, a notice to the old',
    body: z.object({ newEmail: Email, password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
    responses: { 202: Accepted },
    errors: {
      ...E,
      400: 'The address is already the sign-in address.',
      401: 'Wrong password, or re-authentication required.',
      409: 'The address is in use.',
      423: 'Temporarily locked after repeated failures.',
    },
  }),
  confirmEmailChange: defineRoute({
    method: 'POST',
    path: '/api/account/email/confirm',
    auth: session,
    tags,
    summary: 'Confirm the new email with the code',
    body: z.object({ code: EmailCode }),
    responses: { 200: Me },
    errors: { ...E, 400: 'Wrong, expired or used code.' },
  }),
  revertEmailChange: defineRoute({
    method: 'POST',
    path: '/api/account/email/revert',
    auth: none,
    tags,
    summary: 'Undo an email change from the link sent to the old address (valid 7 days); ends every session',
    body: z.object({ token: OpaqueToken }),
    responses: { 200: Accepted },
    errors: { ...commonErrors, 400: 'Unknown, used or expired link.' },
  }),
  requestDeletion: defineRoute({
    method: 'POST',
    path: '/api/account/delete',
    auth: session,
    tags,
    summary: 'Schedule deletion after a grace period; sessions end and the profile leaves every directory',
    body: z.object({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
    responses: { 200: z.object({ deletionDueAt: Timestamp }) },
    errors: { ...E, 401: 'Wrong password, or re-authentication required.' },
  }),
  restoreAccount: defineRoute({
    method: 'POST',
    path: '/api/account/restore',
    auth: none,
    tags,
    summary: 'Cancel a pending deletion (with the token offered at sign-in) and sign in',
    description:
      'When sign-in said `secondFactorRequired`, send `totpCode` or `recoveryCode` as well (401 `second_factor_required` otherwise).',
    body: z.object({
      restoreToken: OpaqueToken,
      deviceName: DeviceName,
      totpCode: TotpCode.optional(),
      recoveryCode: RecoveryCode.optional(),
    }),
    responses: { 200: SessionTokens },
    errors: {
      ...commonErrors,
      400: 'Unknown or expired restore token.',
      401: 'Second factor missing or wrong.',
    },
  }),
  auditEvents: defineRoute({
    method: 'GET',
    path: '/api/account/security-events',
    auth: session,
    tags,
    summary: 'Your security events, newest first',
    query: z.object({
      before: Timestamp.optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    responses: { 200: z.object({ events: z.array(SecurityEvent) }) },
    errors: E,
  }),
  createAccessToken: defineRoute({
    method: 'POST',
    path: '/api/tokens',
    auth: session,
    tags: ['integrations'],
    summary: 'Create a personal access token; the token is shown once',
    body: z.object({
      name: z.string().trim().min(1).max(80),
      scopes: z.array(TokenScope).min(1).max(tokenScopes.length),
    }),
    responses: { 201: z.object({ token: OpaqueToken, info: AccessTokenInfo }) },
    errors: { ...E, 409: 'Too many tokens; revoke one first.' },
  }),
  listAccessTokens: defineRoute({
    method: 'GET',
    path: '/api/tokens',
    auth: session,
    tags: ['integrations'],
    summary: 'Your personal access tokens (metadata only)',
    responses: { 200: z.object({ tokens: z.array(AccessTokenInfo) }) },
    errors: E,
  }),
  revokeAccessToken: defineRoute({
    method: 'POST',
    path: '/api/tokens/revoke',
    auth: session,
    tags: ['integrations'],
    summary: 'Revoke a personal access token',
    body: z.object({ tokenId: z.string().max(64) }),
    responses: { 200: Accepted },
    errors: { ...E, 404: 'No such token of yours.' },
  }),
} as const;
