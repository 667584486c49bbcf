// TOTP (RFC 6238) second factor: secrets, otpauth URIs for QR codes, and checks that accept the
// neighbouring time step (clock drift) but never the same step twice (replay).
import { generateSecret, generateURI, verify } from 'otplib';
import type { AccountDeps } from './context.ts';

export const TOTP_ISSUER = 'Accord';
/** One 30-second step either side: phones whose clock is a little off still work. */
const TOLERANCE_SECONDS = 30;

/** 160 random bits, Base32: what authenticator apps expect (RFC 4226 recommends at least 128). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function otpauthUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** The time step the code belongs to, or undefined when it matches none in the window after `afterStep`. */
export async function matchTotp(
  secret: string,
  code: string,
  nowMs: number,
  afterStep: number | null,
): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/**
 * Checks a code against the account's enabled secret and records its step, atomically, so the
 * same code cannot be used twice even by two requests at once. False for a wrong or replayed code.
 */
export async function checkAccountTotp(deps: AccountDeps, userId: string, code: string): Promise<boolean> {
  const secrets = await deps.store.findUserSecrets(userId);
  const secret = secrets?.totpSecret ?? null;
  if (secrets === undefined || secret === null) return false;
  const step = await matchTotp(secret, code, deps.now(), secrets.totpLastStep);
  if (step === undefined) return false;
  return deps.store.recordTotpStep(userId, step);
}
