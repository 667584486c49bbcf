// Phone numbers: parse what a person types (national or international) into E.164, the one form
// the profile stores, and check it is a real number. The app uses it for input, the server before
// it sends a code. The "min" metadata validates numbers by length and prefix for every country.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export type PhoneParse =
  | {
      readonly ok: true;
      /** `+` country code and national number, e.g. +4930123456. */
      readonly e164: string;
      /** For display, e.g. +49 30 123456. */
      readonly international: string;
      /** ISO 3166 region when the number belongs to one (not for non-geographic numbers). */
      readonly country: string | undefined;
    }
  | { readonly ok: false; readonly message: string };

export const PHONE_INPUT_MAX = 40;

const MESSAGES = {
  empty: 'enter a phone number',
  tooLong: `at most ${PHONE_INPUT_MAX} characters`,
  unparsable: 'enter the number with its country code, e.g. +14155550123',
  invalid: 'this is not a valid phone number',
} as const;

/**
 * Parses `input` to E.164. Without a leading `+` the number is read as a national number of
 * `defaultCountry` (e.g. the locale's region); an unknown region is ignored.
 */
export function normalisePhone(input: string, defaultCountry?: string): PhoneParse {
  const text = input.trim();
  if (text.length === 0) return { ok: false, message: MESSAGES.empty };
  if (text.length > PHONE_INPUT_MAX) return { ok: false, message: MESSAGES.tooLong };
  const region: CountryCode | undefined =
    defaultCountry !== undefined && isSupportedCountry(defaultCountry.toUpperCase())
      ? (defaultCountry.toUpperCase() as CountryCode)
      : undefined;
  const parsed = parsePhoneNumberFromString(text, region);
  if (parsed === undefined) return { ok: false, message: MESSAGES.unparsable };
  if (!parsed.isValid()) return { ok: false, message: MESSAGES.invalid };
  return {
    ok: true,
    e164: parsed.number,
    international: parsed.formatInternational(),
    country: parsed.country,
  };
}

/** Whether `value` is already a valid number written exactly in E.164 form. */
export function isNormalisedPhone(value: string): boolean {
  const parsed = normalisePhone(value);
  return parsed.ok && parsed.e164 === value;
}
