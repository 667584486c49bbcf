// Bulk exports of users for administrators, streamed from the database in constant memory: the
// rows are read in keyset pages (user-id order) and each page is encoded and handed on only when
// the consumer (an HTTP reply or a file) asks for more, so back-pressure reaches the database
// reads. Progress (done / total, last row) lives in the export job, readable from any process.
import { randomUUID } from 'node:crypto';
import type { AdminExportRow, ExportFormat, UserFilter } from '#shared/contract/admin';
import { AccordError } from '#shared/errors';
import type { RequestMeta } from '../accounts/context.ts';
import { recordAdminAction } from '../admin/audit.ts';
import type { ExportJobRecord, SyncStore } from '../storage/store.ts';
import { csvRecords, UTF8_BOM } from './csv.ts';
import { ndjsonLine } from './ndjson.ts';
import { adminExportRow, csvColumns, csvRow } from './user-rows.ts';

/**
 * Rows read and encoded at a time. Small enough that a page's parsed documents die young: with
 * pages of 500 they outlived V8's young generation, and peak memory kept growing with the export's
 * length (bench/export.ts: peak RSS at 100,000 users 1.24× the peak at 10,000; with 100, about 1.0×
 * and no slower).
 */
export const EXPORT_PAGE_SIZE = 100;
/** The job's progress (a durable write) is recorded after at least this many rows, not every page. */
const PROGRESS_EVERY_ROWS = 500;
/** Rows per chunk handed to the consumer: about 50 KiB, well below V8's large-object size. */
const CHUNK_ROWS = 32;
/** A job not downloaded within this time cannot be started any more (its count would be stale). */
export const EXPORT_JOB_TTL_MS = 60 * 60 * 1000;

export const exportFileExtensions: Record<ExportFormat, string> = {
  ndjson: 'ndjson',
  csv: 'csv',
  json: 'json',
};

export interface ExportDeps {
  readonly store: SyncStore;
  readonly now: () => number;
}

export interface ExportRequest {
  readonly format: ExportFormat;
  readonly filter: UserFilter;
  readonly afterId?: string | undefined;
  readonly limit?: number | undefined;
  readonly reason: string;
  readonly actorId: string | null;
  readonly via: 'api' | 'cli';
  readonly meta?: RequestMeta | undefined;
}

/** Creates a `ready` job with its row count, and records the start in the audit log. */
export async function createExportJob(deps: ExportDeps, request: ExportRequest): Promise<ExportJobRecord> {
  const matching = await deps.store.admin.countUsers(request.filter, request.afterId);
  const total = request.limit === undefined ? matching : Math.min(matching, request.limit);
  const createdAt = new Date(deps.now()).toISOString();
  const job: ExportJobRecord = {
    id: randomUUID(),
    actorId: request.actorId,
    via: request.via,
    format: request.format,
    filter: request.filter,
    afterId: request.afterId ?? null,
    limit: request.limit ?? null,
    reason: request.reason,
    status: 'ready',
    total,
    done: 0,
    lastUserId: null,
    createdAt,
    startedAt: null,
    finishedAt: null,
    expiresAt: new Date(deps.now() + EXPORT_JOB_TTL_MS).toISOString(),
    error: null,
  };
  await deps.store.admin.createExportJob(job);
  await recordAdminAction(deps, {
    action: 'export_started',
    actorId: request.actorId,
    targetUserId: null,
    reason: request.reason,
    via: request.via,
    meta: request.meta,
    detail: {
      exportId: job.id,
      format: job.format,
      filter: job.filter,
      after: job.afterId,
      limit: job.limit,
      total,
    },
  });
  return job;
}

/** Where an export stands while it streams; the caller may read it at any time. */
export interface ExportProgress {
  done: number;
  lastUserId: string | null;
}

export interface ExportFileOptions {
  /** Continue an existing file: no byte order mark, no CSV header (NDJSON and CSV only). */
  readonly append?: boolean;
  /** Asked between pages; true ends the file early at a row boundary (the job becomes `aborted`). */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (progress: Readonly<ExportProgress>, job: ExportJobRecord) => void;
  readonly pageSize?: number;
}

/**
 * Starts a `ready` job (once: a second download is a conflict) and returns its file as a lazy
 * sequence of text chunks. Wrap it in `Readable.from` and pipe it: nothing is read from the
 * database before the consumer asks for it. The job ends `completed`, `aborted` (the consumer
 * stopped early) or `failed`, and the end is recorded in the audit log with the row count.
 */
export async function startExportFile(
  deps: ExportDeps,
  job: ExportJobRecord,
  options: ExportFileOptions = {},
): Promise<{ readonly chunks: AsyncGenerator<string>; readonly progress: Readonly<ExportProgress> }> {
  if (Date.parse(job.expiresAt) <= deps.now() && job.status === 'ready') {
    throw new AccordError('conflict', 'This export has expired; start a new one.');
  }
  if (options.append === true && job.format === 'json') {
    throw new AccordError(
      'bad_request',
      'A JSON export is one document and cannot be appended to; write a new file.',
    );
  }
  if (!(await deps.store.admin.startExportJob(job.id, new Date(deps.now()).toISOString()))) {
    throw new AccordError(
      'conflict',
      'This export was downloaded already; start a new one (with `after` to resume).',
    );
  }
  const progress: ExportProgress = { done: 0, lastUserId: job.afterId };
  return { chunks: exportChunks(deps, job, progress, options), progress };
}

async function* exportChunks(
  deps: ExportDeps,
  job: ExportJobRecord,
  progress: ExportProgress,
  options: ExportFileOptions,
): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const encoder = encoders[job.format];
  let status: 'completed' | 'failed' | 'aborted' = 'aborted';
  let error: string | null = null;
  try {
    const head = encoder.head(job, new Date(deps.now()).toISOString(), options.append === true);
    if (head.length > 0) yield head;
    let after = job.afterId ?? undefined;
    let remaining = job.limit ?? Number.POSITIVE_INFINITY;
    let stopped = false;
    let recordedDone = 0;
    while (remaining > 0) {
      if (options.shouldStop?.() === true) {
        stopped = true;
        break;
      }
      const want = Math.min(pageSize, remaining);
      const page = await deps.store.admin.exportUsers(job.filter, after, want);
      const last = page.at(-1);
      if (last === undefined) break;
      // Handed on in chunks of a few dozen rows: each is small, short-lived garbage, never one
      // large string per page that only a full collection would reclaim.
      for (let start = 0; start < page.length; start += CHUNK_ROWS) {
        const rows = page.slice(start, start + CHUNK_ROWS).map(adminExportRow);
        yield encoder.rows(rows, progress.done === 0 && start === 0);
      }
      // Counted once the consumer (a file, a connection) took the chunk. A file holds it then; a
      // connection may still lose it, so an HTTP client resumes from the last row it received.
      progress.done += page.length;
      progress.lastUserId = last.user.id;
      remaining -= page.length;
      after = last.user.id;
      if (progress.done - recordedDone >= PROGRESS_EVERY_ROWS) {
        await deps.store.admin.recordExportProgress(job.id, progress.done, progress.lastUserId);
        recordedDone = progress.done;
      }
      options.onProgress?.(progress, job);
      if (page.length < want) break;
    }
    if (!stopped) {
      const tail = encoder.tail();
      if (tail.length > 0) yield tail;
      status = 'completed';
    }
  } catch (cause) {
    status = 'failed';
    error = cause instanceof Error ? cause.message.slice(0, 500) : 'unknown error';
    throw cause;
  } finally {
    const at = new Date(deps.now()).toISOString();
    await deps.store.admin.finishExportJob(job.id, {
      status,
      at,
      done: progress.done,
      lastUserId: progress.lastUserId,
      error,
    });
    await recordAdminAction(deps, {
      action: 'export_finished',
      actorId: job.actorId,
      targetUserId: null,
      reason: job.reason,
      via: job.via,
      detail: {
        exportId: job.id,
        format: job.format,
        filter: job.filter,
        after: job.afterId,
        status,
        count: progress.done,
        lastUserId: progress.lastUserId,
      },
    });
  }
}

interface Encoder {
  head(job: ExportJobRecord, exportedAt: string, append: boolean): string;
  rows(rows: readonly AdminExportRow[], first: boolean): string;
  tail(): string;
}

const encoders: Record<ExportFormat, Encoder> = {
  ndjson: {
    head: () => '',
    rows: (rows) => rows.map(ndjsonLine).join(''),
    tail: () => '',
  },
  csv: {
    head: (_job, _at, append) => (append ? '' : UTF8_BOM + csvRecords([csvColumns()])),
    rows: (rows) => csvRecords(rows.map(csvRow)),
    tail: () => '',
  },
  json: {
    head: (job, exportedAt) => {
      const envelope = JSON.stringify({
        format: 'accord-users-export',
        version: 1,
        exportedAt,
        filter: job.filter,
        after: job.afterId,
      });
      // The envelope without its closing brace, then the users array, one row per line.
      return `${envelope.slice(0, -1)},"users":[`;
    },
    rows: (rows, first) => (first ? '\n' : ',\n') + rows.map((row) => JSON.stringify(row)).join(',\n'),
    tail: () => '\n]}\n',
  },
};
