// The guards: navigation, window.open, external links, permissions, and the CSP's directives.
import { describe, expect, it } from 'vitest';
import { FakeWebContents } from '../testing/fake-electron.ts';
import {
  contentSecurityPolicy,
  denyPermissionsByDefault,
  describeUrl,
  guardContents,
  type GuardOptions,
  type PermissionSession,
} from './security.ts';

function guarded(devServerOrigin: string | null = null) {
  const opened: string[] = [];
  const logs: string[] = [];
  const options: GuardOptions = {
    trusted: { devServerOrigin },
    openExternal: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    log: (message) => logs.push(message),
  };
  const contents = new FakeWebContents();
  guardContents(contents, options);
  return { contents, opened, logs };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('navigation guard', () => {
  it('denies every navigation, even to the app itself', () => {
    const { contents } = guarded();
    for (const url of [
      'app://accord/other.html',
      'https://example.com/',
      'file:///etc/passwd',
      'about:blank',
    ]) {
      expect(contents.navigate('will-navigate', url), url).toBe(true);
      expect(contents.navigate('will-frame-navigate', url), url).toBe(true);
    }
  });

  it('hands a safe link that tried to navigate the window to the OS browser', async () => {
    const { contents, opened } = guarded();
    contents.navigate('will-navigate', 'https://example.com/help');
    contents.navigate('will-navigate', 'file:///etc/passwd');
    contents.navigate('will-navigate', 'javascript:alert(1)');
    await settle();
    expect(opened).toEqual(['https://example.com/help']);
  });

  it('lets redirects stay only within the app', () => {
    const { contents } = guarded('http://localhost:5173');
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-redirect', 'app://accord/index.html')).toBe(false);
    expect(contents.navigate('will-redirect', 'http://localhost:5173/')).toBe(false);
  });

  it('refuses to attach webviews', () => {
    const { contents } = guarded();
    let prevented = false;
    contents.emit('will-attach-webview', {
      preventDefault: () => {
        prevented = true;
      },
    });
    expect(prevented).toBe(true);
  });
});

describe('window.open', () => {
  it('is always denied; validated http(s) links go to the OS browser, other schemes are refused', async () => {
    const { contents, opened, logs } = guarded();
    const urls = [
      'https://example.com/a',
      'http://example.org/',
      'file:///C:/Windows/system32/calc.exe',
      'smb://attacker/share',
      'app://accord/',
      'https://user:pw@example.com/',
      'vbscript:msgbox',
    ];
    for (const url of urls) expect(contents.openWindow(url), url).toEqual({ action: 'deny' });
    await settle();
    expect(opened).toEqual(['https://example.com/a', 'http://example.org/']);
    expect(logs.filter((line) => line.startsWith('refused'))).toHaveLength(5);
  });

  it('never logs the path or query of a refused URL', async () => {
    const { contents, logs } = guarded();
    contents.openWindow('file:///home/someone/secret-token.txt');
    await settle();
    expect(logs.join('\n')).not.toContain('secret-token');
    expect(describeUrl('https://example.com/path?token=abc')).toBe('https://example.com');
  });

  it('reports a failing OS browser instead of throwing', async () => {
    const logs: string[] = [];
    const contents = new FakeWebContents();
    guardContents(contents, {
      trusted: { devServerOrigin: null },
      openExternal: () => Promise.reject(new Error('no browser')),
      log: (message) => logs.push(message),
    });
    contents.openWindow('https://example.com/');
    await settle();
    expect(logs.some((line) => line.includes('no browser'))).toBe(true);
  });
});

describe('permissions', () => {
  function session() {
    const handlers: {
      request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0];
      check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0];
      device?: Parameters<PermissionSession['setDevicePermissionHandler']>[0];
    } = {};
    const fake: PermissionSession = {
      setPermissionRequestHandler: (handler) => (handlers.request = handler),
      setPermissionCheckHandler: (handler) => (handlers.check = handler),
      setDevicePermissionHandler: (handler) => (handlers.device = handler),
    };
    denyPermissionsByDefault(fake, { devServerOrigin: null });
    return handlers;
  }

  const ask = (permission: string, url: string): boolean => {
    const { request } = session();
    let granted: boolean | undefined;
    request?.({ getURL: () => url }, permission, (answer) => (granted = answer));
    if (granted === undefined) throw new Error('the request handler did not answer');
    return granted;
  };

  it('denies permission requests by default', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'midi',
      'openExternal',
      'fullscreen',
      'hid',
      'serial',
      'usb',
      'unknown',
    ]) {
      expect(ask(permission, 'app://accord/'), permission).toBe(false);
    }
  });

  it('grants clipboard writes to the app only', () => {
    expect(ask('clipboard-sanitized-write', 'app://accord/#/settings')).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
    expect(ask('clipboard-sanitized-write', '')).toBe(false);
    const { check, device } = session();
    expect(check?.(null, 'clipboard-sanitized-write', 'app://accord')).toBe(true);
    expect(check?.(null, 'media', 'app://accord')).toBe(false);
    expect(check?.(null, 'clipboard-sanitized-write', 'https://example.com')).toBe(false);
    expect(device?.({ deviceType: 'usb' })).toBe(false);
  });

  it('denies a request whose WebContents reports no URL', () => {
    const { request } = session();
    let granted: boolean | undefined;
    request?.({}, 'clipboard-sanitized-write', (answer) => (granted = answer));
    expect(granted).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  const csp = contentSecurityPolicy({ syncUrl: 'https://sync.example.com:8443/base' });
  const directives = new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('allows scripts only from the app itself: no inline scripts, no eval', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('lets the page reach its sync server and nothing else', () => {
    expect(directives.get('connect-src')).toEqual(["'self'", 'https://sync.example.com:8443']);
    expect(directives.get('img-src')).toContain('https://sync.example.com:8443');
  });
});
