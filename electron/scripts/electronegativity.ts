// `npm run lint:electron`: Electronegativity over the shell's sources (electron/ without build output
// and tests). Fails on any finding that electron/electronegativity.json does not accept with a reason,
// on accepted findings that no longer occur, and on files the scanner could not parse.
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const electronDir = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

const Config = z.object({
  /** Checks not run, e.g. AvailableSecurityFixesGlobalCheck (it needs the internet). */
  excludeChecks: z.array(z.string()),
  accepted: z.array(
    z.object({
      check: z.string(),
      /** Relative to electron/, or "N/A" for a global finding. */
      file: z.string(),
      count: z.number().int().positive(),
      why: z.string().min(20),
    }),
  ),
});

const RunResult = z.object({
  errors: z.array(z.object({ file: z.string(), message: z.string(), tolerable: z.boolean() })),
  issues: z.array(
    z.object({
      id: z.string(),
      file: z.string(),
      location: z.object({ line: z.number(), column: z.number() }),
      description: z.string(),
    }),
  ),
});
type Issue = z.infer<typeof RunResult>['issues'][number];

interface RunOptions {
  readonly input: string;
  readonly customScan: string[];
  readonly excludeFromScan: string[];
  readonly isRelative: boolean;
  readonly electronVersionOverride: string;
  readonly parserPlugins: string[];
}
/** The package's main export: `run(options, forCli)` resolving to { errors, issues } when not for the CLI. */
const Runner = z.custom<(options: RunOptions, forCli: boolean) => Promise<unknown>>(
  (value) => typeof value === 'function',
  'the Electronegativity runner',
);

export interface LintReport {
  readonly unexpected: readonly Issue[];
  readonly stale: readonly string[];
  readonly parseErrors: readonly string[];
  /** Files that silence the scanner inline; acceptances belong in the config, with a reason. */
  readonly inlineDisables: readonly string[];
  readonly accepted: number;
}

/** Copies what ships or builds the shell (no dist/, no tests) to a scratch folder for the scan. */
async function copySources(): Promise<string> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'accord-electronegativity-'));
  await cp(electronDir, scratch, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(electronDir, source);
      return (
        !relative.startsWith('dist') && !relative.endsWith('.test.ts') && !relative.includes('node_modules')
      );
    },
  });
  return scratch;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

export async function lintElectron(): Promise<LintReport> {
  const config = Config.parse(
    JSON.parse(await readFile(path.join(electronDir, 'electronegativity.json'), 'utf8')),
  );
  const electronVersion = z.object({ version: z.string() }).parse(require('electron/package.json')).version;
  const run = Runner.parse(require('@doyensec/electronegativity'));
  const scratch = await copySources();
  let result: z.infer<typeof RunResult>;
  const inlineDisables: string[] = [];
  try {
    const self = path.join(scratch, 'scripts', path.basename(import.meta.filename));
    for (const file of await listFiles(scratch)) {
      if (file !== self && (await readFile(file, 'utf8')).includes('eng-disable')) {
        inlineDisables.push(path.relative(scratch, file));
      }
    }
    const raw: unknown = await run(
      {
        input: scratch,
        customScan: [],
        excludeFromScan: config.excludeChecks,
        isRelative: true,
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    );
    result = RunResult.parse(raw);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const counts = new Map<string, Issue[]>();
  for (const issue of result.issues) {
    const key = `${issue.id} ${issue.file}`;
    counts.set(key, [...(counts.get(key) ?? []), issue]);
  }
  const unexpected: Issue[] = [];
  const stale: string[] = [];
  const acceptedKeys = new Set<string>();
  for (const entry of config.accepted) {
    const key = `${entry.check} ${entry.file}`;
    acceptedKeys.add(key);
    const found = counts.get(key)?.length ?? 0;
    if (found < entry.count)
      stale.push(`${key}: accepted ${entry.count}, found ${found} — update the config`);
    if (found > entry.count) unexpected.push(...(counts.get(key) ?? []).slice(entry.count));
  }
  for (const [key, issues] of counts) if (!acceptedKeys.has(key)) unexpected.push(...issues);
  return {
    unexpected,
    stale,
    parseErrors: result.errors.map((error) => `${path.relative(scratch, error.file)}: ${error.message}`),
    inlineDisables,
    accepted: config.accepted.reduce((sum, entry) => sum + entry.count, 0),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await lintElectron();
  for (const issue of report.unexpected) {
    console.error(
      `${issue.id}  electron/${issue.file}:${issue.location.line}:${issue.location.column}  ${issue.description}`,
    );
  }
  for (const line of report.stale) console.error(`stale acceptance: ${line}`);
  for (const line of report.parseErrors) console.error(`could not parse: ${line}`);
  for (const file of report.inlineDisables)
    console.error(`eng-disable comment in electron/${file}: accept findings in the config`);
  const failed =
    report.unexpected.length + report.stale.length + report.parseErrors.length + report.inlineDisables.length;
  if (failed > 0) {
    console.error(
      `Electronegativity: ${failed} problem(s); see electron/electronegativity.json for accepted findings.`,
    );
    process.exitCode = 1;
  } else {
    console.log(`Electronegativity: no findings beyond the ${report.accepted} accepted with reasons.`);
  }
}
