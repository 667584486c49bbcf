// Edit on device A → visible on device B: two devices of one person (the app's replication client
// on RxDB) and a sync server in its own process, all on loopback. A edits its display name; the time
// runs until B's database holds the new value (pushed by A, streamed by the server, stored by B).
// Baseline, interleaved with it: a bare SSE echo through node:http — POST a message, receive it on
// an open event stream read by the same client code (renderer/sync/event-stream.ts).
import { z } from 'zod';
import { SyncCheckpoint } from '#shared/contract/sync';
import { openEventStream } from '../renderer/sync/event-stream.ts';
import { openProfileDevice } from './device.ts';
import { atMost, type Metric } from './report.ts';
import { runFigure } from './figure.ts';
import { createBenchDatabase, seedUsers } from './seed.ts';
import { spawnEchoServer, spawnServer } from './server.ts';
import { deadline, median, now, round, summarize } from './stats.ts';

const fmt = (value: number) => String(round(value));

const WAIT_MS = 5_000;
const PAUSE_MS = 20;
const EchoMessage = z.union([
  z.literal('RESYNC'),
  z.object({ documents: z.array(z.object({ marker: z.string() })), checkpoint: SyncCheckpoint }),
]);

/** Resolves with the time `arrived` first returns true, or rejects after WAIT_MS. */
function waitFor(subscribe: (onValue: () => void) => () => void, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let unsubscribe: () => void = () => undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`${what} did not arrive within ${WAIT_MS} ms`));
    }, WAIT_MS);
    unsubscribe = subscribe(() => {
      const at = now();
      clearTimeout(timer);
      unsubscribe();
      resolve(at);
    });
  });
}

await runFigure('edit-to-device', async ({ quick, log }) => {
  const edits = quick ? 10 : 200;
  const warmUp = quick ? 3 : 5;
  const check = deadline(quick ? 60_000 : 180_000, 'edit-to-device benchmark');
  const database = await createBenchDatabase('sqlite');
  const cleanup: (() => Promise<void>)[] = [() => database.drop()];
  try {
    const [user] = await seedUsers(database, { count: 1, sessions: 1 });
    if (user?.token === undefined) throw new Error('no session');
    const server = await spawnServer({ database });
    cleanup.unshift(() => server.stop());
    const echo = await spawnEchoServer();
    cleanup.unshift(() => echo.stop());

    log('opening devices A and B');
    const account = { userId: user.userId, token: user.token };
    // When A's push leaves and returns, and when B's stream data arrives: where the time goes.
    const moments = { pushSent: 0, pushAnswered: 0, streamData: 0 };
    const deviceA = await openProfileDevice(server.url, account, 'a', {
      onPushSent: (at) => (moments.pushSent = at),
      onPushAnswered: (at) => (moments.pushAnswered = at),
    });
    cleanup.unshift(() => deviceA.close());
    const deviceB = await openProfileDevice(server.url, account, 'b', {
      onStreamData: (at) => (moments.streamData = at),
    });
    cleanup.unshift(() => deviceB.close());

    const echoListeners = new Set<(marker: string) => void>();
    const echoStream = openEventStream(
      { baseUrl: echo.url, accessToken: () => 'baseline' },
      '/events',
      (message) => EchoMessage.parse(message),
      100,
    );
    cleanup.unshift(() => {
      echoStream.stop();
      return Promise.resolve();
    });
    const echoSubscription = echoStream.items$.subscribe((item) => {
      if (item === 'RESYNC') return;
      for (const doc of item.documents) for (const listener of echoListeners) listener(doc.marker);
    });
    cleanup.unshift(() => {
      echoSubscription.unsubscribe();
      return Promise.resolve();
    });
    await waitForEchoConnected(echo.url, echoListeners);

    log(`${warmUp} warm-up rounds, then ${edits} edits interleaved with ${edits} echoes`);
    const sync: number[] = [];
    const echoes: number[] = [];
    const toPushSent: number[] = [];
    const pushRoundTrip: number[] = [];
    const pushToStream: number[] = [];
    const streamToStored: number[] = [];
    for (let i = -warmUp; i < edits; i++) {
      check();
      const marker = `Latency probe ${i}`;
      // Baseline: POST to the echo server, wait for the event.
      const echoArrived = waitFor((onValue) => {
        const listener = (value: string) => {
          if (value === marker) onValue();
        };
        echoListeners.add(listener);
        return () => echoListeners.delete(listener);
      }, `echo ${i}`);
      const echoSent = now();
      await fetch(`${echo.url}/send`, {
        method: 'POST',
        body: JSON.stringify({ documents: [{ marker }], checkpoint: { seq: i + warmUp, id: '' } }),
        signal: AbortSignal.timeout(WAIT_MS),
      });
      const echoAt = await echoArrived;

      // The figure: edit on A, wait until B stores it.
      const seenOnB = waitFor(
        (onValue) =>
          deviceB.watch((doc) => {
            if (doc.displayName === marker) onValue();
          }),
        `edit ${i} on device B`,
      );
      const edited = now();
      await deviceA.edit({ displayName: marker });
      const seenAt = await seenOnB;
      if (i >= 0) {
        echoes.push(echoAt - echoSent);
        sync.push(seenAt - edited);
        toPushSent.push(moments.pushSent - edited);
        pushRoundTrip.push(moments.pushAnswered - moments.pushSent);
        pushToStream.push(moments.streamData - moments.pushSent);
        streamToStored.push(seenAt - moments.streamData);
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    const syncSummary = summarize(sync);
    const echoSummary = summarize(echoes);
    const metrics: Metric[] = [
      {
        name: 'edit on A → stored on B',
        unit: 'ms',
        samples: syncSummary.count,
        median: syncSummary.median,
        p99: syncSummary.p99,
        baseline: { name: 'bare SSE echo, node:http', median: echoSummary.median, p99: echoSummary.p99 },
        ratio: syncSummary.median / echoSummary.median,
        checks: [atMost('p50', syncSummary.median, 25, ' ms'), atMost('p99', syncSummary.p99, 100, ' ms')],
      },
    ];
    return {
      id: 'edit-to-device',
      title: 'Edit on device A → visible on device B',
      method:
        'Two devices of one person run the app replication client (renderer/sync: push, pull, SSE stream, ' +
        'merge-based conflict handler) on RxDB with in-memory storage in the benchmark process; the sync ' +
        'server (SQLite) runs in its own process. Device A changes its display name; the time runs until ' +
        `device B's database emits the new value. ${warmUp} warm-up rounds are not counted. The baseline, ` +
        'interleaved round by round, POSTs a message to a bare node:http SSE echo server (own process) and ' +
        'times its arrival on an open stream read by the same stream client.',
      params: { edits, warmUp, pauseMs: PAUSE_MS },
      metrics,
      notes: [
        `Where the time goes (medians): A's local write until its push leaves ${fmt(median(toPushSent))} ms ` +
          `(RxDB write, replication picks it up); push sent until B's stream data arrives ` +
          `${fmt(median(pushToStream))} ms (server validates, commits, wakes B's stream, which reads and sends); ` +
          `B's stream data until B's database emits it ${fmt(median(streamToStored))} ms. A's push round trip ` +
          `is ${fmt(median(pushRoundTrip))} ms.`,
      ],
    };
  } finally {
    for (const step of cleanup)
      await step().catch((error: unknown) => {
        log(`cleanup failed: ${String(error)}`);
      });
  }
});

/** Sends probes until one comes back, so the measured rounds start with the stream open. */
async function waitForEchoConnected(url: string, listeners: Set<(marker: string) => void>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    let arrived = false;
    const listener = (marker: string) => {
      if (marker === 'connected?') arrived = true;
    };
    listeners.add(listener);
    await fetch(`${url}/send`, {
      method: 'POST',
      body: JSON.stringify({ documents: [{ marker: 'connected?' }], checkpoint: { seq: 0, id: '' } }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    listeners.delete(listener);
    if (arrived) return;
  }
  throw new Error('the echo stream did not connect');
}
