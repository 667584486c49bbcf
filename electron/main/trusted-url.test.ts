// Which URLs are the app, which may open externally, and which dev servers are accepted.
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  isOpenableExternally,
  isTrustedAppUrl,
  originOf,
  parseDevServerUrl,
} from './trusted-url.ts';

const packaged = { devServerOrigin: null };
const dev = { devServerOrigin: 'http://localhost:5173' };

describe('trusted URLs', () => {
  it('knows the app origin and refuses look-alikes', () => {
    expect(originOf('app://accord/index.html')).toBe(APP_ORIGIN);
    expect(originOf('app://accord')).toBe(APP_ORIGIN);
    expect(originOf('app://accord.evil/')).toBeNull();
    expect(originOf('app://evil/')).toBeNull();
    expect(originOf('app://accord:8080/')).toBeNull();
    expect(originOf('app://user:pw@accord/')).toBeNull();
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });

  it('trusts the dev server only when one is configured', () => {
    expect(isTrustedAppUrl('app://accord/#/profile', packaged)).toBe(true);
    expect(isTrustedAppUrl('http://localhost:5173/', packaged)).toBe(false);
    expect(isTrustedAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isTrustedAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedAppUrl('about:blank', dev)).toBe(false);
  });

  it('opens only http(s) links to other sites externally', () => {
    expect(isOpenableExternally('https://example.com/page?q=1', packaged)).toBe(true);
    expect(isOpenableExternally('http://example.com', packaged)).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-msdt:/id',
      'app://accord/',
      'https://user:secret@example.com/',
      'data:text/html,<script>1</script>',
      'https://',
      'http://exa mple.com/',
    ]) {
      expect(isOpenableExternally(url, packaged), url).toBe(false);
    }
    expect(isOpenableExternally('http://localhost:5173/', dev)).toBe(false);
  });

  it('accepts only a loopback http dev server', () => {
    expect(parseDevServerUrl('http://localhost:5173').origin).toBe('http://localhost:5173');
    expect(parseDevServerUrl('http://127.0.0.1:5173/').origin).toBe('http://127.0.0.1:5173');
    expect(() => parseDevServerUrl('http://example.com:5173')).toThrow(/localhost/);
    expect(() => parseDevServerUrl('https://localhost:5173')).toThrow(/http/);
    expect(() => parseDevServerUrl('file:///tmp/index.html')).toThrow();
  });
});
