// Crash safety (I2, I5, I6): the real server as a child process (`node --import tsx
// sync-server/main.ts`), SIGKILLed at random moments while several clients push bursts of
// multi-field edits, then started again on the same storage. Every acknowledged push is present
// exactly once; a push the server never answered is wholly there or wholly absent; retrying it
// never applies it twice. SQLite and PostgreSQL run side by side (each on its own child process);
// PostgreSQL is required in CI and skipped with a message locally when none answers.
import { describe, it } from 'vitest';
import { requirePostgres } from '../helpers/postgres.ts';
import type { Dialect } from '../helpers/server.ts';
import { CRASH_ROUNDS, CRASH_SEED, runCrashRounds } from './crash-suite.ts';

const dialects: Dialect[] = (await requirePostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];

describe.concurrent(`SIGKILL during pushes (seed ${CRASH_SEED})`, () => {
  for (const dialect of dialects) {
    it(`on ${dialect}: keeps every acknowledged push exactly once through ${CRASH_ROUNDS} kills`, async ({
      expect,
    }) => {
      await runCrashRounds(dialect, expect);
    }, 1_200_000);
  }
});
