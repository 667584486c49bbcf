// Contact verification and webhooks from the screens: a secondary email verified with the code from
// the mail outbox, a phone verified with the code from the SMS outbox, then a webhook to a receiver
// on loopback — its secret shown once, a profile edit delivered, logged as delivered, and signed so
// that the Standard Webhooks library verifies it.
import { Webhook } from 'standardwebhooks';
import { WebhookPayload } from '#shared/contract/webhooks';
import type { AppPage } from './support/app-page.ts';
import { createAccount } from './support/accounts.ts';
import { chromiumMissingReason } from './support/browser.ts';
import { test as base, expect, expectAccessible, screenshot } from './support/fixtures.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { smsCodeOf, waitForSms } from './support/integrations.ts';
import { codeOf, startServer, waitForMail, type E2eServer } from './support/sync-server.ts';

/** The operator setting that lets webhooks reach private addresses: the receiver is on loopback. */
const test = base.extend<object, { server: E2eServer }>({
  server: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from this pattern
    async ({}, use) => {
      const server = await startServer({ allowPrivateWebhooks: true });
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
});

const missing = chromiumMissingReason();
test.skip(missing !== undefined, missing ?? '');

/** Adds an email address or phone number in the Contact information card. */
async function addContact(
  app: AppPage,
  noun: 'email address' | 'phone number',
  values: Record<string, string>,
) {
  const card = app.page.locator('#contact');
  await card.getByRole('button', { name: `Add ${noun}` }).click();
  const form = card.getByRole('form', { name: `New ${noun}` });
  for (const [label, value] of Object.entries(values))
    await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: `Add ${noun}` }).click();
  await expect(form).toHaveCount(0);
}

/** Opens the verify form of an entry, enters the code and waits for the server's verdict to sync back. */
async function verifyContact(app: AppPage, address: string, code: string) {
  const card = app.page.locator('#contact');
  await card.getByRole('button', { name: `Verify ${address}` }).click();
  const form = card.getByRole('form', { name: `Verify ${address}` });
  await form.getByLabel(`Code sent to ${address}`).fill(code);
  await form.getByRole('button', { name: 'Confirm' }).click();
  const entry = card.getByRole('listitem').filter({ hasText: address });
  await expect(entry.getByText('Verified', { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(entry.getByRole('button', { name: `Verify ${address}` })).toHaveCount(0);
}

test('verify a secondary email and a phone, then receive a signed webhook for a profile edit', async ({
  devices,
  server,
}) => {
  // Two verification round trips, a delivery and three accessibility scans: long on a busy machine.
  test.slow();
  const receiver = await new WebhookReceiver().start();
  const receiverUrl = receiver.url;
  try {
    const user = await createAccount(server, 'Grace Hopper');
    const { app, page } = await devices.open('grace');
    await app.signIn(user);

    // A secondary email: the code comes by mail, and the server's "verified" syncs back.
    const secondary = `grace.work-${Date.now().toString(36)}@example.test`;
    await addContact(app, 'email address', { 'Email address': secondary, Label: 'work' });
    const emailCode = codeOf(await waitForMail(server, secondary, 'contact-email-code'));
    const wrong = emailCode === '000000' ? '111111' : '000000';
    await page
      .locator('#contact')
      .getByRole('button', { name: `Verify ${secondary}` })
      .click();
    const emailForm = page.getByRole('form', { name: `Verify ${secondary}` });
    await emailForm.getByLabel(`Code sent to ${secondary}`).fill(wrong);
    await emailForm.getByRole('button', { name: 'Confirm' }).click();
    await expect(emailForm.getByLabel(`Code sent to ${secondary}`)).toHaveAttribute('aria-invalid', 'true');
    await emailForm.getByRole('button', { name: 'Cancel' }).click();
    await verifyContact(app, secondary, emailCode);

    // A phone number, typed as people write it and stored in E.164; the code comes by SMS outbox.
    const phone = '+14155550123';
    await addContact(app, 'phone number', { 'Phone number': '+1 (415) 555-0123', Label: 'mobile' });
    await verifyContact(app, phone, smsCodeOf(await waitForSms(server, phone, 'contact-phone-code')));
    await app.waitSynced();

    // A webhook: the secret is shown once.
    await app.go('#/settings/integrations');
    await expect(app.heading('Integrations')).toBeVisible();
    await expect(page.getByText('No webhooks')).toBeVisible();
    const newWebhook = app.form('New webhook');
    await newWebhook.getByLabel('Endpoint address').fill(receiverUrl);
    await newWebhook.getByLabel('Description').fill('Grace’s receiver');
    await expect(newWebhook.getByRole('checkbox', { name: /Profile changed/ })).toBeChecked();
    await newWebhook.getByRole('button', { name: 'Create webhook' }).click();
    const secretBox = page.getByTestId('webhook-secret');
    await expect(secretBox).toBeVisible();
    await expect(page.getByText('Copy the signing secret now — you won’t see it again')).toBeVisible();
    const secret = (await secretBox.textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    const endpoint = page.getByTestId('webhook-endpoint');
    await expect(endpoint).toContainText(receiverUrl);
    await expect(endpoint.getByText('Active')).toBeVisible();
    await expectAccessible(page, 'integrations with a new webhook secret');
    await screenshot(page, 'integrations-webhook-secret');
    await page.getByRole('button', { name: 'I’ve saved it' }).click();
    await expect(secretBox).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);

    // A profile edit is delivered, logged as delivered, and signed with that secret.
    await app.go('#/profile');
    await app.saveForm('About you', { Headline: 'Rear admiral of compilers' });
    await app.waitSynced();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const request = receiver.received.at(-1);
    if (request === undefined) throw new Error('the receiver got nothing');
    const payload = WebhookPayload.parse(new Webhook(secret).verify(request.body, request.headers));
    expect(payload).toMatchObject({
      type: 'profile.updated',
      data: { userId: expect.any(String), profile: { headline: 'Rear admiral of compilers' } },
    });
    expect(payload.data.changedFields).toEqual(['headline']);

    await app.go('#/settings/integrations');
    await endpoint.getByRole('button', { name: 'Delivery log' }).click();
    const log = endpoint.getByRole('region', { name: 'Delivery log' });
    const delivered = log.locator('[data-testid="webhook-delivery"][data-status="succeeded"]');
    await expect(async () => {
      await log.getByRole('button', { name: 'Refresh' }).click();
      await expect(delivered).toHaveCount(1, { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    await expect(delivered).toContainText('Profile changed');
    await expect(delivered).toContainText('Delivered');
    await expect(delivered).toContainText('HTTP 200');
    await expect(delivered).toContainText(`webhook-id ${request.headers['webhook-id'] ?? 'missing'}`);
    await delivered.getByText('Payload').click();
    await expect(delivered.locator('pre')).toContainText('Rear admiral of compilers');
    await expectAccessible(page, 'integrations delivery log');
    await screenshot(page, 'integrations-delivery-log');

    // Small window and dark theme: nothing runs off the side.
    await page.setViewportSize({ width: 800, height: 600 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await endpoint.scrollIntoViewIfNeeded();
    const pageWidth: unknown = await page.evaluate('document.documentElement.scrollWidth');
    expect(pageWidth).toBeLessThanOrEqual(800);
    await expectAccessible(page, 'integrations, dark, 800×600');
    await screenshot(page, 'integrations-dark-800');
  } finally {
    await receiver.stop();
  }
});

test('send a test event, resend it with the same id, disable, enable and delete a webhook', async ({
  devices,
  server,
}) => {
  const receiver = await new WebhookReceiver().start();
  try {
    const user = await createAccount(server, 'Katherine Johnson');
    const { app, page } = await devices.open('katherine');
    await app.signIn(user);
    await app.go('#/settings/integrations');
    const newWebhook = app.form('New webhook');
    await newWebhook.getByLabel('Endpoint address').fill(receiver.url);
    await newWebhook.getByRole('checkbox', { name: /Account deletion/ }).check();
    await newWebhook.getByRole('button', { name: 'Create webhook' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    await page.getByRole('button', { name: 'I’ve saved it' }).click();
    const endpoint = page.getByTestId('webhook-endpoint');
    await expect(endpoint).toContainText('Account deletion');

    await endpoint.getByRole('button', { name: 'Send test event', exact: true }).click();
    await expect(endpoint.getByText('Test event queued; its delivery shows in the log.')).toBeVisible();
    const log = endpoint.getByRole('region', { name: 'Delivery log' });
    const delivery = log.getByTestId('webhook-delivery');
    // The open log looks again by itself until the delivery has settled.
    await expect(delivery).toHaveAttribute('data-status', 'succeeded', { timeout: 20_000 });
    await expect(delivery).toContainText('Test event');
    expect(receiver.received).toHaveLength(1);
    const first = receiver.received[0];
    if (first === undefined) throw new Error('the receiver got nothing');
    expect(WebhookPayload.parse(new Webhook(secret).verify(first.body, first.headers)).type).toBe(
      'webhook.test',
    );

    await delivery.getByRole('button', { name: /^Resend Test event/ }).click();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(2);
    expect(receiver.received[1]?.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(receiver.received[1]?.body).toBe(first.body);
    await expect(async () => {
      await log.getByRole('button', { name: 'Refresh' }).click();
      await expect(delivery).toHaveAttribute('data-status', 'succeeded', { timeout: 2_000 });
      await expect(delivery).toContainText('Attempts2', { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });

    await endpoint.getByRole('button', { name: 'Disable', exact: true }).click();
    await expect(endpoint.getByText('Disabled', { exact: true })).toBeVisible();
    await expect(endpoint).toContainText('Disabled: disabled by its owner');
    await expect(endpoint.getByRole('button', { name: 'Send test event', exact: true })).toBeDisabled();
    // The log stays open: nothing can be resent to a disabled endpoint.
    await expect(endpoint.getByRole('button', { name: /^Resend Test event/ })).toBeDisabled();
    await endpoint.getByRole('button', { name: 'Enable', exact: true }).click();
    await expect(endpoint.getByText('Active', { exact: true })).toBeVisible();
    await expect(endpoint.getByRole('button', { name: 'Send test event', exact: true })).toBeEnabled();

    await endpoint.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await expect(confirm).toBeVisible();
    await expectAccessible(page, 'delete webhook confirmation');
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await expect(page.getByText('No webhooks')).toBeVisible();
    await expect(endpoint).toHaveCount(0);
  } finally {
    await receiver.stop();
  }
});
