// One webhook attempt on the wire: a POST to the address the guard checked (the connection is
// pinned to it; TLS still verifies the certificate for the host name), no redirects, no pooling,
// a hard deadline, and the response body discarded unread.
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Target } from './address-guard.ts';

export type PostResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status: number | null; readonly error: string };

const USER_AGENT = 'Accord-Webhooks/1';

export function postPinned(
  target: Target,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  const { url, hostname, address, family } = target;
  // The connection goes to the checked address whatever name resolution would say now.
  const pinned: LookupFunction = (_name, options, callback) => {
    if (options.all === true) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const request = client.request({
      method: 'POST',
      protocol: url.protocol,
      hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      lookup: pinned,
      family,
      agent: false,
      // SNI carries names only, never an address.
      ...(url.protocol === 'https:' && isIP(hostname) === 0 ? { servername: hostname } : {}),
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': USER_AGENT,
      },
    });
    const deadline = setTimeout(() => {
      request.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      response.on('error', () => undefined);
      if (status >= 200 && status < 300) finish({ ok: true, status });
      else if (status >= 300 && status < 400)
        finish({ ok: false, status, error: `HTTP ${status} (redirects are not followed)` });
      else finish({ ok: false, status, error: `HTTP ${status}` });
      request.destroy();
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({ ok: false, status: null, error: describeError(error) });
    });
    request.end(body);
  });
}

function describeError(error: NodeJS.ErrnoException): string {
  const code = typeof error.code === 'string' ? ` (${error.code})` : '';
  return `${error.message.slice(0, 200)}${code}`;
}
