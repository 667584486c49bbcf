// Tells an endpoint's owner that the server disabled it after failing for too long: by mail (the
// account mailer) and on every device (the settings metadata shows it disabled).
import type { MailMessage } from '../accounts/mailer.ts';
import type { WebhookEndpointRecord } from '../storage/store.ts';

const SIGNATURE = '\n\n— Accord\n(This message was sent automatically; replies are not read.)';

export function endpointDisabledMail(to: string, endpoint: WebhookEndpointRecord): MailMessage {
  return {
    to,
    kind: 'webhook-disabled',
    subject: 'Accord: a webhook endpoint was disabled',
    text:
      `Accord stopped sending events to your webhook endpoint ${endpoint.url}` +
      `${endpoint.description === '' ? '' : ` (${endpoint.description})`} because ${endpoint.disabledReason ?? 'it kept failing'}.\n\n` +
      'Events from now on are not queued for it. When the endpoint works again, enable it under Settings → ' +
      `Integrations; the delivery log there lets you resend the events it missed.${SIGNATURE}`,
  };
}
