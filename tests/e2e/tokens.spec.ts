// Settings › Integrations, the personal access tokens part: created with chosen scopes, shown once,
// usable for exactly those scopes from outside the app, listed with their scopes, and revoked.
import { chromiumMissingReason } from './support/browser.ts';
import { createAccount } from './support/accounts.ts';
import { expect, expectAccessible, screenshot, test } from './support/fixtures.ts';
import type { E2eServer } from './support/sync-server.ts';

const missing = chromiumMissingReason();
test.skip(missing !== undefined, missing ?? '');

/** What a script holding the token gets from the integration API. */
async function statusWith(server: E2eServer, token: string, path: string): Promise<number> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return response.status;
}

test('a personal access token is shown once, works for its scopes only, and stops when revoked', async ({
  devices,
  server,
}) => {
  const user = await createAccount(server, 'Margaret Hamilton');
  const { app, page } = await devices.open('margaret');
  await app.signIn(user);
  await app.go('#/settings/integrations');
  const form = page.getByRole('form', { name: 'New access token' });
  const tokens = app.card('Your tokens');
  await expect(tokens.getByText('No tokens')).toBeVisible();

  // Without a name or any permission the form says what is missing, next to it.
  await form.getByLabel('Read your profile').uncheck();
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.getByText('give the token a name')).toBeVisible();
  await expect(form.getByText('choose at least one permission')).toBeVisible();

  await form.getByLabel('Name', { exact: true }).fill('Backup script');
  await form.getByLabel('Read your profile').check();
  await form.getByLabel('Read the directory as you see it').check();
  await form.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toBeVisible();
  await expect(
    page.getByText('Token “Backup script” created — copy it now, it is shown only once'),
  ).toBeVisible();
  const token = (await shown.innerText()).trim();
  const row = tokens.getByRole('row').filter({ hasText: 'Backup script' });
  await expect(row).toContainText('profile:read');
  await expect(row).toContainText('directory:read');
  await expect(row).not.toContainText('settings:read');
  await expectAccessible(page, 'integrations with a new token');
  await screenshot(page, 'integrations-token');

  expect(await statusWith(server, token, '/api/v1/profile')).toBe(200);
  expect(await statusWith(server, token, '/api/v1/directory')).toBe(200);
  expect(await statusWith(server, token, '/api/v1/settings')).toBe(403);

  // Shown once: dismissed or reloaded, the secret is gone from the screen; the entry stays.
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(token)).toHaveCount(0);

  await tokens.getByRole('button', { name: 'Revoke Backup script' }).click();
  await expect(row).toHaveCount(0);
  await expect(tokens.getByText('No tokens')).toBeVisible();
  expect(await statusWith(server, token, '/api/v1/profile')).toBe(401);
});
