// What every benchmark script shares: its command line (`--quick`, `--out <file>`), timing of the
// whole figure, and printing or saving the result. Each bench/<figure>.ts runs on its own:
//   npx tsx bench/push-throughput.ts --quick
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeFigure, type FigureResult } from './report.ts';

export interface FigureContext {
  /** Smaller sizes and fewer repetitions: proves the benchmark still runs, in seconds. */
  readonly quick: boolean;
  /** Extra command-line options of the figure (e.g. `--dialect postgres`). */
  readonly options: Readonly<Record<string, string | undefined>>;
  /** Progress lines go to stderr so stdout stays the result. */
  readonly log: (message: string) => void;
}

export type FigureBody = (context: FigureContext) => Promise<Omit<FigureResult, 'durationMs'>>;

/** Parses the command line, runs the figure, prints it, and writes JSON to `--out` when given. */
export async function runFigure(
  id: string,
  body: FigureBody,
  extraOptions: readonly string[] = [],
): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      ...Object.fromEntries(extraOptions.map((name) => [name, { type: 'string' as const }])),
    },
    strict: true,
  });
  const options: Record<string, string | undefined> = {};
  for (const name of extraOptions) {
    const value = values[name as keyof typeof values];
    options[name] = typeof value === 'string' ? value : undefined;
  }
  const started = performance.now();
  const context: FigureContext = {
    quick: values.quick,
    options,
    log: (message) => {
      process.stderr.write(`[${id}] ${message}\n`);
    },
  };
  const result: FigureResult = {
    ...(await body(context)),
    durationMs: Math.round(performance.now() - started),
  };
  console.log(describeFigure(result));
  if (typeof values.out === 'string') await writeFile(values.out, JSON.stringify(result));
}
