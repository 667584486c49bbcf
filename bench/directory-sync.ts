// First sync of the directory into a fresh client: in headless Chromium, the app's replication
// client pulls every other person's profile (projected for the viewer by the server) into an
// empty RxDB database on Dexie. Baseline: a Dexie bulkPut of the same documents into an empty table.
import { MAX_PULL_LIMIT } from '#shared/contract/sync';
import { launchChromium, openBenchPage, pageDirectorySync, preparePage } from './browser-driver.ts';
import { atMost, type Metric } from './report.ts';
import { runFigure } from './figure.ts';
import { createBenchDatabase, seedUsers } from './seed.ts';
import { spawnServer } from './server.ts';
import { median, now, round } from './stats.ts';

const show = (value: number) => String(round(value));

/** What the app's replication client asks per pull (renderer/sync/replicate.ts): the server's maximum. */
const APP_BATCH = MAX_PULL_LIMIT;
/** What it asked before this issue, to show what the batch size is worth. */
const SMALL_BATCH = 100;

await runFigure('directory-sync', async ({ quick, log }) => {
  const profiles = quick ? 500 : 10_000;
  const runs = quick ? 1 : 2;
  const timeoutMs = quick ? 60_000 : 180_000;
  log('building the benchmark page');
  const built = await preparePage();
  const database = await createBenchDatabase('sqlite');
  try {
    log(`seeding ${profiles} profiles and the viewer`);
    const seedStarted = now();
    const [viewer] = await seedUsers(database, { count: profiles + 1, sessions: 1 });
    if (viewer?.token === undefined) throw new Error('no viewer session');
    const seedMs = now() - seedStarted;
    const server = await spawnServer({ database, appDir: built.dir });
    const browser = await launchChromium();
    try {
      const page = await openBenchPage(browser, server.url);
      const results = {
        app: [] as number[],
        small: [] as number[],
        bulkPut: [] as number[],
        twice: [] as number[],
        validate: [] as number[],
      };
      let requests = { app: 0, small: 0 };
      // The batch-size comparison only in a full run: it is one more sync per run.
      const variants = quick
        ? ([['app', APP_BATCH]] as const)
        : ([
            ['app', APP_BATCH],
            ['small', SMALL_BATCH],
          ] as const);
      for (let run = 0; run < runs; run++) {
        // The order alternates between runs: whichever sync goes first in a fresh page pays for
        // warming it up (20% and more, measured), which would otherwise count against one variant.
        for (const [which, batchSize] of run % 2 === 0 ? variants : [...variants].reverse()) {
          log(`run ${run + 1}/${runs}: first sync with ${batchSize} per pull`);
          const times = await pageDirectorySync(page, viewer.token, batchSize, timeoutMs);
          if (times.documents !== profiles) {
            throw new Error(`expected ${profiles} directory documents, got ${times.documents}`);
          }
          results[which].push(times.syncMs);
          results.bulkPut.push(times.bulkPutMs);
          results.twice.push(times.twiceMs);
          results.validate.push(times.validateMs);
          requests = { ...requests, [which]: times.pullRequests };
        }
      }
      const bulkPut = median(results.bulkPut);
      const twice = median(results.twice);
      const validate = median(results.validate);
      const app = median(results.app);
      const baseline = { name: `Dexie bulkPut of the same ${profiles} documents`, median: bulkPut };
      const metrics: Metric[] = [
        {
          name: `first sync, ${APP_BATCH} per pull (the app's setting)`,
          unit: 'ms',
          samples: runs,
          median: app,
          baseline,
          ratio: app / bulkPut,
          checks: [atMost('ratio', app / bulkPut, 3)],
        },
        {
          name: 'Dexie alone, each document stored twice (document and meta row, as RxDB does)',
          unit: 'ms',
          samples: results.twice.length,
          median: twice,
          baseline,
          ratio: twice / bulkPut,
          checks: [],
        },
      ];
      const small = results.small.length > 0 ? median(results.small) : undefined;
      if (small !== undefined) {
        metrics.push({
          name: `first sync, ${SMALL_BATCH} per pull (the app's setting before this issue)`,
          unit: 'ms',
          samples: runs,
          median: small,
          baseline,
          ratio: small / bulkPut,
          checks: [],
        });
      }
      return {
        id: 'directory-sync',
        title: `First sync of a ${profiles.toLocaleString('en')}-profile directory`,
        method:
          `${profiles} accounts with filled-in profiles (name, headline, bio, links, a private phone; every ` +
          'tenth shares its legal name) are seeded straight into the SQLite database ' +
          `(${Math.round(seedMs / 1000)} s, not timed); the sync server runs in its own process and serves ` +
          'the benchmark page. In headless Chromium the page opens an empty RxDB database on Dexie with the ' +
          'directory schema and runs the app replication client (renderer/sync/replicate.ts, not live) ' +
          'until the first sync is complete: every pull is projected per viewer on the server, validated ' +
          "with the shared zod schemas in the client and written to IndexedDB through the app's validating " +
          'storage (renderer/db/validation.ts). Then the same documents, as ' +
          `stored, are written with one Dexie bulkPut into an empty table. ${runs} run(s) of each, median ` +
          `reported; ${requests.app} HTTP requests per sync with ${APP_BATCH} per pull.`,
        params: { profiles, runs, appBatch: APP_BATCH, smallBatch: SMALL_BATCH },
        metrics,
        notes: [
          "What bounds it: RxDB's replication stores every pulled document twice, the document and its " +
            'replication meta row (the assumed master state it later detects conflicts against). Dexie alone ' +
            `storing each document twice takes ${show(twice / bulkPut)}× the baseline; the app's first sync ` +
            `takes ${show(app / twice)}× that. Of the difference (${show(app - twice)} ms), Accord's own ` +
            `check of every document with the shared zod schema takes ${show(validate)} ms per pass, and the ` +
            `app makes two (the pulled batch, then the storage write): ${show((100 * 2 * validate) / (app - twice))}%. ` +
            "The rest is RxDB's replication and storage layers (revisions, checkpoints, conflict checks, " +
            'change events, the read before each write) and the HTTP pulls.',
          small === undefined
            ? `The app pulls ${APP_BATCH} documents per request, the server's maximum.`
            : `The app now pulls ${APP_BATCH} documents per request, the server's maximum ` +
              `(renderer/sync/replicate.ts); with ${SMALL_BATCH}, as before this issue, the first sync took ` +
              `${show(small)} ms instead of ${show(app)} ms (ratio ${show(small / bulkPut)}).`,
        ],
      };
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await database.drop();
    await built.dispose();
  }
});
