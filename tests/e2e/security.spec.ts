// Settings › Security in a real browser: two-step sign-in (QR code, recovery codes, signing in with
// an authenticator code and with a recovery code), password reset by email code, password change,
// and the security events that record it all.
import { chromiumMissingReason } from './support/browser.ts';
import { createAccount } from './support/accounts.ts';
import { Authenticator } from './support/authenticator.ts';
import { expect, expectAccessible, screenshot, test } from './support/fixtures.ts';
import { codeOf, waitForMail } from './support/sync-server.ts';

const missing = chromiumMissingReason();
test.skip(missing !== undefined, missing ?? '');

test('two-step sign-in: set up with a QR code, sign in with a code, then with a recovery code', async ({
  devices,
  server,
}) => {
  const user = await createAccount(server, 'Radia Perlman');
  const { app, page } = await devices.open('radia');
  await app.signIn(user);

  await app.go('#/settings/security');
  const card = app.card('Two-step sign-in');
  await card.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const authenticator = new Authenticator((await card.locator('code.ui-code').innerText()).trim());
  await expectAccessible(page, 'two-step setup');
  await screenshot(page, 'security-two-factor-setup');

  // A wrong code is refused next to the field; the right one turns it on and shows the codes once.
  await card.getByLabel('Code from the app').fill('000000');
  await card.getByRole('button', { name: 'Turn on' }).click();
  await expect(card.getByText('That code is not right')).toBeVisible();
  await card.getByLabel('Code from the app').fill(await authenticator.code());
  await card.getByRole('button', { name: 'Turn on' }).click();
  const codeList = card.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codeList.first()).toBeVisible();
  const recoveryCodes = (await codeList.allInnerTexts()).map((code) => code.trim());
  expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
  await expectAccessible(page, 'recovery codes');
  await screenshot(page, 'security-recovery-codes');
  await card.getByRole('button', { name: 'I have saved them' }).click();
  await expect(card.getByTestId('recovery-codes')).toHaveCount(0);
  await expect(card.getByText('On', { exact: true })).toBeVisible();

  // Signing in now takes a second step with the authenticator code.
  await app.signOut();
  await app.submitCredentials(user.email, user.password);
  await expect(page.getByLabel('Authenticator code')).toBeVisible();
  await page.getByLabel('Authenticator code').fill(await authenticator.code());
  await page.getByRole('button', { name: 'Continue' }).click();
  await app.expectSignedIn();

  // Lost the phone: "Can't sign in?" → the recovery code, which works once.
  await app.signOut();
  await page.getByRole('link', { name: 'Can’t sign in?' }).click();
  await expect(page.getByRole('heading', { name: 'Recover access' })).toBeVisible();
  await page.getByText('I lost my authenticator').click();
  await expectAccessible(page, 'recover access');
  await app.submitCredentials(user.email, user.password);
  await page.getByLabel('Recovery code').fill(recoveryCodes[0] ?? '');
  await page.getByRole('button', { name: 'Continue' }).click();
  await app.expectSignedIn();
  await waitForMail(server, user.email, 'recovery-code-used');

  await app.go('#/settings/security');
  const events = app.card('Security events');
  await expect(events.getByText('Recovery code used')).toBeVisible();
  await expect(events.getByText('Two-step sign-in turned on')).toBeVisible();

  // The used code is spent.
  await app.signOut();
  await page.getByRole('link', { name: 'Can’t sign in?' }).click();
  await page.getByText('I lost my authenticator').click();
  await app.submitCredentials(user.email, user.password);
  await page.getByLabel('Recovery code').fill(recoveryCodes[0] ?? '');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('That code is not right')).toBeVisible();
});

test('a forgotten password is reset with the emailed code, then changed in Settings', async ({
  devices,
  server,
}) => {
  const user = await createAccount(server, 'Frances Allen');
  const { app, page } = await devices.open('frances');

  await app.open('#/sign-in');
  await page.getByRole('link', { name: 'Can’t sign in?' }).click();
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(page.getByText(`If ${user.email} has an account, a code is on its way.`)).toBeVisible();
  await expectAccessible(page, 'password reset');
  await screenshot(page, 'recover-access');
  const code = codeOf(await waitForMail(server, user.email, 'password-reset'));
  const resetPassword = 'a brand new passphrase for frances';
  await page.getByLabel('Code from the email').fill(code);
  await page.getByLabel('New password').fill(resetPassword);
  await page.getByRole('button', { name: 'Set new password' }).click();

  // Back on the sign-in screen with the address filled in; the old password no longer works.
  await expect(page.getByRole('heading', { name: 'Sign in to Accord' })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue(user.email);
  await app.submitCredentials(user.email, user.password);
  await expect(page.getByRole('alert')).toContainText('Email or password is wrong.');
  await expect(app.heading('Profile')).toHaveCount(0);
  await app.submitCredentials(user.email, resetPassword);
  await app.expectSignedIn();

  await app.go('#/settings/security');
  const passwordForm = page.getByRole('form', { name: 'Change password' });
  const changedPassword = 'yet another passphrase for frances';
  await passwordForm.getByLabel('Current password').fill('not my password at all');
  await passwordForm.getByLabel('New password').fill(changedPassword);
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await expect(passwordForm.getByRole('alert')).toBeVisible();
  await expect(passwordForm.getByText('Password changed.')).toHaveCount(0);
  await passwordForm.getByLabel('Current password').fill(resetPassword);
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await expect(passwordForm.getByText('Password changed.')).toBeVisible();
  await waitForMail(server, user.email, 'password-changed');

  const events = app.card('Security events');
  await page.reload();
  await expect(events.getByText('Password changed')).toBeVisible();
  await expect(events.getByText('Password reset')).toBeVisible();
  await expectAccessible(page, 'security');
  await screenshot(page, 'security');

  await app.signOut();
  await app.submitCredentials(user.email, changedPassword);
  await app.expectSignedIn();
});
