// The application menu per platform, with developer tools only in development.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from './menu.ts';

function roles(items: readonly MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role === undefined ? [] : [item.role]),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}
const labels = (items: readonly MenuItemConstructorOptions[]) => items.map((item) => item.label ?? item.role);

describe('application menu', () => {
  it('has the macOS app menu on macOS only', () => {
    const mac = buildMenuTemplate({ platform: 'darwin', appName: 'Accord', isDevelopment: false });
    expect(labels(mac)).toEqual(['Accord', 'File', 'Edit', 'View', 'Window']);
    expect(roles(mac)).toEqual(expect.arrayContaining(['about', 'services', 'hide', 'quit', 'front']));
    const linux = buildMenuTemplate({ platform: 'linux', appName: 'Accord', isDevelopment: false });
    expect(labels(linux)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
    expect(roles(linux)).not.toContain('services');
  });

  it('offers editing with the keyboard shortcuts people expect', () => {
    const template = buildMenuTemplate({ platform: 'win32', appName: 'Accord', isDevelopment: false });
    expect(roles(template)).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
    );
  });

  it('shows developer tools and reload only in development', () => {
    const release = roles(buildMenuTemplate({ platform: 'linux', appName: 'Accord', isDevelopment: false }));
    expect(release).not.toContain('toggleDevTools');
    expect(release).not.toContain('reload');
    const development = roles(
      buildMenuTemplate({ platform: 'linux', appName: 'Accord', isDevelopment: true }),
    );
    expect(development).toEqual(expect.arrayContaining(['toggleDevTools', 'reload', 'forceReload']));
  });
});
