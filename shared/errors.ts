// Error codes shared by server responses, client messages and tests; one union, one class.
import { z } from 'zod';

export const errorCodes = [
  'bad_request',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'unauthenticated',
  'forbidden',
  'forbidden_field',
  'unknown_field',
  'invalid_value',
  'clock_drift',
  'conflict',
  'rate_limited',
  'account_suspended',
  'account_locked',
  'account_pending_deletion',
  'email_not_verified',
  'invalid_credentials',
  'second_factor_required',
  'reauthentication_required',
  'weak_password',
  'insufficient_scope',
  'code_invalid',
  'code_expired',
  'service_unavailable',
  'internal',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The one error body shape every HTTP error uses (DESIGN.md I6). */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export class AccordError extends Error {
  override readonly name = 'AccordError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) },
    };
  }
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function missingCase(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
