// `npm run bench`: runs every benchmark figure, each in its own process, and writes the results:
// bench/results.json and bench/RESULTS.md. `--quick` runs small sizes to prove the benchmarks still
// work (it is part of `npm test`) and writes to a temp folder instead, leaving bench/ untouched.
//   npm run bench                       all figures, full sizes (several minutes)
//   npm run bench -- --quick            all figures, small sizes (about a minute)
//   npm run bench -- --only fan-out,export
//   npm run bench -- --rerender          RESULTS.md again from bench/results.json
// A quick run runs two figures at a time (its numbers only prove the code runs); a full run one at
// a time, so no figure measures another's load.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PG_ADMIN_URL, postgresVersion } from './postgres.ts';
import { buildBenchPage } from './browser-driver.ts';
import {
  machineInfo,
  writeResults,
  type FailedFigure,
  type FigureResult,
  type RunResults,
} from './report.ts';
import { REPO_ROOT } from './server.ts';

interface Figure {
  readonly id: string;
  readonly script: string;
  readonly args?: readonly string[];
  readonly browser?: boolean;
  readonly postgres?: boolean;
  /**
   * Upper bounds on the figure's run time; it is stopped (and reported failed) beyond them. They
   * catch a hang, not a slow machine: a quick figure takes 15-35 s on a loaded 2-core machine.
   */
  readonly budgetMs: { readonly quick: number; readonly full: number };
}

const figures: readonly Figure[] = [
  {
    id: 'local-edit',
    script: 'bench/local-edit.ts',
    browser: true,
    budgetMs: { quick: 120_000, full: 180_000 },
  },
  { id: 'edit-to-device', script: 'bench/edit-to-device.ts', budgetMs: { quick: 120_000, full: 180_000 } },
  {
    id: 'directory-sync',
    script: 'bench/directory-sync.ts',
    browser: true,
    budgetMs: { quick: 120_000, full: 300_000 },
  },
  {
    id: 'push-sqlite',
    script: 'bench/push-throughput.ts',
    args: ['--dialect', 'sqlite'],
    budgetMs: { quick: 120_000, full: 240_000 },
  },
  {
    id: 'push-postgres',
    script: 'bench/push-throughput.ts',
    args: ['--dialect', 'postgres'],
    postgres: true,
    budgetMs: { quick: 120_000, full: 240_000 },
  },
  { id: 'fan-out', script: 'bench/fan-out.ts', budgetMs: { quick: 120_000, full: 240_000 } },
  { id: 'export', script: 'bench/export.ts', budgetMs: { quick: 120_000, full: 300_000 } },
  { id: 'sign-in', script: 'bench/sign-in.ts', budgetMs: { quick: 120_000, full: 120_000 } },
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    jobs: { type: 'string' },
    rerender: { type: 'boolean', default: false },
  },
  strict: true,
});
const quick = values.quick;
const jobs = Number(values.jobs ?? (quick ? 2 : 1));
if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer`);
const only = values.only?.split(',').map((id) => id.trim());
const unknown = only?.filter((id) => !figures.some((figure) => figure.id === id)) ?? [];
if (unknown.length > 0)
  throw new Error(`no such figure: ${unknown.join(', ')} (have ${figures.map((f) => f.id).join(', ')})`);
const selected = figures.filter((figure) => only === undefined || only.includes(figure.id));
// A quick run must never replace the committed results.
const outDir =
  values.out ?? (quick ? path.join(os.tmpdir(), 'accord-bench-quick') : path.join(REPO_ROOT, 'bench'));

/** Process groups of the figures running now, stopped with us on Ctrl-C (they are detached). */
const runningGroups = new Set<number>();
function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const group of runningGroups) killGroup(group);
    process.exit(130);
  });
}

/** Runs one figure's script; with `captured`, its output is returned instead of shown as it comes. */
function runChild(
  figure: Figure,
  outFile: string,
  env: NodeJS.ProcessEnv,
  captured: boolean,
): Promise<string> {
  const budget = quick ? figure.budgetMs.quick : figure.budgetMs.full;
  const args = [
    '--import',
    'tsx',
    figure.script,
    '--out',
    outFile,
    ...(quick ? ['--quick'] : []),
    ...(figure.args ?? []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', captured ? 'pipe' : 'inherit', captured ? 'pipe' : 'inherit'],
      env,
      // Its own process group, so a figure over budget is stopped with the servers it started
      // (left running, they would hold their ports, databases and our output pipes).
      detached: true,
    });
    const group = child.pid;
    if (group !== undefined) runningGroups.add(group);
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      if (group !== undefined) killGroup(group);
      reject(new Error(`stopped after ${budget / 1000} s (over its time budget)\n${output}`));
    }, budget);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (group !== undefined) runningGroups.delete(group);
      if (code === 0) resolve(output);
      else reject(new Error(`exited with ${signal ?? `code ${String(code)}`}\n${output}`));
    });
  });
}

// `--rerender`: RESULTS.md written again from results.json (after a change to the report's layout).
if (values.rerender) {
  const saved = JSON.parse(await readFile(path.join(outDir, 'results.json'), 'utf8')) as RunResults;
  const written = await writeResults(outDir, saved);
  console.log(`rewrote ${written.markdown} from results.json`);
  process.exit(0);
}

// The machine's load while the figures run: only ratios hold under load, and the results say how much.
const loadSamples: number[] = [];
const loadSampler = setInterval(() => {
  loadSamples.push(os.loadavg()[0] ?? 0);
}, 5_000);
loadSampler.unref();

const started = performance.now();
const postgres = await postgresVersion();
const machine = machineInfo(postgres);
console.log(`Accord benchmarks (${quick ? 'quick' : 'full'}): ${selected.map((f) => f.id).join(', ')}`);
console.log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`);

const work = await mkdtemp(path.join(os.tmpdir(), 'accord-bench-run-'));
const results: FigureResult[] = [];
const failed: FailedFigure[] = [];
let pageDir: string | undefined;
try {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (selected.some((figure) => figure.browser === true)) {
    console.log('building the benchmark page once for the browser figures');
    pageDir = await buildBenchPage();
    env.BENCH_PAGE_DIR = pageDir;
  }
  const outcomes = new Map<string, FigureResult | FailedFigure>();
  const queue = selected.filter((figure) => {
    if (figure.postgres !== true || postgres !== undefined) return true;
    const error = `PostgreSQL does not answer at ${PG_ADMIN_URL}`;
    // As in the test suites: required in CI, skipped with a message elsewhere.
    if (process.env.CI !== undefined) outcomes.set(figure.id, { id: figure.id, error, durationMs: 0 });
    else console.warn(`skipping ${figure.id}: ${error}`);
    return false;
  });
  const captured = jobs > 1;
  const runNext = async (): Promise<void> => {
    for (let figure = queue.shift(); figure !== undefined; figure = queue.shift()) {
      const figureStarted = performance.now();
      if (!captured) console.log(`\n── ${figure.id}`);
      const outFile = path.join(work, `${figure.id}.json`);
      try {
        const output = await runChild(figure, outFile, env, captured);
        if (captured) console.log(`\n── ${figure.id}\n${output.trimEnd()}`);
        outcomes.set(figure.id, JSON.parse(await readFile(outFile, 'utf8')) as FigureResult);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`\n── ${figure.id} failed: ${message}`);
        const durationMs = Math.round(performance.now() - figureStarted);
        outcomes.set(figure.id, { id: figure.id, error: message.split('\n')[0] ?? message, durationMs });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, runNext));
  // Results in the order of the figure list, whatever order they finished in.
  for (const figure of selected) {
    const outcome = outcomes.get(figure.id);
    if (outcome === undefined) continue;
    if ('metrics' in outcome) results.push(outcome);
    else failed.push(outcome);
  }
} finally {
  if (pageDir !== undefined) await rm(pageDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
}

const durationMs = Math.round(performance.now() - started);
clearInterval(loadSampler);
const written = await writeResults(outDir, {
  mode: quick ? 'quick' : 'full',
  machine,
  ...(loadSamples.length > 0
    ? {
        loadDuringRun: {
          mean: loadSamples.reduce((sum, load) => sum + load, 0) / loadSamples.length,
          max: Math.max(...loadSamples),
          samples: loadSamples.length,
        },
      }
    : {}),
  durationMs,
  figures: results,
  failed,
});
const missed = results.flatMap((figure) =>
  figure.metrics.flatMap((metric) =>
    metric.checks
      .filter((check) => !check.met)
      .map((check) => `${figure.title}: ${metric.name}: ${check.text}`),
  ),
);
console.log(
  `\n${results.length} figure(s) in ${(durationMs / 1000).toFixed(0)} s; results in ${written.markdown}`,
);
if (missed.length > 0)
  console.log(`targets missed (see RESULTS.md for what bounds them):\n  ${missed.join('\n  ')}`);
// A missed target is a finding, not a failure; a benchmark that no longer runs is a failure.
if (failed.length > 0) {
  console.error(`failed: ${failed.map((f) => f.id).join(', ')}`);
  process.exitCode = 1;
}
