// Settings › Account and the account switcher in a real browser: changing the sign-in email (pending
// until confirmed with the emailed code), deleting the account with its grace period and restoring
// it at sign-in, and several accounts on one machine — add, switch, sign out with "remove data".
import type { Page } from '@playwright/test';
import { chromiumMissingReason } from './support/browser.ts';
import { createAccount, newUser } from './support/accounts.ts';
import { expect, expectAccessible, screenshot, test } from './support/fixtures.ts';
import { codeOf, waitForMail } from './support/sync-server.ts';

const missing = chromiumMissingReason();
test.skip(missing !== undefined, missing ?? '');

test('the sign-in email changes only once the code sent to the new address is entered', async ({
  devices,
  server,
}) => {
  const user = await createAccount(server, 'Evelyn Boyd Granville');
  const { app, page } = await devices.open('evelyn');
  await app.signIn(user);
  const newEmail = newUser('Evelyn Granville').email;

  await app.go('#/settings/account');
  const request = page.getByRole('form', { name: 'Request an email change' });
  await request.getByLabel('New email').fill(newEmail);
  await request.getByLabel('Password').fill(user.password);
  await request.getByRole('button', { name: 'Send confirmation code' }).click();

  // Pending: the old address still signs in, and the state survives a reload (it is synced).
  const confirm = page.getByRole('form', { name: 'Confirm new email' });
  await expect(confirm.getByText(`Waiting for confirmation of ${newEmail}`)).toBeVisible();
  await waitForMail(server, user.email, 'email-change-requested');
  const code = codeOf(await waitForMail(server, newEmail, 'email-change-code'));
  await page.reload();
  await expect(confirm.getByText(`Waiting for confirmation of ${newEmail}`)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('account-email')).toHaveText(user.email);
  await expectAccessible(page, 'account (email change pending)');
  await screenshot(page, 'account');

  await confirm.getByLabel('Code from the email').fill(code);
  await confirm.getByRole('button', { name: 'Confirm new email' }).click();
  await expect(page.getByText('Your sign-in email is changed.')).toBeVisible();
  await expect(page.getByTestId('account-email')).toHaveText(newEmail);
  await expect(confirm).toHaveCount(0);
  await expect(page.locator('.account-button')).toContainText(newEmail);

  await app.signOut();
  await app.submitCredentials(user.email, user.password);
  await expect(page.getByRole('alert')).toContainText('Email or password is wrong.');
  await app.submitCredentials(newEmail, user.password);
  await app.expectSignedIn();
});

test('deleting the account explains the grace period, and signing in restores it', async ({
  devices,
  server,
}) => {
  const user = await createAccount(server, 'Jean Bartik');
  const { app, page } = await devices.open('jean');
  await app.signIn(user);
  await app.saveForm('About you', { Headline: 'ENIAC programmer' });
  await app.waitSynced();

  await app.go('#/settings/account');
  const card = app.card('Delete account');
  // Before confirming, the server's grace period (30 days unless configured otherwise) and the date.
  await expect(
    card.getByText(
      /Deletion waits for a grace period of 30 days: confirmed today, the account is deleted on /,
    ),
  ).toBeVisible();
  await card.getByRole('button', { name: 'Delete account…' }).click();
  const confirm = page.getByRole('form', { name: 'Confirm account deletion' });
  await confirm.getByLabel('Password').fill('not the password');
  await confirm.getByRole('button', { name: 'Delete my account' }).click();
  await expect(confirm.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await confirm.getByLabel('Password').fill(user.password);
  await confirm.getByRole('button', { name: 'Delete my account' }).click();
  // The server's grace period (30 days unless configured otherwise) is spelled out with the date.
  await expect(card.getByText(/Your account will be deleted on .+, in 30 days/)).toBeVisible();
  await expect(card.getByText(/signing in offers to restore it exactly as it was/)).toBeVisible();
  await waitForMail(server, user.email, 'deletion-scheduled');
  // Every session ended on purpose: the device says it is signed out without urging a new sign-in.
  await expect(app.syncButton).toHaveAttribute('data-phase', 'signed-out');
  await expect(page.getByTestId('sign-in-again')).toHaveCount(0);
  await expectAccessible(page, 'account deletion scheduled');
  await screenshot(page, 'account-deletion-scheduled');
  await card.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Accord' })).toBeVisible();

  await app.submitCredentials(user.email, user.password);
  await expect(page.getByText('This account is scheduled for deletion')).toBeVisible();
  await expectAccessible(page, 'restore offer');
  await screenshot(page, 'sign-in-restore');
  await page.getByRole('button', { name: 'Restore my account' }).click();
  await app.expectSignedIn();
  await waitForMail(server, user.email, 'account-restored');
  await app.go('#/profile');
  await expect(app.field('About you', 'Headline')).toHaveValue('ENIAC programmer');
});

// The test project has no DOM types: these run in the page as plain expressions.
/** The RxDB (IndexedDB) databases of an account on this device. */
async function localDatabasesOf(page: Page, userId: string): Promise<string[]> {
  const names = await page.evaluate<string[]>(
    '(async () => (await indexedDB.databases()).map((database) => database.name ?? ""))()',
  );
  return names.filter((name) => name.includes(userId.toLowerCase()));
}

async function openUserId(page: Page): Promise<string> {
  const id = await page.evaluate<string | null>('localStorage.getItem("accord.current-account")');
  expect(id).not.toBeNull();
  return id ?? '';
}

test('two accounts on one machine: add, switch, sign out and remove the local data', async ({
  devices,
  server,
}) => {
  const first = await createAccount(server, 'Sophie Wilson');
  const second = await createAccount(server, 'Steve Furber');
  const { app, page } = await devices.open('shared-desk');
  await app.signIn(first);
  await app.saveForm('About you', { Headline: 'Designed the instruction set' });
  await app.waitSynced();
  const firstId = await openUserId(page);

  let accounts = await app.openAccounts();
  await accounts.getByRole('button', { name: 'Add another account' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Accord' })).toBeVisible();
  const onThisDevice = page.getByRole('region', { name: 'On this device' });
  await expect(onThisDevice).toContainText(first.email);
  await expectAccessible(page, 'sign in with a known account');
  await app.submitCredentials(second.email, second.password);
  await app.expectSignedIn();
  await app.go('#/profile');
  await expect(app.field('Personal information', 'Display name')).toHaveValue(second.displayName);
  await expect(app.field('About you', 'Headline')).toHaveValue('');

  // Switching opens the other account's own local data.
  accounts = await app.openAccounts();
  await expect(accounts.getByText('Other accounts on this device')).toBeVisible();
  await expectAccessible(page, 'account switcher');
  await screenshot(page, 'account-switcher');
  await accounts
    .getByRole('listitem')
    .filter({ hasText: first.displayName })
    .getByRole('button', { name: 'Switch' })
    .click();
  await expect(app.field('Personal information', 'Display name')).toHaveValue(first.displayName, {
    timeout: 20_000,
  });
  await expect(app.field('About you', 'Headline')).toHaveValue('Designed the instruction set');
  await expect(page.locator('.account-button')).toContainText(first.email);
  await app.waitSynced();
  expect(await localDatabasesOf(page, firstId)).not.toEqual([]);

  // Signing out with "remove data" leaves nothing of this account on the device; the other stays.
  await app.signOut({ wipe: true });
  await expect(onThisDevice).toContainText(second.email);
  await expect(onThisDevice).not.toContainText(first.email);
  await expect.poll(() => localDatabasesOf(page, firstId)).toEqual([]);
  await onThisDevice.getByRole('button', { name: 'Open' }).click();
  await expect(app.field('Personal information', 'Display name')).toHaveValue(second.displayName, {
    timeout: 20_000,
  });
});
