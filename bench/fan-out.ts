// Stream fan-out: thousands of clients hold the directory stream open; one person edits their
// profile; how long until every client has the change? Clients are plain SSE connections from this
// process; the server runs in its own process so its memory can be read on its own.
import os from 'node:os';
import { atMost, type Metric } from './report.ts';
import { runFigure } from './figure.ts';
import { edited, openEditor, pushEdit } from './editor.ts';
import { createBenchDatabase, seedUsers } from './seed.ts';
import { spawnServer } from './server.ts';
import { openFileLimit, openSse, sseAgent, type SseConnection } from './sse-client.ts';
import { deadline, now, summarize } from './stats.ts';

const OPEN_CONCURRENCY = 64;
const DELIVERY_TIMEOUT_MS = 15_000;
const WARM_UP = 2;

await runFigure('fan-out', async ({ quick, log }) => {
  const clients = quick ? 100 : 2000;
  const changes = quick ? 2 : 10;
  const check = deadline(quick ? 60_000 : 240_000, 'fan-out benchmark');
  const limit = await openFileLimit();
  if (limit < clients + 256) {
    throw new Error(
      `open-file limit ${limit} is too low for ${clients} connections; raise it with ulimit -n`,
    );
  }

  log(`seeding ${clients + 1} users with sessions`);
  const database = await createBenchDatabase('sqlite');
  const connections: SseConnection[] = [];
  let stopServer: (() => Promise<void>) | undefined;
  try {
    const [writer, ...viewers] = await seedUsers(database, { count: clients + 1, sessions: clients + 1 });
    if (writer?.token === undefined) throw new Error('no writer session');
    const server = await spawnServer({ database });
    stopServer = () => server.stop();
    const idle = await server.memory();

    log(`opening ${clients} directory streams, ${OPEN_CONCURRENCY} at a time`);
    const openStarted = now();
    let next = 0;
    await Promise.all(
      Array.from({ length: OPEN_CONCURRENCY }, async () => {
        while (next < viewers.length) {
          check();
          const viewer = viewers[next++];
          if (viewer?.token === undefined) throw new Error('viewer without a session');
          const connection = openSse(`${server.url}/api/sync/directory/stream`, viewer.token);
          connections.push(connection);
          await connection.ready;
        }
      }),
    );
    const openMs = now() - openStarted;
    const connected = await server.memory();

    const caller = { baseUrl: server.url, token: writer.token };
    const editor = await openEditor(caller, writer.userId, 'bench_fanout');
    const latencies: number[] = [];
    const lastDelivery: number[] = [];
    const warmUpMs: number[] = [];
    // The first changes warm the server up (JIT tiers, first projections) and are not counted.
    for (let change = 1 - WARM_UP; change <= changes; change++) {
      check();
      const marker = `Fan-out change ${change} of ${writer.userId.slice(-6)}`;
      const arrivals: number[] = [];
      let resolveAll: () => void = () => undefined;
      const allArrived = new Promise<void>((resolve) => (resolveAll = resolve));
      const seen = new Set<SseConnection>();
      for (const connection of connections) {
        connection.onEvent((data, receivedAt) => {
          if (seen.has(connection) || !data.includes(marker)) return;
          seen.add(connection);
          arrivals.push(receivedAt);
          if (arrivals.length === connections.length) resolveAll();
        });
      }
      const sentAt = now();
      await pushEdit(caller, editor, edited(editor, { displayName: marker }));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        allArrived,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, DELIVERY_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (arrivals.length < connections.length) {
        throw new Error(
          `change ${change}: ${connections.length - arrivals.length} clients had nothing after ${DELIVERY_TIMEOUT_MS} ms`,
        );
      }
      const delays = arrivals.map((at) => at - sentAt);
      if (change <= 0) warmUpMs.push(Math.max(...delays));
      else {
        latencies.push(...delays);
        lastDelivery.push(Math.max(...delays));
      }
      log(`change ${change}: all ${arrivals.length} clients within ${Math.round(Math.max(...delays))} ms`);
      // Let the server settle so one change's tail does not overlap the next.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const after = await server.memory();
    const delivery = summarize(latencies);
    const last = summarize(lastDelivery);
    const mib = (bytes: number) => bytes / 1024 ** 2;
    const metrics: Metric[] = [
      {
        name: `delivery of one change to ${clients} clients`,
        unit: 'ms',
        samples: delivery.count,
        median: delivery.median,
        p99: delivery.p99,
        checks: [atMost('p99', delivery.p99, 250, ' ms')],
      },
      {
        name: 'until the last client has it',
        unit: 'ms',
        samples: last.count,
        median: last.median,
        p99: last.max,
        checks: [],
      },
      {
        name: `server RSS, ${clients} streams open`,
        unit: 'MiB',
        samples: 1,
        median: mib(connected.rssBytes),
        checks: [],
      },
      {
        name: 'server peak RSS during the run',
        unit: 'MiB',
        samples: 1,
        median: mib(after.peakRssBytes),
        checks: [],
      },
      {
        name: 'server memory per open stream',
        unit: 'KiB',
        samples: 1,
        median: (connected.rssBytes - idle.rssBytes) / 1024 / clients,
        checks: [],
      },
    ];
    return {
      id: 'fan-out',
      title: 'Stream fan-out',
      method:
        `${clients} users each hold /api/sync/directory/stream open (SSE over loopback, one process, one socket ` +
        `each). Another user changes their display name ${changes} times through the push API, one change ` +
        `at a time; delivery is from sending the push to the client receiving the event that carries it. ` +
        `The server runs in its own process on SQLite; its RSS is read from /proc. Opening the streams took ` +
        `${Math.round(openMs)} ms; the idle server's RSS was ${Math.round(mib(idle.rssBytes))} MiB. ` +
        `${WARM_UP} warm-up changes go first and are not counted (they reached everyone within ` +
        `${warmUpMs.map((ms) => Math.round(ms)).join(' and ')} ms).`,
      params: { clients, changes, warmUp: WARM_UP, openConcurrency: OPEN_CONCURRENCY },
      metrics,
      notes: [
        'Fixed in this issue (sync-server/sync/change-hub.ts, directory.ts, stream.ts; routes.ts and ' +
          'pull.ts one line each): every directory stream ran its own database read per change and ' +
          'projected and serialised every entry itself, so one change cost one query per connected client. ' +
          'Now the streams that wake on a change share one read per cursor (ChangeHub.directorySince; a ' +
          'read is never shared across a later change event, so none can miss one), each entry is ' +
          'projected once per viewer relation (the projected documents shared, read-only, between viewers ' +
          'with the same relation) and each projected document is serialised once.',
        'What remains per client is writing the event to its socket (the largest item in a CPU profile ' +
          `after the fix) and the stream loop around it. The ${clients} clients, in one process here, compete ` +
          'with the server for the same cores, and the tail moves with whatever else the machine is ' +
          `doing: the load average was ${os.loadavg()[0]?.toFixed(1) ?? '?'} at the end of this figure ` +
          `(${os.cpus().length} cores).`,
      ],
    };
  } finally {
    for (const connection of connections) connection.close();
    sseAgent.destroy();
    await stopServer?.();
    await database.drop();
  }
});
