// The HTTP boundary: authentication, ownership, idempotent pushes and the error shape for bad input (I3–I6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/errors';
import { startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

let server: TestServer;
let ann: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  ann = await server.createUser('ann');
  bob = await server.createUser('bob');
});
afterAll(async () => {
  await server.stop();
});

function call(
  path: string,
  init: { method?: string; token?: string; body?: string; contentType?: string } = {},
) {
  return fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': init.contentType ?? 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = ErrorBody.parse(await response.json());
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

async function pull(user: TestUser) {
  const response = await call('/api/sync/profiles/pull?limit=10', { token: user.token });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    documents: Record<string, unknown>[];
    checkpoint: { seq: number; id: string };
  };
}

describe('authentication and ownership', () => {
  it('answers 401 without a token or with a wrong one', async () => {
    await expectError(await call('/api/sync/profiles/pull'), 401, 'unauthenticated');
    await expectError(
      await call('/api/sync/profiles/pull', { token: 'acc_nottherighttoken' }),
      401,
      'unauthenticated',
    );
  });

  it('pulls only the caller’s own documents', async () => {
    const { documents } = await pull(ann);
    expect(documents.map((d) => d.id)).toEqual([ann.userId]);
  });

  it('refuses a push to another user’s document and writes nothing (I4)', async () => {
    const [bobProfile] = (await pull(bob)).documents;
    const before = await server.server.store.getDocument('profiles', bob.userId);
    const response = await call('/api/sync/profiles/push', {
      method: 'POST',
      token: ann.token,
      body: JSON.stringify({
        rows: [{ assumedMasterState: bobProfile, newDocumentState: { ...bobProfile, bio: 'hacked' } }],
      }),
    });
    const body = await expectError(response, 403, 'forbidden');
    expect(JSON.stringify(body)).not.toContain(bob.email);
    expect(await server.server.store.getDocument('profiles', bob.userId)).toEqual(before);
  });
});

describe('idempotent pushes (I5)', () => {
  it('a duplicated push changes nothing and answers with the current master', async () => {
    const [profile] = (await pull(ann)).documents;
    if (profile === undefined) throw new Error('no profile');
    const clocks = { ...(profile.clocks as Record<string, string>), bio: server.server.clock.now() };
    const row = { assumedMasterState: profile, newDocumentState: { ...profile, bio: 'once', clocks } };
    const body = JSON.stringify({ rows: [row] });
    const first = await call('/api/sync/profiles/push', { method: 'POST', token: ann.token, body });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ conflicts: [], rejections: [] });
    const afterFirst = await server.server.store.getDocument('profiles', ann.userId);

    const second = await call('/api/sync/profiles/push', { method: 'POST', token: ann.token, body });
    expect(second.status).toBe(200);
    const secondBody = (await second.json()) as { conflicts: Record<string, unknown>[] };
    expect(secondBody.conflicts).toHaveLength(1);
    expect(secondBody.conflicts[0]).toMatchObject({ bio: 'once' });
    expect(await server.server.store.getDocument('profiles', ann.userId)).toEqual(afterFirst);
  });

  it('a push that changes nothing assigns no new sequence', async () => {
    const [profile] = (await pull(ann)).documents;
    const before = await server.server.store.getDocument('profiles', ann.userId);
    const response = await call('/api/sync/profiles/push', {
      method: 'POST',
      token: ann.token,
      body: JSON.stringify({ rows: [{ assumedMasterState: profile, newDocumentState: profile }] }),
    });
    expect(response.status).toBe(200);
    expect((await server.server.store.getDocument('profiles', ann.userId))?.seq).toBe(before?.seq);
  });
});

describe('bad input gets a clear 4xx and changes nothing (I6)', () => {
  const push = (body: string, contentType?: string) =>
    call('/api/sync/profiles/push', {
      method: 'POST',
      token: ann.token,
      body,
      ...(contentType ? { contentType } : {}),
    });

  it('malformed JSON → 400', async () => {
    await expectError(await push('{"rows": ['), 400, 'bad_request');
  });
  it('a body over the limit → 413', async () => {
    await expectError(
      await push(JSON.stringify({ rows: [{ pad: 'x'.repeat(1024 * 1024 + 10) }] })),
      413,
      'payload_too_large',
    );
  });
  it('a wrong content type → 415', async () => {
    await expectError(await push('rows=1', 'text/plain'), 415, 'unsupported_media_type');
  });
  it('__proto__ and constructor keys → 400', async () => {
    await expectError(await push('{"rows":[],"__proto__":{"polluted":true}}'), 400, 'bad_request');
    await expectError(
      await push('{"rows":[],"constructor":{"prototype":{"polluted":true}}}'),
      400,
      'bad_request',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('a body failing the schema → 400 validation_failed naming the field', async () => {
    const body = await expectError(await push(JSON.stringify({ rows: 'nope' })), 400, 'validation_failed');
    expect(body.error.field).toBe('rows');
  });
  it('an unknown route → 404, a wrong method → 405 with Allow', async () => {
    await expectError(await call('/api/nothing-here'), 404, 'not_found');
    const response = await call('/api/sync/profiles/push', { token: ann.token });
    await expectError(response, 405, 'method_not_allowed');
    expect(response.headers.get('allow')).toContain('POST');
  });
  it('there is no push for the read-only collections', async () => {
    await expectError(
      await call('/api/sync/accounts/push', { method: 'POST', token: ann.token, body: '{}' }),
      404,
      'not_found',
    );
    await expectError(
      await call('/api/sync/directory/push', { method: 'POST', token: ann.token, body: '{}' }),
      404,
      'not_found',
    );
  });
  it('invalid field values are rejected per field while valid ones apply', async () => {
    const [profile] = (await pull(ann)).documents;
    if (profile === undefined) throw new Error('no profile');
    const stamp = () => server.server.clock.now();
    const clocks = {
      ...(profile.clocks as Record<string, string>),
      pronouns: stamp(),
      birthday: stamp(),
      timeZone: stamp(),
    };
    const response = await push(
      JSON.stringify({
        rows: [
          {
            assumedMasterState: profile,
            newDocumentState: {
              ...profile,
              clocks,
              pronouns: 'she/her',
              birthday: 'yesterday',
              timeZone: 'Mars/Olympus',
              nickname: 'x',
            },
          },
        ],
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      rejections: { field: string; code: string }[];
      conflicts: Record<string, unknown>[];
    };
    expect(body.rejections.map((r) => [r.field, r.code]).sort()).toEqual([
      ['birthday', 'invalid_value'],
      ['nickname', 'unknown_field'],
      ['timeZone', 'invalid_value'],
    ]);
    expect(body.conflicts[0]).toMatchObject({ pronouns: 'she/her', birthday: null, timeZone: null });
  });
  it('a clock far in the future is rejected for that field', async () => {
    const [profile] = (await pull(ann)).documents;
    if (profile === undefined) throw new Error('no profile');
    const future = `${String(Date.now() + 60 * 60 * 1000).padStart(15, '0')}-00000-dev_future`;
    const response = await push(
      JSON.stringify({
        rows: [
          {
            assumedMasterState: profile,
            newDocumentState: {
              ...profile,
              headline: 'from the future',
              clocks: { ...(profile.clocks as object), headline: future },
            },
          },
        ],
      }),
    );
    const body = (await response.json()) as { rejections: { field: string; code: string }[] };
    expect(body.rejections).toEqual([expect.objectContaining({ field: 'headline', code: 'clock_drift' })]);
    expect((await server.server.store.getDocument('profiles', ann.userId))?.data.headline).not.toBe(
      'from the future',
    );
  });
});

describe('system routes', () => {
  it('/healthz and /readyz answer', async () => {
    expect(await (await call('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await call('/readyz')).json()).toEqual({ status: 'ready', storage: 'sqlite' });
  });
});
