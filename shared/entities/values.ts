// Reusable value schemas for profile and settings fields (validation identical on client and server).
import { z } from 'zod';

export const UserId = z.uuid({ error: 'expected a user id (UUID)' });
export type UserId = z.infer<typeof UserId>;

export const Email = z.email({ error: 'enter a valid email address' }).max(254);

/** E.164: a plus sign, a country code and up to 15 digits in all. */
export const E164Phone = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'enter the number in international form, e.g. +14155550123');

export const HttpsUrl = z
  .url({ protocol: /^https$/, error: 'enter a web address starting with https://' })
  .max(2048);

export const Label = z.string().trim().max(40, 'at most 40 characters');

export const IsoDate = z.iso.date({ error: 'expected a date as YYYY-MM-DD' });

export const Birthday = IsoDate.refine((value) => value >= '1900-01-01', {
  error: 'a birthday must be after 1900',
});

/**
 * Answers of a pure check, remembered: every document parse checks its locale and time zone, and
 * asking Intl (building a DateTimeFormat) was several per cent of the server's push time
 * (bench/push-throughput.ts). Only a bounded number of distinct values is kept.
 */
function memoized(check: (value: string) => boolean, limit = 1024): (value: string) => boolean {
  const answers = new Map<string, boolean>();
  return (value) => {
    let answer = answers.get(value);
    if (answer === undefined) {
      answer = check(value);
      if (answers.size < limit) answers.set(value, answer);
    }
    return answer;
  };
}

const isLanguageTag = memoized((value) => {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
});

const isTimeZone = memoized((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
});

/** A BCP 47 language tag that the platform's Intl understands. */
export const LanguageTag = z
  .string()
  .max(35)
  .refine(isLanguageTag, { error: 'expected a language tag such as en or pt-BR' });

/** An IANA time zone name the platform's Intl knows, e.g. Europe/Berlin. */
export const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, { error: 'expected a time zone such as Europe/Berlin' });

export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM');

export const Timestamp = z.iso.datetime({ error: 'expected an ISO 8601 timestamp' });

export const avatarMimeTypes = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const MAX_AVATAR_BYTES = 2 * 1024 * 1024;

/** The avatar's content hash points at the image blob, stored separately from the document. */
export const AvatarRef = z.strictObject({
  hash: z.string().regex(/^[a-f0-9]{64}$/, 'expected a SHA-256 hex digest'),
  mime: z.enum(avatarMimeTypes),
  size: z.number().int().positive().max(MAX_AVATAR_BYTES, 'an avatar must be at most 2 MiB'),
});
export type AvatarRef = z.infer<typeof AvatarRef>;
