// The admin part of the store on SQLite and PostgreSQL: all-or-nothing account batches, the user
// list's search and keyset pages, export pages, role changes that keep an active administrator
// even when two demotions race, export jobs, and the admin audit log.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HybridClock } from '#shared/hlc';
import { applyLocalEdit } from '#shared/policy/stamp';
import { newAccountRecord } from '../../sync-server/import/new-account.ts';
import { adminActionRecord } from '../../sync-server/admin/audit.ts';
import type { ExportJobRecord, StoredDoc, SyncStore } from '../../sync-server/storage/store.ts';
import { requirePostgres } from '../helpers/postgres.ts';
import { startTestServer, type Dialect, type TestServer } from '../helpers/server.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(dialects)('the admin store on %s', (dialect) => {
  let server: TestServer;
  let store: SyncStore;
  const clock = new HybridClock('admin_store_test');
  const tag = randomUUID().slice(0, 8);
  const at = (name: string) => `${name}-${tag}@store.example`;
  const account = (
    name: string,
    role: 'user' | 'admin' = 'user',
    displayName = name,
    createdAt = new Date().toISOString(),
  ) =>
    newAccountRecord(
      clock,
      { email: at(name), passwordHash: '!', role, emailVerified: true, createdAt, profile: { displayName } },
      () => [],
    );
  const setRole = (userId: string, role: 'user' | 'admin') =>
    store.admin.changeRole(userId, role, (current: StoredDoc | undefined) => {
      if (current === undefined) throw new Error('no account document');
      return {
        write: {
          data: applyLocalEdit('account', current.data, { role }, () => clock.now()),
          deleted: false,
          ownerId: userId,
        },
        result: undefined,
      };
    });

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    store = server.server.store;
  });
  afterAll(async () => {
    await server.stop();
  });

  it('creates a batch of accounts with documents and directory entries, or none of them', async () => {
    const before = await store.latestSeq();
    const batch = [account('ann'), account('bob')];
    await store.admin.createAccounts(batch);
    for (const { user } of batch) {
      expect(await store.findUser(user.id)).toMatchObject({
        email: user.email,
        status: 'active',
        emailVerified: true,
      });
      for (const collection of ['profiles', 'settings', 'accounts'] as const) {
        expect((await store.getDocument(collection, user.id))?.seq).toBeGreaterThan(before);
      }
    }
    const directory = await store.directorySince({ seq: before, id: '' }, 100);
    expect(directory.map((entry) => entry.ownerId).sort()).toEqual(batch.map((a) => a.user.id).sort());

    const fresh = account('carl');
    await expect(store.admin.createAccounts([fresh, account('ann')])).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await store.findUser(fresh.user.id)).toBeUndefined();
    expect(await store.getDocument('profiles', fresh.user.id)).toBeUndefined();
  });

  it('searches by email and display name, escapes pattern characters, and pages newest first', async () => {
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const people = ['Zoë Ünicode', 'Percent 100% Sure', 'Under_score', 'plain one', 'plain two'].map(
      (name, i) => account(`search${i}`, 'user', name, new Date(base + i * 1000).toISOString()),
    );
    await store.admin.createAccounts(people);
    const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
    expect(ids(await store.admin.listUsers({ q: '100%' }, undefined, 10))).toEqual([people[1]?.user.id]);
    expect(ids(await store.admin.listUsers({ q: 'r_s' }, undefined, 10))).toEqual([people[2]?.user.id]);
    expect(ids(await store.admin.listUsers({ q: 'PLAIN' }, undefined, 10))).toEqual([
      people[4]?.user.id,
      people[3]?.user.id,
    ]);
    expect(ids(await store.admin.listUsers({ q: `search0-${tag}` }, undefined, 10))).toEqual([
      people[0]?.user.id,
    ]);
    expect(await store.admin.countUsers({ q: `-${tag}@store` })).toBe(7);
    expect(await store.admin.countUsers({ q: `-${tag}@store`, role: 'admin' })).toBe(0);

    const first = await store.admin.listUsers({ q: 'search' }, undefined, 2);
    const last = first.at(-1);
    if (last === undefined) throw new Error('no page');
    const second = await store.admin.listUsers(
      { q: 'search' },
      { createdAt: last.createdAt, id: last.id },
      10,
    );
    expect([...ids(first), ...ids(second)]).toEqual(people.map((p) => p.user.id).reverse());
    expect(first[0]?.displayName).toBe('plain two');
  });

  it('reads export pages in id order after a cursor, with the documents', async () => {
    const all = await store.admin.exportUsers({ q: tag }, undefined, 100);
    expect(all.map((row) => row.user.id)).toEqual([...all.map((row) => row.user.id)].sort());
    const [, second] = all;
    if (second === undefined) throw new Error('too few rows');
    const rest = await store.admin.exportUsers({ q: tag }, second.user.id, 100);
    expect(rest.map((row) => row.user.id)).toEqual(all.slice(2).map((row) => row.user.id));
    expect(all[0]?.profile?.displayName).toEqual(expect.any(String));
    expect(all[0]?.settings?.theme).toBe('system');
    expect(all[0]?.account?.email).toBe(all[0]?.user.email);
    expect(await store.admin.countUsers({ q: tag }, second.user.id)).toBe(rest.length);
  });

  it('changes roles, and two demotions at once never leave no active administrator', async () => {
    // Only this suite's administrators exist on this database.
    const admins = [account('admin-one', 'admin'), account('admin-two', 'admin')];
    await store.admin.createAccounts(admins);
    const others = (await store.admin.listUsers({ role: 'admin' }, undefined, 100)).filter(
      (user) => !admins.some((a) => a.user.id === user.id),
    );
    for (const other of others) await setRole(other.id, 'user');

    const outcomes = await Promise.allSettled(admins.map((a) => setRole(a.user.id, 'user')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
    expect(await store.admin.countUsers({ role: 'admin', status: 'active' })).toBe(1);
    const demoted = admins.find((a) => outcomes[admins.indexOf(a)]?.status === 'fulfilled');
    expect((await store.getDocument('accounts', demoted?.user.id ?? ''))?.data.role).toBe('user');
    await expect(setRole(randomUUID(), 'admin')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps export jobs: started once, progress, finish', async () => {
    const job: ExportJobRecord = {
      id: randomUUID(),
      actorId: null,
      via: 'cli',
      format: 'csv',
      filter: { q: tag, status: 'active' },
      afterId: null,
      limit: 5,
      reason: 'store test',
      status: 'ready',
      total: 5,
      done: 0,
      lastUserId: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      error: null,
    };
    await store.admin.createExportJob(job);
    expect(await store.admin.startExportJob(job.id, new Date().toISOString())).toBe(true);
    expect(await store.admin.startExportJob(job.id, new Date().toISOString())).toBe(false);
    await store.admin.recordExportProgress(job.id, 3, 'last-id');
    expect(await store.admin.findExportJob(job.id)).toMatchObject({
      status: 'running',
      done: 3,
      lastUserId: 'last-id',
      filter: job.filter,
    });
    await store.admin.finishExportJob(job.id, {
      status: 'completed',
      at: new Date().toISOString(),
      done: 5,
      lastUserId: 'z',
      error: null,
    });
    expect(await store.admin.findExportJob(job.id)).toMatchObject({ status: 'completed', done: 5 });
    expect((await store.admin.listExportJobs(10)).map((j) => j.id)).toContain(job.id);
  });

  it('lists admin actions newest first by target or actor, and one user’s events oldest first', async () => {
    const target = randomUUID();
    const actor = randomUUID();
    const base = Date.now();
    for (let i = 0; i < 3; i++) {
      await store.appendAuditEvent(
        adminActionRecord(() => base + i, {
          action: 'suspend',
          actorId: actor,
          targetUserId: target,
          reason: `r${i}`,
          via: 'api',
        }),
      );
    }
    const byTarget = await store.admin.listAuditEvents(
      { type: 'admin_action', targetUserId: target },
      undefined,
      2,
    );
    expect(
      byTarget.map((e) => JSON.parse(e.detail ?? '{}') as { reason: string }).map((d) => d.reason),
    ).toEqual(['r2', 'r1']);
    const last = byTarget.at(-1);
    const next = await store.admin.listAuditEvents(
      { type: 'admin_action', actorId: actor },
      last && { at: last.at, id: last.id },
      10,
    );
    expect(next).toHaveLength(1);
    const ascending = await store.admin.auditEventsOf(target, undefined, 10);
    expect(ascending.map((e) => e.at)).toEqual([...ascending.map((e) => e.at)].sort());
  });
});
