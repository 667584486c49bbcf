// "Download my data": after a recent sign-in a person gets one zip archive whose JSON files match
// the published schemas, holding all of their data (owner-only fields too) but no secret, their
// avatar image, and a readable HTML summary in which every value is escaped. It is audited.
import { createHash, randomBytes } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHIVE_SUMMARY_FILE,
  archiveFiles,
  portabilityRoutes,
  type ArchiveFileName,
} from '#shared/contract/portability';
import { SecurityEvent } from '#shared/contract/auth';
import { putEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { pushOwnPatch } from '../helpers/owner-api.ts';
import { api, errorOf, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let offset = 0;
const now = () => Date.now() + offset;
let server: TestServer;
let ann: TestUser;
let bob: TestUser;
let personalToken: string;
const hostileName = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
const secret = {
  totp: `TOTP${randomBytes(8).toString('hex').toUpperCase()}`,
  recovery: `rc${randomBytes(8).toString('hex')}`,
};
const blockedId = `blocked${randomBytes(6).toString('hex')}`;
/** A 1×1 PNG. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const pngHash = createHash('sha256').update(png).digest('hex');

beforeAll(async () => {
  server = await startTestServer({ now });
  ann = await server.createUser('ann');
  bob = await server.createUser('bob');
  const owner = { baseUrl: server.url, token: ann.token };

  const upload = await fetch(`${server.url}/api/avatars/${pngHash}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ann.token}`, 'content-type': 'image/png' },
    body: png,
  });
  expect(upload.status).toBe(200);
  await pushOwnPatch(owner, 'profiles', (doc, stamp) => ({
    displayName: hostileName,
    legalName: 'Ann Legal Name',
    avatar: { hash: pngHash, mime: 'image/png', size: png.length },
    contacts: putEntry((doc.contacts ?? []) as AnySetEntry[], {
      id: bob.userId,
      removed: false,
      at: stamp(),
    }),
    blocked: putEntry((doc.blocked ?? []) as AnySetEntry[], { id: blockedId, removed: false, at: stamp() }),
  }));
  const created = await api(server, 'POST', '/api/tokens', {
    token: ann.token,
    body: { name: 'Backup script', scopes: ['profile:read'] },
  });
  expect(created.status).toBe(201);
  personalToken = (created.json as { token: string }).token;

  // Secrets that live only in server tables.
  await server.server.store.updateUser(ann.userId, { totpSecret: secret.totp });
  await server.server.store.replaceRecoveryCodes(
    ann.userId,
    [{ id: 'r1', codeHash: secret.recovery }],
    new Date().toISOString(),
  );
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  offset = 0;
});

function download(token?: string) {
  return fetch(`${server.url}${portabilityRoutes.downloadMyData.path}`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

async function archiveOf(user: TestUser) {
  const response = await download(user.token);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/zip');
  expect(response.headers.get('content-disposition')).toMatch(
    /^attachment; filename="accord-data-\d{4}-\d{2}-\d{2}\.zip"$/,
  );
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { bytes, files: unzipSync(bytes) };
}

function json<F extends ArchiveFileName>(files: Record<string, Uint8Array>, name: F) {
  const file = files[name];
  if (file === undefined) throw new Error(`${name} is missing`);
  return archiveFiles[name].parse(JSON.parse(strFromU8(file))) as ReturnType<
    (typeof archiveFiles)[F]['parse']
  >;
}

describe('download my data', () => {
  it('answers with a zip whose every file matches its schema and holds all of the person’s data', async () => {
    const { files } = await archiveOf(ann);
    for (const name of Object.keys(archiveFiles) as ArchiveFileName[]) json(files, name);

    const manifest = json(files, 'manifest.json');
    expect(manifest.userId).toBe(ann.userId);
    expect(Object.keys(files).sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.name)].sort());

    expect(json(files, 'account.json')).toMatchObject({
      email: ann.email,
      twoFactorEnabled: true,
      role: 'user',
    });
    const profile = json(files, 'profile.json');
    // The owner's own archive holds every field, owner-only ones and `redact` ones in clear.
    expect(profile).toMatchObject({
      displayName: hostileName,
      legalName: 'Ann Legal Name',
      contacts: [bob.userId],
      blocked: [blockedId],
    });
    expect(json(files, 'settings.json')).toHaveProperty('notifications');
    expect(json(files, 'contacts.json').contacts).toEqual([{ userId: bob.userId, displayName: 'bob' }]);
    expect(json(files, 'sessions.json').sessions.length).toBeGreaterThanOrEqual(1);
    expect(json(files, 'access-tokens.json').tokens).toMatchObject([
      { name: 'Backup script', scopes: ['profile:read'] },
    ]);
    expect(json(files, 'security-events.json').events.map((e) => e.type)).toContain('token_created');

    expect(Buffer.from(files['avatar.png'] ?? new Uint8Array()).equals(png)).toBe(true);
  });

  it('never holds a secret', async () => {
    const { files } = await archiveOf(ann);
    const text = Object.values(files)
      .map((file) => Buffer.from(file).toString('latin1'))
      .join('\n');
    for (const value of [secret.totp, secret.recovery, personalToken, ann.token, ann.refreshToken]) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toContain('$argon2');
    expect(text).not.toMatch(/passwordHash|totpSecret|recoveryCodes|tokenHash/);
  });

  it('has a readable summary in which every value is escaped', async () => {
    const { files } = await archiveOf(ann);
    const html = strFromU8(files[ARCHIVE_SUMMARY_FILE] ?? new Uint8Array());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('Ann Legal Name');
    expect(html).toContain('<img src="avatar.png"');
  });

  it('is recorded among the person’s security events', async () => {
    await archiveOf(ann);
    const response = await api(server, 'GET', '/api/account/security-events', { token: ann.token });
    const events = SecurityEvent.array().parse((response.json as { events: unknown }).events);
    expect(events[0]).toMatchObject({ type: 'data_exported', actorId: ann.userId });
  });

  it('needs a session and a recent authentication', async () => {
    const anonymous = await download();
    expect(
      errorOf({ status: anonymous.status, headers: anonymous.headers, json: await anonymous.json() }),
    ).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
    offset = 11 * 60_000;
    const stale = await download(bob.token);
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe(
      'reauthentication_required',
    );
    const confirmed = await api(server, 'POST', '/api/auth/reauthenticate', {
      token: bob.token,
      body: { password: bob.password },
    });
    expect(confirmed.status).toBe(200);
    const { files } = await archiveOf(bob);
    expect(json(files, 'manifest.json').userId).toBe(bob.userId);
    // Bob never uploaded an avatar: his archive has none.
    expect(Object.keys(files).some((name) => name.startsWith('avatar.'))).toBe(false);
  });
});
