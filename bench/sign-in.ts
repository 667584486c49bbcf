// Sign-in cost: argon2id with the OWASP parameters (m = 19456 KiB, t = 2, p = 1), as the server's
// password hasher runs it (sync-server/accounts/passwords.ts): hashing (registration, password
// change) and verifying (sign-in) one at a time for latency, then one per core for throughput; and
// the full sign-in route over HTTP against a server in its own process.
import os from 'node:os';
import { SignInResult } from '#shared/contract/auth';
import { PasswordHasher } from '../sync-server/accounts/passwords.ts';
import { loadConfig } from '../sync-server/config.ts';
import type { Metric } from './report.ts';
import { runFigure } from './figure.ts';
import { createBenchDatabase, seedUsers } from './seed.ts';
import { spawnServer } from './server.ts';
import { deadline, now, perSecond, summarize } from './stats.ts';

const PASSWORD = 'correct horse battery staple';

/** Runs `total` calls of `task`, `concurrency` at a time; returns each call's time and the elapsed time. */
async function inParallel(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  check: () => void,
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        check();
        const start = now();
        await task(i);
        latencies.push(now() - start);
      }
    }),
  );
  return { latencies, elapsedMs: now() - started };
}

await runFigure('sign-in', async ({ quick, log }) => {
  const sequential = quick ? 4 : 40;
  const concurrentTotal = quick ? 4 : 80;
  const httpSignIns = quick ? 2 : 60;
  const cores = os.availableParallelism();
  const check = deadline(quick ? 60_000 : 180_000, 'sign-in benchmark');
  // The server's defaults (OWASP), as a server started without ARGON2_* variables uses them.
  const params = loadConfig({}).argon2;
  const hasher = new PasswordHasher(params);

  const stored = await hasher.hash(PASSWORD);
  const phc = /^\$(argon2id)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (phc === null) throw new Error(`unexpected hash format: ${stored.slice(0, 40)}`);
  if (!(await hasher.verify(stored, PASSWORD))) throw new Error('verify rejected the right password');

  log(`hash and verify, ${sequential} each, one at a time`);
  const hashTimes: number[] = [];
  const verifyTimes: number[] = [];
  for (let i = 0; i < sequential; i++) {
    check();
    let start = now();
    await hasher.hash(PASSWORD);
    hashTimes.push(now() - start);
    start = now();
    await hasher.verify(stored, PASSWORD);
    verifyTimes.push(now() - start);
  }
  log(`${concurrentTotal} verifies, ${cores} at a time`);
  const parallel = await inParallel(
    concurrentTotal,
    cores,
    () => hasher.verify(stored, PASSWORD).then(() => undefined),
    check,
  );

  log(`${httpSignIns} sign-ins over HTTP, one at a time and then ${cores} at a time`);
  const database = await createBenchDatabase('sqlite');
  const signInUsers = 8;
  let http: { one: number[]; many: { latencies: number[]; elapsedMs: number } };
  try {
    const users = await seedUsers(database, { count: signInUsers, passwordHash: stored });
    const server = await spawnServer({ database });
    try {
      const signIn = async (i: number) => {
        const user = users[i % users.length];
        if (user === undefined) throw new Error('no user');
        const response = await fetch(`${server.url}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ email: user.email, password: PASSWORD, deviceName: 'benchmark' }),
          signal: AbortSignal.timeout(30_000),
        });
        const body: unknown = await response.json();
        if (!response.ok) throw new Error(`sign-in answered ${response.status}: ${JSON.stringify(body)}`);
        if (SignInResult.parse(body).kind !== 'signed-in') throw new Error('sign-in did not finish');
      };
      await signIn(0); // warm-up
      const one: number[] = [];
      for (let i = 0; i < Math.ceil(httpSignIns / 2); i++) {
        check();
        const start = now();
        await signIn(i);
        one.push(now() - start);
      }
      http = { one, many: await inParallel(httpSignIns, cores, signIn, check) };
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }

  const hashSummary = summarize(hashTimes);
  const verifySummary = summarize(verifyTimes);
  const parallelSummary = summarize(parallel.latencies);
  const httpOne = summarize(http.one);
  const httpMany = summarize(http.many.latencies);
  const metrics: Metric[] = [
    {
      name: 'hash a password',
      unit: 'ms',
      samples: sequential,
      median: hashSummary.median,
      p99: hashSummary.p99,
      checks: [],
    },
    {
      name: 'verify a password',
      unit: 'ms',
      samples: sequential,
      median: verifySummary.median,
      p99: verifySummary.p99,
      checks: [],
    },
    {
      name: `verifies/s, ${cores} at a time`,
      unit: 'verifies/s',
      samples: concurrentTotal,
      median: perSecond(concurrentTotal, parallel.elapsedMs),
      checks: [],
    },
    {
      name: `verify under ${cores}-way load`,
      unit: 'ms',
      samples: parallelSummary.count,
      median: parallelSummary.median,
      p99: parallelSummary.p99,
      checks: [],
    },
    {
      name: 'POST /api/auth/sign-in, one at a time',
      unit: 'ms',
      samples: httpOne.count,
      median: httpOne.median,
      p99: httpOne.p99,
      checks: [],
    },
    {
      name: `sign-ins/s over HTTP, ${cores} at a time`,
      unit: 'sign-ins/s',
      samples: httpMany.count,
      median: perSecond(httpSignIns, http.many.elapsedMs),
      checks: [],
    },
  ];
  return {
    id: 'sign-in',
    title: 'Sign-in (argon2id)',
    method:
      `The server's password hasher with its default parameters: ${phc[1]} v=${phc[2]}, m=${phc[3]} KiB, ` +
      `t=${phc[4]}, p=${phc[5]} (OWASP). Hash and verify of one password, ${sequential} times one at a time; ` +
      `then ${concurrentTotal} verifies with ${cores} in flight (one per core; each holds 19 MiB while it ` +
      `runs). Then POST /api/auth/sign-in (password check, session and tokens created, audit record ` +
      `written) against a server in its own process with the same parameters, one at a time and ` +
      `${cores} at a time.`,
    params: { sequential, concurrentTotal, httpSignIns, cores },
    metrics,
    notes: [
      `One core completes about ${Math.round(1000 / verifySummary.median)} verifications per second here. ` +
        'The cost is deliberate (it is what makes guessing a stolen hash expensive); sign-in capacity grows ' +
        'with cores, and the per-account and per-address throttles keep online guessing far below it.',
    ],
  };
});
