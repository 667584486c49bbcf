// Sign up with a password strength meter, verify with the code from the outbox, edit the profile
// (with a validation error that loses nothing), and find it all again after a reload.
import { chromiumMissingReason } from './support/browser.ts';
import { expect, expectAccessible, screenshot, test } from './support/fixtures.ts';
import { newUser } from './support/accounts.ts';
import { codeOf, waitForMail } from './support/sync-server.ts';

const missing = chromiumMissingReason();
if (missing !== undefined) console.log(missing);
test.skip(missing !== undefined, missing ?? '');

test('sign up, verify the email, edit the profile', async ({ devices, server }) => {
  const device = await devices.open('newcomer');
  const { page, app } = device;
  const user = newUser('Ada Lovelace');

  await app.open();
  await expect(page.getByRole('heading', { name: 'Sign in to Accord' })).toBeVisible();
  await expectAccessible(page, 'sign in');
  await screenshot(page, 'sign-in');

  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Display name').fill(user.displayName);
  await page.getByLabel('Password', { exact: true }).fill('password1');
  await expect(page.getByText(/Strength: (Very weak|Weak)/)).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await expect(page.getByText(/Strength: (Strong|Very strong)/)).toBeVisible();
  await expectAccessible(page, 'sign up');
  await screenshot(page, 'sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expectAccessible(page, 'verify email');
  const code = codeOf(await waitForMail(server, user.email, 'verify-email'));
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();

  await expect(app.heading('Profile')).toBeVisible({ timeout: 20_000 });
  await expect(app.field('Personal information', 'Display name')).toHaveValue(user.displayName);
  await app.waitSynced();

  // A wrong value is reported next to its field; nothing typed is lost.
  const personal = app.form('Personal information');
  await app.field('Personal information', 'Pronouns').fill('she/her');
  await app.field('Personal information', 'Locale').fill('not a language!!');
  await personal.getByRole('button', { name: 'Save' }).click();
  await expect(personal.getByText('expected a language tag such as en or pt-BR')).toBeVisible();
  await expect(app.field('Personal information', 'Pronouns')).toHaveValue('she/her');
  await app.saveForm('Personal information', { Locale: 'en-GB' });
  await app.saveForm('About you', { Headline: 'Analyst of engines', Bio: 'Notes on the Analytical Engine.' });
  await app.waitSynced();
  await expectAccessible(page, 'profile');
  await screenshot(page, 'profile');

  await page.reload();
  await expect(app.field('Personal information', 'Pronouns')).toHaveValue('she/her');
  await expect(app.field('About you', 'Headline')).toHaveValue('Analyst of engines');
  await app.waitSynced();
});
