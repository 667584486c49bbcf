// Sessions and devices: one device ends another's session and that device is signed out; a device
// whose sign-in ends while it is offline keeps its data editable and asks to sign in again once
// it is back online, then sends what was edited meanwhile.
import { chromiumMissingReason } from './support/browser.ts';
import { createAccount } from './support/accounts.ts';
import { expect, expectAccessible, screenshot, test } from './support/fixtures.ts';
import type { AppPage } from './support/app-page.ts';

const missing = chromiumMissingReason();
test.skip(missing !== undefined, missing ?? '');

// Every device in the suite is a Chromium on Linux; createAccount's own session is "e2e setup".
const BROWSER_DEVICE = 'Chromium on Linux';

async function endOtherBrowserSession(app: AppPage): Promise<void> {
  await app.go('#/settings/security');
  const sessions = app.card('Sessions and devices');
  const rows = sessions.getByRole('row').filter({ hasText: BROWSER_DEVICE });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'This device' })).toHaveCount(1);
  await sessions.getByRole('button', { name: `End the session on ${BROWSER_DEVICE}` }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('This device');
}

test('ending a session on another device signs that device out, and the event is listed', async ({
  devices,
  server,
}) => {
  const user = await createAccount(server, 'Barbara Liskov');
  const laptop = await devices.open('laptop');
  const phone = await devices.open('phone');
  await laptop.app.signIn(user);
  await phone.app.signIn(user);

  await endOtherBrowserSession(laptop.app);
  await expect(phone.app.syncButton).toHaveAttribute('data-phase', 'signed-out', { timeout: 30_000 });
  await expect(phone.app.syncButton).toContainText('Signed out');
  await expect(phone.page.getByTestId('sign-in-again')).toContainText('Sign in again to sync');

  const events = laptop.app.card('Security events');
  await laptop.page.reload();
  await expect(events.getByText('Session ended')).toBeVisible();
  await expect(events.getByText('Signed in').first()).toBeVisible();
});

test('a sign-in that ends while offline keeps the data editable and asks to sign in again', async ({
  devices,
  server,
}) => {
  const user = await createAccount(server, 'Shafi Goldwasser');
  const travelling = await devices.open('travelling');
  const home = await devices.open('home');
  await travelling.app.signIn(user);
  await home.app.signIn(user);

  await travelling.setOffline(true);
  await expect(travelling.app.syncButton).toHaveAttribute('data-phase', 'offline');
  await endOtherBrowserSession(home.app);

  // Offline, nothing is known yet: editing goes on as usual.
  await travelling.app.saveForm('About you', { Headline: 'Edited on the train' });
  await travelling.app.expectPending(1);
  await expect(travelling.page.getByTestId('sign-in-again')).toHaveCount(0);

  // Back online the refused sign-in shows, the edit is still there and still waiting.
  await travelling.setOffline(false);
  await expect(travelling.app.syncButton).toHaveAttribute('data-phase', 'signed-out', { timeout: 30_000 });
  await expect(travelling.app.field('About you', 'Headline')).toHaveValue('Edited on the train');
  await travelling.app.expectPending(1);
  await travelling.app.saveForm('About you', { Headline: 'Edited on the train, then at home' });

  const notice = travelling.page.getByTestId('sign-in-again');
  await expect(notice).toContainText('Your changes are kept on this device');
  await expectAccessible(travelling.page, 'sign in again notice');
  await screenshot(travelling.page, 'sign-in-again');
  await notice.getByRole('button', { name: 'Sign in again' }).click();
  const panel = travelling.page.getByRole('dialog', { name: 'Sync' });
  await expect(panel.getByText('Sign in again to sync')).toBeVisible();
  await expect(panel.getByLabel('Email', { exact: true })).toHaveValue(user.email);
  await panel.getByLabel('Password', { exact: true }).fill(user.password);
  await panel.getByRole('button', { name: 'Sign in' }).click();
  await travelling.app.waitSynced(30_000);
  await travelling.app.closeDialog();
  await expect(notice).toHaveCount(0);

  await home.app.go('#/profile');
  await expect(home.app.field('About you', 'Headline')).toHaveValue('Edited on the train, then at home', {
    timeout: 20_000,
  });
});
