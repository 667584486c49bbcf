// Benchmark results: the shape every figure reports, the machine it ran on, and the two outputs
// (results.json for machines, RESULTS.md for people).
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { round } from './stats.ts';

/** One target: a limit on one measured number. `met` is decided by the figure, `text` shown as is. */
export interface Check {
  readonly text: string;
  readonly met: boolean;
}

/** One row of the results table: a measured number next to its baseline from the same run. */
export interface Metric {
  readonly name: string;
  readonly unit: string;
  readonly samples: number;
  readonly median: number;
  readonly p99?: number;
  readonly baseline?: { readonly name: string; readonly median: number; readonly p99?: number };
  /** measured ÷ baseline (for times: how many times slower; for rates: the fraction of the baseline). */
  readonly ratio?: number;
  readonly checks: readonly Check[];
}

export interface FigureResult {
  readonly id: string;
  readonly title: string;
  /** What was run, with its sizes, so a reader can reproduce it. */
  readonly method: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly metrics: readonly Metric[];
  /** Findings: what bounds a missed target, what was fixed, anything a reader should know. */
  readonly notes: readonly string[];
  readonly durationMs: number;
}

export interface FailedFigure {
  readonly id: string;
  readonly error: string;
  readonly durationMs: number;
}

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly loadAverageAtStart: readonly number[];
  readonly chromium: string | undefined;
  readonly postgres: string | undefined;
  readonly date: string;
}

/** The 1-minute load average, sampled every few seconds while the figures ran. */
export interface LoadDuringRun {
  readonly mean: number;
  readonly max: number;
  readonly samples: number;
}

export interface RunResults {
  readonly mode: 'full' | 'quick';
  readonly machine: Machine;
  /** Absent in results written before it was recorded. */
  readonly loadDuringRun?: LoadDuringRun;
  readonly durationMs: number;
  readonly figures: readonly FigureResult[];
  readonly failed: readonly FailedFigure[];
}

export function machineInfo(postgres: string | undefined): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    chromium: commandVersion('/usr/bin/chromium', ['--version']),
    postgres,
    date: new Date().toISOString(),
  };
}

function commandVersion(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

export function atMost(label: string, value: number, limit: number, unit = ''): Check {
  return { text: `${label} ≤ ${limit}${unit}`, met: value <= limit };
}

export function atLeast(label: string, value: number, limit: number, unit = ''): Check {
  return { text: `${label} ≥ ${limit}${unit}`, met: value >= limit };
}

/** A plain-text rendering for the console when a figure runs on its own. */
export function describeFigure(figure: FigureResult): string {
  const lines = [`${figure.title} (${(figure.durationMs / 1000).toFixed(1)} s)`];
  for (const metric of figure.metrics) {
    const parts = [`  ${metric.name}: median ${show(metric.median)} ${metric.unit}`];
    if (metric.p99 !== undefined) parts.push(`p99 ${show(metric.p99)} ${metric.unit}`);
    if (metric.baseline !== undefined)
      parts.push(`baseline (${metric.baseline.name}) ${show(metric.baseline.median)}`);
    if (metric.ratio !== undefined) parts.push(`ratio ${show(metric.ratio)}`);
    for (const check of metric.checks) parts.push(`${check.met ? 'met' : 'MISSED'}: ${check.text}`);
    lines.push(parts.join(', '));
  }
  for (const note of figure.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

function show(value: number): string {
  return String(round(value));
}

function cell(value: number | undefined, unit = ''): string {
  return value === undefined ? '—' : `${show(value)}${unit}`;
}

function verdict(checks: readonly Check[]): string {
  if (checks.length === 0) return 'reported';
  return checks.map((check) => `${check.met ? '✅' : '❌ missed'} ${check.text}`).join('<br>');
}

export function renderMarkdown(results: RunResults): string {
  const m = results.machine;
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench${results.mode === 'quick' ? ' -- --quick' : ''}\` (${results.mode} run, ` +
      `${(results.durationMs / 1000).toFixed(0)} s). Each figure runs next to a baseline measured in the same ` +
      'run on the same machine; the ratio is measured ÷ baseline (for times: how many times slower than the ' +
      'baseline; for rates: the fraction of the baseline reached). Absolute numbers move with the machine and ' +
      'its load; the ratios are what should hold elsewhere.',
    '',
    `> ${loadSentence(results)}`,
    '',
    '## Machine',
    '',
    '| | |',
    '| --- | --- |',
    `| CPU | ${m.cpuModel} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| Node.js | ${m.node} |`,
    `| OS | ${m.os} |`,
    `| Chromium | ${m.chromium ?? 'not found'} |`,
    `| PostgreSQL | ${m.postgres ?? 'not reachable'} |`,
    `| load average at start (1, 5, 15 min) | ${m.loadAverageAtStart.join(', ')} |`,
    `| load average while running (1 min) | ${
      results.loadDuringRun === undefined
        ? 'not recorded'
        : `mean ${show(results.loadDuringRun.mean)}, max ${show(results.loadDuringRun.max)} (${results.loadDuringRun.samples} samples)`
    } |`,
    `| date | ${m.date} |`,
    '',
    '## Targets',
    '',
    ...targetLines(results),
    '',
    '## Results',
    '',
    '| figure | measure | median | p99 | baseline (median) | ratio | target |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const figure of results.figures) {
    for (const metric of figure.metrics) {
      const unit = metric.unit === 'ms' ? ' ms' : ` ${metric.unit}`;
      lines.push(
        [
          '',
          figure.title,
          metric.name,
          cell(metric.median, unit),
          cell(metric.p99, unit),
          metric.baseline === undefined
            ? '—'
            : `${cell(metric.baseline.median, unit)} (${metric.baseline.name})`,
          cell(metric.ratio),
          verdict(metric.checks),
          '',
        ]
          .join(' | ')
          .trim(),
      );
    }
  }
  for (const failed of results.failed) {
    lines.push(
      `| ${failed.id} | failed: ${failed.error.replaceAll('|', '\\|').split('\n')[0] ?? ''} | | | | | ❌ |`,
    );
  }
  lines.push('', '## Figures', '');
  for (const figure of results.figures) {
    lines.push(`### ${figure.title}`, '', figure.method, '');
    const params = Object.entries(figure.params).map(([key, value]) => `${key} = ${String(value)}`);
    if (params.length > 0)
      lines.push(`Parameters: ${params.join(', ')}. Took ${(figure.durationMs / 1000).toFixed(1)} s.`, '');
    for (const note of figure.notes) lines.push(`- ${note}`);
    if (figure.notes.length > 0) lines.push('');
  }
  return lines.join('\n');
}

/** What the load says about the absolute numbers, from what was measured. */
function loadSentence(results: RunResults): string {
  const cores = results.machine.cores;
  const during = results.loadDuringRun;
  const load = during?.mean ?? results.machine.loadAverageAtStart[0] ?? 0;
  const measured =
    during === undefined
      ? `The load average was ${show(load)} on ${cores} cores when the run started.`
      : `The load average while the run went on was ${show(during.mean)} on average (at most ` +
        `${show(during.max)}) on ${cores} cores; the benchmark itself (a figure and the server it ` +
        'measures) accounts for up to about 2 of it.';
  const verdict =
    load > cores + 1
      ? ' Other work shared the machine, so absolute times are pessimistic and noisy; the ratios, each ' +
        'measured beside its baseline, hold better.'
      : '';
  return `${measured}${verdict} Re-run \`npm run bench\` on your own machine to compare.`;
}

/** Every target, met or missed, with where the results say what bounds a missed one. */
function targetLines(results: RunResults): string[] {
  const checks = results.figures.flatMap((figure) =>
    figure.metrics.flatMap((metric) => metric.checks.map((check) => ({ figure, metric, check }))),
  );
  const met = checks.filter(({ check }) => check.met).length;
  return [
    `${met} of ${checks.length} targets met${results.failed.length > 0 ? `; ${results.failed.length} figure(s) failed to run` : ''}. ` +
      'For each missed one, the notes under its figure below say what bounds it, from numbers measured ' +
      'in this run.',
    '',
    ...checks.map(
      ({ figure, metric, check }) =>
        `- ${check.met ? '✅ met' : '❌ missed'}: ${figure.title}, ${metric.name}: ${check.text}`,
    ),
  ];
}

export async function writeResults(
  dir: string,
  results: RunResults,
): Promise<{ json: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'results.json');
  const markdown = path.join(dir, 'RESULTS.md');
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  // Formatted as `prettier --check` expects, so a regenerated file never fails the format gate.
  const options = (await resolveConfig(markdown)) ?? {};
  await writeFile(markdown, await format(renderMarkdown(results), { ...options, filepath: markdown }));
  return { json, markdown };
}
