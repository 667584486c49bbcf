// The admin console: an administrator made with the command line signs in and sees the admin
// screens (a member does not), finds a user, suspends them with a reason (they can no longer
// sign in, and are told why), finds the action in the audit log, and exports users to a file with
// progress, and resumes an export whose download was cut. Also: "download my data" from this
// device while offline, marked as such.
import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { AdminExportRow, adminRoutes } from '#shared/contract/admin';
import { archiveFiles, type ArchiveFileName } from '#shared/contract/portability';
import { chromiumMissingReason } from './support/browser.ts';
import { createAccount } from './support/accounts.ts';
import { createAdminWithCli } from './support/admin-cli.ts';
import { expect, expectAccessible, screenshot, test } from './support/fixtures.ts';

const missing = chromiumMissingReason();
test.skip(missing !== undefined, missing ?? '');

/** Saves go through the bridge's download fallback, which Playwright can catch, not a native picker. */
async function useDownloads(page: Page): Promise<void> {
  await page.addInitScript("Object.defineProperty(window, 'showSaveFilePicker', { value: undefined });");
}

async function bytesOf(download: Download): Promise<Buffer> {
  const file = await download.path();
  return readFile(file);
}

test('an administrator manages a user, reads the audit log and exports users', async ({
  devices,
  server,
}) => {
  const admin = await createAdminWithCli(server, 'Grace Hopper');
  const member = await createAccount(server, 'Tom Kilburn');
  await createAccount(server, 'Kathleen Booth');

  // A member sees no admin screens, and the address alone shows nothing.
  const memberDevice = await devices.open('member');
  await memberDevice.app.signIn(member);
  await expect(memberDevice.page.getByRole('navigation', { name: 'Main' })).not.toContainText(
    'Administration',
  );
  await memberDevice.app.go('#/admin/users');
  await expect(memberDevice.page.getByText('Administrators only')).toBeVisible();
  await memberDevice.context.close();

  // The console has to hold in a small window: every admin screenshot is taken at 800×600.
  const { app, page } = await devices.open('admin', { width: 800, height: 600 });
  await useDownloads(page);
  await app.signIn(admin);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Users' }).click();
  await expect(app.heading('Users')).toBeVisible();
  await page.getByLabel('Email or name').fill('Kilburn');
  await page.getByRole('button', { name: 'Search' }).click();
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('row')).toHaveCount(2);
  await expect(users).toContainText(member.email);
  await expectAccessible(page, 'admin users');
  await screenshot(page, 'admin-users');

  await users.getByRole('link', { name: member.email }).click();
  await expect(app.heading('User')).toBeVisible();
  await expect(page.getByTestId('admin-user-email')).toHaveText(member.email);
  await page.getByRole('button', { name: 'Suspend' }).click();
  const suspend = page.getByRole('form', { name: 'Suspend' });
  await suspend.getByRole('button', { name: 'Suspend' }).click();
  await expect(suspend.getByText('give a reason (at least 3 characters)')).toBeVisible();
  await suspend.getByLabel('Reason').fill('Spam reported by several members');
  await suspend.getByRole('button', { name: 'Suspend' }).click();
  await expect(page.getByRole('status').filter({ hasText: /suspended/i })).toBeVisible();
  await expect(page.locator('.facts').getByText('Suspended', { exact: true })).toBeVisible();
  await expectAccessible(page, 'admin user');
  await screenshot(page, 'admin-user');

  // The suspended member cannot sign in, and the sign-in form says why.
  const retry = await devices.open('member-again');
  await retry.app.open('#/sign-in');
  await retry.page.getByLabel('Email').fill(member.email);
  await retry.page.getByLabel('Password').fill(member.password);
  await retry.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(retry.page.getByRole('alert')).toContainText('This account is suspended');
  await retry.context.close();

  await nav.getByRole('link', { name: 'Audit log' }).click();
  await expect(app.heading('Audit log')).toBeVisible();
  const log = page.getByRole('table', { name: 'Audit log' });
  await expect(log.getByRole('row').filter({ hasText: 'Spam reported by several members' })).toContainText(
    'Suspended',
  );
  await expectAccessible(page, 'admin audit log');
  await screenshot(page, 'admin-audit');

  await nav.getByRole('link', { name: 'Exports' }).click();
  await expect(app.heading('Exports')).toBeVisible();
  await page.getByLabel('Format').selectOption('ndjson');
  await page.getByLabel('Reason').fill('Quarterly backup check');
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Choose file and export' }).click();
  const file = await downloaded;
  await expect(page.getByText(/Export complete: \d+ users saved/)).toBeVisible();
  const progress = page.getByRole('progressbar');
  await expect(progress).toBeVisible();
  const total = Number(await progress.getAttribute('max'));
  expect(Number(await progress.getAttribute('value'))).toBe(total);

  const rows = (await bytesOf(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => AdminExportRow.parse(JSON.parse(line)));
  expect(rows).toHaveLength(total);
  expect(new Set(rows.map((row) => row.id)).size).toBe(total);
  expect(rows.find((row) => row.account.email === member.email)?.account.status).toBe('suspended');
  await expectAccessible(page, 'admin exports');
  await screenshot(page, 'admin-exports');
});

test('an export cut in the middle of a row resumes after the last whole row, each user once', async ({
  devices,
  server,
}) => {
  const admin = await createAdminWithCli(server, 'Frances Allen');
  for (const name of ['Ada Lovelace', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov']) {
    await createAccount(server, name);
  }
  // Without the service worker, page.route sees the app's requests and can cut the first download.
  const { app, page } = await devices.open('admin-resume', undefined, { serviceWorkers: 'block' });
  await useDownloads(page);
  let cutRows = 0;
  await page.route(`**${adminRoutes.downloadExport.path}?*`, async (route) => {
    if (cutRows > 0) {
      await route.fallback();
      return;
    }
    const response = await route.fetch();
    const lines = (await response.text()).split('\n').filter((line) => line !== '');
    cutRows = Math.floor(lines.length / 2);
    // The connection drops halfway through the next row.
    const partial = `${lines.slice(0, cutRows).join('\n')}\n${lines[cutRows]?.slice(0, 25) ?? ''}`;
    await route.fulfill({ response, body: partial });
  });
  await app.signIn(admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exports' }).click();
  await page.getByLabel('Format').selectOption('ndjson');
  await page.getByLabel('Reason').fill('Migration dry run');
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Choose file and export' }).click();

  const interrupted = page.getByRole('status').filter({ hasText: 'The export was interrupted' });
  await expect(interrupted).toBeVisible();
  expect(cutRows).toBeGreaterThan(0);
  await expect(interrupted).toContainText(`${cutRows} of`);
  await expectAccessible(page, 'admin export interrupted');
  await interrupted.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByText(/Export complete: \d+ users saved/)).toBeVisible();

  const total = Number(await page.getByRole('progressbar').getAttribute('max'));
  const rows = (await bytesOf(await downloaded))
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => AdminExportRow.parse(JSON.parse(line)));
  expect(total).toBeGreaterThan(cutRows);
  expect(rows).toHaveLength(total);
  expect(new Set(rows.map((row) => row.id)).size).toBe(total);
  expect(rows.map((row) => row.account.email)).toContain(admin.email);
});

test('download my data from this device while offline', async ({ devices, server }) => {
  const user = await createAccount(server, 'Dorothy Vaughan');
  const device = await devices.open('offline-owner');
  await useDownloads(device.page);
  const { app, page } = device;
  await app.signIn(user);
  await app.saveForm('About you', { Headline: 'Mathematician' });
  await app.waitSynced();
  await app.go('#/settings/account');
  await expect(app.heading('Account')).toBeVisible();

  await device.setOffline(true);
  const offer = page.getByText('The server can’t be reached');
  await expect(offer).toBeVisible();
  await expect(page.getByText(/This device last synced at/)).toBeVisible();
  await expectAccessible(page, 'account offline');
  await screenshot(page, 'download-from-this-device');
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download from this device' }).click();
  const file = await downloaded;
  expect(file.suggestedFilename()).toMatch(/from-this-device\.zip$/);
  await expect(page.getByText(/Saved \d+ KB from this device/)).toBeVisible();

  const files = unzipSync(new Uint8Array(await bytesOf(file)));
  const json = (name: ArchiveFileName) =>
    archiveFiles[name].parse(JSON.parse(strFromU8(files[name] ?? new Uint8Array())));
  const manifest = archiveFiles['manifest.json'].parse(json('manifest.json'));
  expect(manifest.origin).toMatchObject({ source: 'device' });
  expect(manifest.origin?.lastSyncedAt).not.toBeNull();
  expect(manifest.origin?.missing).toEqual(['sessions.json', 'security-events.json', 'access-tokens.json']);
  expect(json('profile.json')).toMatchObject({ displayName: user.displayName, headline: 'Mathematician' });
  expect(json('account.json')).toMatchObject({ email: user.email });
  expect(files['sessions.json']).toBeUndefined();
  const summary = strFromU8(files['index.html'] ?? new Uint8Array());
  expect(summary).toContain('From this device, last synced at');
  expect(summary).toContain('Not in this archive: only the server keeps it.');
});
