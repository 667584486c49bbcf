// Local edit → persisted: in headless Chromium, an edit to the user's profile through RxDB on Dexie
// (IndexedDB), stamped with the device clock as the app does, until the write has committed.
// Baseline, interleaved edit by edit: a raw Dexie put of the same document into its own table.
import { launchChromium, openBenchPage, pageLocalEdit, preparePage } from './browser-driver.ts';
import { atMost, type Metric } from './report.ts';
import { runFigure } from './figure.ts';
import { createBenchDatabase } from './seed.ts';
import { spawnServer } from './server.ts';
import { round, summarize } from './stats.ts';

const show = (value: number) => String(round(value));

await runFigure('local-edit', async ({ quick, log }) => {
  const rounds = quick ? 30 : 500;
  const warmUp = quick ? 5 : 50;
  log('building the benchmark page');
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const built = await preparePage();
    cleanup.unshift(() => built.dispose());
    const database = await createBenchDatabase('sqlite');
    cleanup.unshift(() => database.drop());
    // The sync server serves the page (an http origin for IndexedDB); no API is called.
    const server = await spawnServer({ database, appDir: built.dir });
    cleanup.unshift(() => server.stop());
    const browser = await launchChromium();
    cleanup.unshift(() => browser.close());
    const page = await openBenchPage(browser, server.url);
    log(`${warmUp} warm-up edits, then ${rounds} edits, each next to a raw Dexie put`);
    const times = await pageLocalEdit(page, rounds, warmUp);
    const rxdb = summarize(times.rxdb);
    const dexie = summarize(times.dexie);
    const readThenPut = summarize(times.dexieReadThenPut);
    const own = summarize(times.own);
    const ratio = rxdb.median / dexie.median;
    const metrics: Metric[] = [
      {
        name: 'edit → committed to IndexedDB',
        unit: 'ms',
        samples: rxdb.count,
        median: rxdb.median,
        p99: rxdb.p99,
        baseline: { name: 'raw Dexie put, same document', median: dexie.median, p99: dexie.p99 },
        ratio,
        checks: [atMost('ratio', ratio, 2), atMost('p50', rxdb.median, 5, ' ms')],
      },
      {
        name: 'Dexie alone, read then put in one transaction',
        unit: 'ms',
        samples: readThenPut.count,
        median: readThenPut.median,
        p99: readThenPut.p99,
        baseline: { name: 'raw Dexie put, same document', median: dexie.median, p99: dexie.p99 },
        ratio: readThenPut.median / dexie.median,
        checks: [],
      },
      {
        name: "Accord's own work in the edit, alone (stamping, zod check)",
        unit: 'ms',
        samples: own.count,
        median: own.median,
        p99: own.p99,
        baseline: { name: 'raw Dexie put, same document', median: dexie.median, p99: dexie.p99 },
        ratio: own.median / dexie.median,
        checks: [],
      },
    ];
    return {
      id: 'local-edit',
      title: 'Local edit → persisted',
      method:
        `A page built with Vite (bench/browser) runs in headless Chromium (${browser.version()}). It opens an ` +
        "RxDB database on the app's storage (Dexie, documents checked with the shared zod schemas) with the " +
        'profile schema generated from the policy table, then edits two fields of one profile with the ' +
        'shared applyLocalEdit (device clock stamps) and ' +
        'RxDocument.incrementalModify, timing until the IndexedDB transaction has committed. After each ' +
        'edit, the same stored document is written with a raw Dexie put into its own table and timed. ' +
        `${warmUp} warm-up rounds are not counted.`,
      params: { rounds, warmUp },
      metrics,
      notes: [
        `What bounds it: Dexie alone doing what RxDB's Dexie storage does for every write (read the ` +
          `stored document, then put it, in one transaction) takes ${show(readThenPut.median / dexie.median)}× ` +
          `a raw put; RxDB's document layer (revision and _meta bookkeeping, the incremental write queue, ` +
          "change events for subscribers) and Accord's own work add the rest, " +
          `${show(rxdb.median - readThenPut.median)} ms at the median. Accord's own work, timed alone ` +
          '(applyLocalEdit stamping the fields, and the zod check of the stored document that ' +
          `renderer/db/validation.ts makes), is ${show(own.median)} ms at the median, ` +
          `${show((100 * own.median) / rxdb.median)}% of the edit; the rest is RxDB and IndexedDB.`,
      ],
    };
  } finally {
    for (const step of cleanup) {
      await step().catch((error: unknown) => {
        log(`cleanup failed: ${String(error)}`);
      });
    }
  }
});
