// Layouts hold at the smallest supported window, 800×600: every main screen, the sync panel and the
// sign-in and sign-up screens fit the width (nothing scrolls sideways) and are saved as screenshots.
import type { Page } from '@playwright/test';
import { chromiumMissingReason } from './support/browser.ts';
import { createAccount } from './support/accounts.ts';
import { expect, screenshot, test } from './support/fixtures.ts';

const missing = chromiumMissingReason();
test.skip(missing !== undefined, missing ?? '');

const SMALL = { width: 800, height: 600 };

/** Elements wider than the window or than their scrolling parent (the test project has no DOM types). */
async function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const found = [];
    if (document.documentElement.scrollWidth > window.innerWidth) found.push('the page');
    for (const element of document.querySelectorAll('main, .content, .ui-card, .ui-drawer, .auth__card')) {
      if (element.scrollWidth > element.clientWidth + 1) found.push(element.className || element.tagName);
    }
    return found;
  })()`);
}

async function expectFits(page: Page, screen: string): Promise<void> {
  expect(await sidewaysOverflow(page), `${screen} at 800×600`).toEqual([]);
}

test('every screen fits an 800×600 window', async ({ devices, server }) => {
  const user = await createAccount(server, 'Adele Goldberg');
  await createAccount(server, 'Alan Kay');
  const { app, page } = await devices.open('small-window', SMALL);

  await app.open('#/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in to Accord' })).toBeVisible();
  await expectFits(page, 'sign in');
  await screenshot(page, 'sign-in-800x600');
  await app.open('#/sign-up');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await expectFits(page, 'sign up');
  await screenshot(page, 'sign-up-800x600');

  await app.signIn(user);
  const screens: readonly [string, string, string][] = [
    ['#/profile', 'Profile', 'profile'],
    ['#/avatar', 'Avatar', 'avatar'],
    ['#/privacy', 'Privacy', 'privacy'],
    ['#/directory', 'Directory', 'directory'],
    ['#/settings/notifications', 'Notifications', 'notifications'],
    ['#/settings/security', 'Security', 'security'],
    ['#/settings/preferences', 'Preferences', 'preferences'],
    ['#/settings/integrations', 'Integrations', 'integrations'],
    ['#/settings/account', 'Account', 'account'],
  ];
  for (const [hash, title, name] of screens) {
    await app.go(hash);
    await expect(app.heading(title)).toBeVisible();
    await expect(page.locator('.ui-loading')).toHaveCount(0, { timeout: 10_000 });
    // The sync indicator stays in view at the top whatever the screen.
    await expect(app.syncButton).toBeInViewport();
    await expectFits(page, title);
    await screenshot(page, `${name}-800x600`);
  }

  await app.openSyncPanel();
  await expectFits(page, 'sync panel');
  await screenshot(page, 'sync-panel-800x600');
});
