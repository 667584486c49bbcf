// Model-based proof of I1–I5 against the real server and real RxDB clients: three devices of one
// user and one device of another, random edits under every merge rule and random faults (offline,
// duplicated/reordered/replayed deliveries, server restarts, clock skew, forbidden and invalid
// pushes). After quiescence every replica equals the server and the model (I1), no acknowledged
// edit is lost (I2), the other user never received a canary (I3), refused fields are unchanged and
// explained (I4), and duplicates and replays changed nothing (I5).
//
// `npm test` runs MODEL_RUNS (200) seeded runs; `npm run test:soak` runs until SOAK_SECONDS (600).
// A failure prints the one command that replays it (FC_SEED, FC_PATH, FC_REPLAY_PATH).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { acknowledged, expectNoLostWrites } from './acks.ts';
import { commandArbitraries, commandStats, goOnline, probeAsViewer } from './commands.ts';
import { serverDocs, settle, openWorld, type Model, type World } from './world.ts';

const soak = process.env.SOAK === '1';
const soakSeconds = Number(process.env.SOAK_SECONDS ?? 600);
const runs = Number(process.env.MODEL_RUNS ?? 200);
const seed =
  process.env.FC_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;
const replayPath = process.env.FC_REPLAY_PATH;
/** A fresh server now and then keeps the directory (every run adds two users) small in a soak. */
const RUNS_PER_SERVER = 150;
const MAX_COMMANDS = 8;
const SOAK_BATCH = 50;

let server: TestServer;
let runsOnServer = 0;

/** Every device shares the loopback address; the per-address rate limit is not under test here. */
const startServer = () => startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

async function finish(world: World, model: Model): Promise<void> {
  for (const [index, state] of model.devices.entries()) {
    if (!state.online) await goOnline(model, world, index);
  }
  if (!model.viewerOnline) {
    world.viewerDevice.setOnline(true);
    model.viewerOnline = true;
  }
  // I1 (settle): every device and the viewer equal the server, and the server equals the model.
  await settle(world, model);
  const final = await serverDocs(world);
  // I2: the last acknowledged value of every field is still there; set elements only move on.
  expectNoLostWrites(acknowledged(world.log, world.owner.userId), final);
  // I3: the viewer's directory entry is the projection, and no canary reached the viewer.
  await probeAsViewer(world, model);
  expect(world.leaks.scanned, 'the leak checker saw the viewer’s traffic').toBeGreaterThan(0);
  world.leaks.assertNoLeaks();
  // I4: nothing the owner may not write changed.
  expect(final.profile.badge).toBe('none');
  expect(final.settings.accessTokens).toEqual([]);
}

function replayCommand(details: fc.RunDetails<[Iterable<fc.AsyncCommand<Model, World>>]>): string {
  const shown = details.counterexample === null ? '' : fc.stringify(details.counterexample);
  const replay = /replayPath=("(?:[^"\\]|\\.)*")/.exec(shown)?.[1];
  const env = [
    `FC_SEED=${details.seed}`,
    details.counterexamplePath === null ? '' : `FC_PATH=${details.counterexamplePath}`,
    replay === undefined ? '' : `FC_REPLAY_PATH=${String(JSON.parse(replay))}`,
  ].filter((part) => part.length > 0);
  return `${env.join(' ')} npx vitest run tests/model/sync-model.test.ts`;
}

describe('model-based sync under faults', () => {
  it(
    `keeps I1–I5 for random edits and faults (${soak ? `soak, ${soakSeconds} s` : `${runs} runs`}, seed ${seed})`,
    async () => {
      const property = fc.asyncProperty(
        fc.limitShrink(fc.commands(commandArbitraries, { maxCommands: MAX_COMMANDS, replayPath }), 60),
        async (commands) => {
          if (runsOnServer >= RUNS_PER_SERVER) {
            await server.stop();
            server = await startServer();
            runsOnServer = 0;
          }
          runsOnServer += 1;
          const { world, model } = await openWorld(server);
          try {
            await fc.asyncModelRun(() => Promise.resolve({ model, real: world }), commands);
            await finish(world, model);
          } finally {
            await world.close();
          }
        },
      );
      // A soak runs batches of fresh seeds until its time is up; each batch replays on its own.
      const deadline = Date.now() + soakSeconds * 1000;
      let batchSeed = seed;
      let total = 0;
      let details: Awaited<ReturnType<typeof fc.check<[Iterable<fc.AsyncCommand<Model, World>>]>>>;
      for (;;) {
        details = await fc.check(property, {
          numRuns: soak ? SOAK_BATCH : runs,
          seed: batchSeed,
          ...(path === undefined ? {} : { path }),
        });
        total += details.numRuns;
        if (details.failed || !soak || Date.now() > deadline) break;
        batchSeed = (batchSeed + 1) % 2 ** 31;
      }
      const kinds = [...commandStats.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([kind, { count, ms }]) => `${kind} ×${count} (${Math.round(ms / count)} ms)`);
      console.info(
        `model: ${total} runs, seed ${seed}${soak ? ` (soak: last batch seed ${batchSeed})` : ''}\n  ${kinds.join(', ')}`,
      );
      if (details.failed) {
        const error =
          details.errorInstance instanceof Error
            ? details.errorInstance.message
            : String(details.errorInstance);
        throw new Error(
          `model run failed after ${details.numRuns} runs and ${details.numShrinks} shrinks\n` +
            `commands: ${details.counterexample === null ? '?' : fc.stringify(details.counterexample)}\n` +
            `${error}\n\nreplay: ${soak ? `MODEL_RUNS=${SOAK_BATCH} ` : ''}${replayCommand(details)}`,
        );
      }
      if (!soak) expect(total).toBeGreaterThanOrEqual(runs);
    },
    soak ? (soakSeconds + 900) * 1000 : 20 * 60 * 1000,
  );
});
