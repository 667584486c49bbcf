// `export`: streams users to a file (or standard output) with a progress bar on standard error.
// Ctrl-C stops at a row boundary and prints how to resume; a resume appends to an NDJSON or CSV
// file after checking that it ends where the resume starts.
import { createWriteStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { ExportFormat, UserFilter } from '#shared/contract/admin';
import type { AccountDeps } from '../accounts/context.ts';
import { createExportJob, startExportFile } from '../export/bulk-export.ts';

export interface ExportCommand {
  readonly format: ExportFormat;
  readonly filter: UserFilter;
  readonly resumeFrom: string | undefined;
  readonly limit: number | undefined;
  readonly reason: string;
  /** A file, or undefined / "-" for standard output. */
  readonly out: string | undefined;
}

const TAIL_BYTES = 1024 * 1024;

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function readTail(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer;
  } finally {
    await handle.close();
  }
}

/**
 * Makes an existing file ready to be continued after `resumeFrom`: an NDJSON file loses a cut-off
 * last line and must end with that user's row; a CSV file must end with a whole record.
 */
async function prepareAppend(
  file: string,
  format: ExportFormat,
  resumeFrom: string,
  size: number,
): Promise<void> {
  if (format === 'json') {
    throw new Error(
      `${file} exists: a JSON export is one document, so a resumed JSON export needs a new --out file`,
    );
  }
  const tail = await readTail(file, size);
  if (format === 'csv') {
    if (!tail.subarray(-2).equals(Buffer.from('\r\n'))) {
      throw new Error(`${file} ends inside a row; start a new --out file with --resume-from ${resumeFrom}`);
    }
    return;
  }
  let end = tail.length;
  if (tail[end - 1] !== 0x0a) {
    const cut = tail.lastIndexOf(0x0a);
    if (cut === -1) throw new Error(`${file} has no complete line at its end; start a new --out file`);
    await truncate(file, size - (tail.length - cut - 1));
    console.error(`Removed a cut-off last line from ${file}.`);
    end = cut + 1;
  }
  const start = tail.lastIndexOf(0x0a, end - 2) + 1;
  let lastId: unknown;
  try {
    lastId = (JSON.parse(tail.subarray(start, end).toString('utf8')) as { id?: unknown }).id;
  } catch {
    lastId = undefined;
  }
  if (lastId !== resumeFrom) {
    throw new Error(
      `${file} ends with user ${String(lastId)}, not ${resumeFrom}: resume with --resume-from ${String(lastId)} or write a new --out file`,
    );
  }
}

export async function runExport(deps: AccountDeps, command: ExportCommand): Promise<number> {
  const out = command.out === '-' ? undefined : command.out;
  const existing = out === undefined ? undefined : await sizeOf(out);
  const append =
    out !== undefined && command.resumeFrom !== undefined && existing !== undefined && existing > 0;
  if (append) await prepareAppend(out, command.format, command.resumeFrom, existing);

  const job = await createExportJob(deps, {
    format: command.format,
    filter: command.filter,
    afterId: command.resumeFrom,
    limit: command.limit,
    reason: command.reason,
    actorId: null,
    via: 'cli',
  });
  let stopRequested = false;
  const onInterrupt = () => {
    stopRequested = true;
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'Exporting users |{bar}| {percentage}% | {value}/{total} | ETA {eta_formatted}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  bar.start(job.total, 0);
  try {
    const { chunks, progress } = await startExportFile(deps, job, {
      append,
      shouldStop: () => stopRequested,
      onProgress: ({ done }) => {
        bar.update(done);
      },
    });
    const sink: Writable =
      out === undefined ? process.stdout : createWriteStream(out, { flags: append ? 'a' : 'w' });
    // Back-pressure: the next page is read from the database only when the file took the last one.
    await pipeline(Readable.from(chunks, { objectMode: false }), sink, { end: out !== undefined });
    bar.update(progress.done);
    bar.stop();
    const where = out ?? 'standard output';
    if (stopRequested && progress.done < job.total) {
      const resume = progress.lastUserId ?? command.resumeFrom;
      console.error(`Stopped after ${progress.done} of ${job.total} users written to ${where}.`);
      if (resume !== null && resume !== undefined) {
        console.error(
          `Resume with: npm run admin -- export --format ${command.format}${out === undefined ? '' : ` --out ${out}`} --resume-from ${resume}`,
        );
      }
      return 130;
    }
    console.error(
      `Exported ${progress.done} users to ${where}${progress.lastUserId === null ? '' : ` (last user id ${progress.lastUserId})`}.`,
    );
    return 0;
  } finally {
    bar.stop();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
