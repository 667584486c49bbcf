// Runs one admin bulk export (sync-server/export/bulk-export.ts, as `npm run admin -- export` does)
// of a SQLite database to an NDJSON file and prints what it measured as JSON. bench/export.ts
// starts it in a fresh process per measurement, so the peak memory it reports is that export's.
//   npx tsx bench/export-worker.ts <data dir> <output file> [page size]
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createExportJob, startExportFile } from '../sync-server/export/bulk-export.ts';
import { openStore } from '../sync-server/storage/open-store.ts';

export interface ExportRun {
  readonly users: number;
  readonly bytes: number;
  readonly ms: number;
  readonly peakRssBytes: number;
}

const [dataDir, outFile, pageSizeArg] = process.argv.slice(2);
if (dataDir === undefined || outFile === undefined) {
  throw new Error('usage: export-worker.ts <data dir> <output file> [page size]');
}
const store = await openStore({ dataDir });
try {
  const deps = { store, now: Date.now };
  const started = performance.now();
  const job = await createExportJob(deps, {
    format: 'ndjson',
    filter: {},
    reason: 'benchmark',
    actorId: null,
    via: 'cli',
  });
  const { chunks, progress } = await startExportFile(
    deps,
    job,
    pageSizeArg === undefined ? {} : { pageSize: Number(pageSizeArg) },
  );
  const file = createWriteStream(outFile);
  // Back-pressure as in the CLI: the next page is read only when the file took the last one.
  await pipeline(Readable.from(chunks, { objectMode: false }), file);
  const run: ExportRun = {
    users: progress.done,
    bytes: file.bytesWritten,
    ms: performance.now() - started,
    // maxRSS is in KiB: the peak resident memory of this process.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
} finally {
  await store.close();
}
