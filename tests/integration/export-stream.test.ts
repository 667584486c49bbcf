// Bulk export at scale: 100,000 users stream out with bounded memory (the heap grows by a small,
// fixed amount while far more data passes through), progress is readable while it runs, and a cut-
// off download resumes from the last row received with every row exactly once.
import { createHash, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportJob } from '#shared/contract/admin';
import { newDocument } from '#shared/policy/table';
import { openStore } from '../../sync-server/storage/open-store.ts';
import type { NewAccountRecord } from '../../sync-server/storage/store.ts';
import { api, startTestServer, type TestServer, type TestUser } from '../helpers/server.ts';

/** A full garbage collection, on demand (the flag can be set at run time; `gc` then exists in a new context). */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const USERS = 100_000;
const BATCH = 2_000;
const MiB = 1024 * 1024;

let server: TestServer;
let root: TestUser;
const reason = 'scale test of the export';

/** Accounts built from templates (validated once, not per row): the store takes them in big batches. */
const templates = {
  profile: newDocument('profile', randomUUID()),
  settings: newDocument('settings', randomUUID()),
  account: newDocument('account', randomUUID()),
};

const runPrefix = randomUUID().slice(0, 8);

function generatedBatch(start: number, count: number): NewAccountRecord[] {
  const createdAt = new Date().toISOString();
  const bio = 'Generated biography text for the export scale test. '.repeat(12);
  return Array.from({ length: count }, (_, k) => {
    const i = start + k;
    // Time-ordered ids (as UUIDv7 makes them) are inserted at the end of the indexes: twice as fast.
    const id = `${runPrefix}-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
    const email = `user${i}@scale.example`;
    return {
      user: { id, email, passwordHash: '!', role: 'user', createdAt, emailVerified: true },
      documents: {
        profiles: { ...templates.profile, id, displayName: `Scale User ${i}`, bio },
        settings: { ...templates.settings, id },
        accounts: { ...templates.account, id, email, emailVerified: true, createdAt },
      },
      audit: [],
    };
  });
}

beforeAll(async () => {
  server = await startTestServer();
  root = await server.createUser('root', 'admin');
  // Seeded through a store of their own on the server's database: the server's change listeners
  // (contact verification, streams) need not react to a hundred thousand test accounts.
  const seeding = await openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
  try {
    for (let start = 0; start < USERS; start += BATCH) {
      await seeding.admin.createAccounts(generatedBatch(start, BATCH));
    }
  } finally {
    await seeding.close();
  }
}, 600_000);
afterAll(async () => {
  await server.stop();
});

async function createExport(body: Record<string, unknown>) {
  const response = await api(server, 'POST', '/api/admin/exports', {
    token: root.token,
    body: { format: 'ndjson', reason, ...body },
  });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return ExportJob.parse(response.json);
}

async function status(id: string) {
  const response = await api(server, 'GET', `/api/admin/exports/status?exportId=${id}`, {
    token: root.token,
  });
  return ExportJob.parse(response.json);
}

interface Consumed {
  readonly rows: number;
  readonly bytes: number;
  readonly lastId: string | undefined;
}

/**
 * Reads an NDJSON download line by line without keeping it: each row's id goes into `hash`.
 * `stopAfter` aborts the download once that many rows arrived (a cut-off connection).
 */
async function consume(
  job: ExportJob,
  hash: ReturnType<typeof createHash>,
  options: { stopAfter?: number; onChunk?: () => void } = {},
): Promise<Consumed> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/admin/exports/download?exportId=${job.id}`, {
    headers: { authorization: `Bearer ${root.token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  if (response.body === null) throw new Error('no body');
  const decoder = new TextDecoder();
  let rows = 0;
  let bytes = 0;
  let rest = '';
  let lastId: string | undefined;
  let stopped = false;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      options.onChunk?.();
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        // The id is the first key of every row: no need to parse the whole line.
        const id = line.slice(7, 43);
        hash.update(`${id}\n`);
        lastId = id;
        rows += 1;
        if (rows === options.stopAfter) {
          stopped = true;
          break;
        }
      }
      if (stopped) break;
    }
  } finally {
    // Leaving the loop early cancels the body; aborting closes the connection as a crash would.
    if (stopped) controller.abort();
  }
  if (stopped) return { rows, bytes, lastId };
  if (rest !== '') {
    const state = await status(job.id);
    throw new Error(
      `the download ended inside a row after ${rows} rows and ${bytes} bytes (${rest.length} bytes left over); job ${JSON.stringify(state)}`,
    );
  }
  return { rows, bytes, lastId };
}

async function eventuallyStatus(id: string, expected: ExportJob['status']) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = await status(id);
    if (job.status === expected || Date.now() > deadline) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`an export of ${USERS.toLocaleString('en')} users`, () => {
  it('streams with bounded memory and reports progress while it runs', async () => {
    const total = USERS + 1; // and the administrator
    const job = await createExport({});
    expect(job).toMatchObject({ status: 'ready', total, done: 0 });

    // Live memory, not garbage waiting for a collection: the heap is measured right after a full
    // garbage collection, every few chunks of the download (RSS is sampled as it is).
    collectGarbage();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakRss = baseline.rss;
    const sample = (collect: boolean) => {
      if (collect) collectGarbage();
      const usage = process.memoryUsage();
      if (collect) peakHeap = Math.max(peakHeap, usage.heapUsed);
      peakRss = Math.max(peakRss, usage.rss);
    };
    const timer = setInterval(() => {
      sample(false);
    }, 25);
    const progress: number[] = [];
    let polling = Promise.resolve();
    let chunks = 0;
    const started = Date.now();
    let consumed: Consumed;
    try {
      consumed = await consume(job, createHash('sha256'), {
        onChunk: () => {
          chunks += 1;
          sample(chunks % 100 === 0);
          // Poll the progress endpoint now and then, while the download runs.
          if (chunks % 200 === 0) {
            polling = polling.then(async () => {
              progress.push((await status(job.id)).done);
            });
          }
        },
      });
      await polling;
    } finally {
      clearInterval(timer);
    }

    expect(consumed.rows).toBe(total);
    const heapGrowth = peakHeap - baseline.heapUsed;
    const rssGrowth = peakRss - baseline.rss;
    console.info(
      `export of ${total} users: ${(consumed.bytes / MiB).toFixed(0)} MiB streamed in ${Date.now() - started} ms; ` +
        `peak heap growth ${(heapGrowth / MiB).toFixed(1)} MiB, peak RSS growth ${(rssGrowth / MiB).toFixed(1)} MiB`,
    );
    // The data is well over 150 MiB; memory stays within a small, fixed budget far below it.
    expect(consumed.bytes).toBeGreaterThan(150 * MiB);
    expect(heapGrowth).toBeLessThan(16 * MiB);
    expect(rssGrowth).toBeLessThan(64 * MiB);

    // Progress was visible mid-way, only ever grew, and ended complete.
    expect(progress.some((done) => done > 0 && done < total)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const finished = await eventuallyStatus(job.id, 'completed');
    expect(finished).toMatchObject({ status: 'completed', done: total, total });
  }, 300_000);

  it('resumes a cut-off download after the last row received: every row exactly once', async () => {
    // A filtered share of the users (user1, user10…19, user100…199, …): 11,111 rows.
    const filter = { q: 'user1' };
    const whole = createHash('sha256');
    const reference = await consume(await createExport({ filter }), whole);
    expect(reference.rows).toBe(11_111);

    const pieces = createHash('sha256');
    const first = await createExport({ filter });
    const cut = await consume(first, pieces, { stopAfter: 4_000 });
    expect(cut.rows).toBe(4_000);
    const aborted = await eventuallyStatus(first.id, 'aborted');
    expect(aborted.status).toBe('aborted');
    // The job counts what it wrote to the connection, which may be more than arrived: a client
    // resumes from the last row it received.
    expect(aborted.done).toBeGreaterThanOrEqual(cut.rows);
    expect(aborted.done).toBeLessThan(reference.rows);

    // A second download of the same job is refused: resuming is a new export with `after`.
    const again = await fetch(`${server.url}/api/admin/exports/download?exportId=${first.id}`, {
      headers: { authorization: `Bearer ${root.token}` },
    });
    expect(again.status).toBe(409);

    const resumed = await createExport({ filter, after: cut.lastId });
    expect(resumed.total).toBe(reference.rows - 4_000);
    const rest = await consume(resumed, pieces);
    expect(rest.rows).toBe(reference.rows - 4_000);
    expect(pieces.digest('hex')).toBe(whole.digest('hex'));
  }, 300_000);
});
