// The text of contact verification messages: the code, how long it works, and what to do if the
// message was not expected. Addresses are never echoed to anyone but their owner.
import type { MailMessage } from '../accounts/mailer.ts';
import type { SmsMessage } from './sms.ts';

const SIGNATURE = '\n\n— Accord\n(This message was sent automatically; replies are not read.)';

function minutes(ms: number): number {
  return Math.round(ms / 60_000);
}

export function contactEmailCode(to: string, code: string, ttlMs: number): MailMessage {
  return {
    to,
    kind: 'contact-email-code',
    subject: 'Accord: confirm an email address for your profile',
    text:
      `Your confirmation code is ${code}\n\n` +
      `Someone added this address to their Accord profile. Enter the code in Accord within ${minutes(ttlMs)} ` +
      'minutes to confirm that it is yours. If you did not add it, ignore this message: the address stays ' +
      `unconfirmed without the code.${SIGNATURE}`,
  };
}

export function contactPhoneCode(to: string, code: string, ttlMs: number): SmsMessage {
  return {
    to,
    kind: 'contact-phone-code',
    text: `Accord code: ${code}. It confirms this number for your profile and works for ${minutes(ttlMs)} minutes. Not you? Ignore this message.`,
  };
}
