// Shell settings: SYNC_URL validation, and dev-only variables ignored by a packaged app.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SYNC_URL, loadShellConfig } from './config.ts';

describe('shell configuration', () => {
  it('talks to the local sync server unless SYNC_URL says otherwise', () => {
    expect(loadShellConfig({}, true).syncUrl).toBe(DEFAULT_SYNC_URL);
    expect(loadShellConfig({ SYNC_URL: 'https://sync.example.com/' }, true).syncUrl).toBe(
      'https://sync.example.com',
    );
  });

  it('refuses a SYNC_URL that is not plain http(s)', () => {
    for (const value of [
      'ftp://example.com',
      'javascript:alert(1)',
      'https://user:pw@example.com',
      'not a url',
      '',
    ]) {
      expect(() => loadShellConfig({ SYNC_URL: value }, false), value).toThrow(/SYNC_URL/);
    }
  });

  it('honours the dev server and data folder only in unpackaged runs', () => {
    const env = { ACCORD_DEV_SERVER_URL: 'http://localhost:5173', ACCORD_USER_DATA: 'tmp/accord' };
    expect(loadShellConfig(env, false)).toMatchObject({
      devServerUrl: new URL('http://localhost:5173'),
      userDataDir: path.resolve('tmp/accord'),
    });
    expect(loadShellConfig(env, true)).toMatchObject({ devServerUrl: null, userDataDir: null });
    expect(() => loadShellConfig({ ACCORD_DEV_SERVER_URL: 'http://evil.example:5173' }, false)).toThrow();
  });
});
