// `npm run admin -- <command>`: administration from the command line, against the store the server
// uses (DATA_DIR or DATABASE_URL, as for `npm start`). Run `npm run admin -- help` for the commands.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ExportFormat, UserFilter } from '#shared/contract/admin';
import { Email } from '#shared/entities/values';
import { AccordError } from '#shared/errors';
import type { CliContext } from './context.ts';

const USAGE = `Accord administration (uses DATA_DIR or DATABASE_URL like the server)

  npm run admin -- create-admin EMAIL [--password-stdin] [--name NAME] [--reason TEXT]
      Creates an administrator (the password is read from standard input with --password-stdin,
      otherwise generated and printed once), or promotes the existing account with that email.

  npm run admin -- export --format ndjson|csv|json [--out FILE] [--resume-from USER_ID]
                          [--q TEXT] [--status active|suspended|pending-deletion] [--role user|admin]
                          [--limit N] [--reason TEXT]
      Exports users (redacted for administrators) with a progress bar; without --out to standard
      output. Ctrl-C stops at a row boundary and prints the --resume-from to continue; resuming
      into an existing NDJSON or CSV file appends to it.

  npm run admin -- import FILE [--dry-run] [--report FILE] [--reason TEXT]
      Imports users from NDJSON, one account per line; each line is checked and written on its
      own, rejected lines are listed with their line number and reason (--report: as NDJSON).

Exit status: 0 done, 1 error, 2 some import lines were rejected, 130 interrupted.`;

const options = {
  'password-stdin': { type: 'boolean' },
  name: { type: 'string' },
  reason: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'resume-from': { type: 'string' },
  q: { type: 'string' },
  status: { type: 'string' },
  role: { type: 'string' },
  limit: { type: 'string' },
  'dry-run': { type: 'boolean' },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const Reason = z.string().trim().min(3, 'give a reason of at least 3 characters').max(500);

function fail(message: string): never {
  throw new UsageError(message);
}

class UsageError extends Error {}

function valueOf<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail(`${flag}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`);
  return parsed.data;
}

/** The store and the server's modules load only for a command that needs them (help stays instant). */
async function withContext(run: (context: CliContext) => Promise<number>): Promise<number> {
  const { openCliContext } = await import('./context.ts');
  const context = await openCliContext();
  try {
    return await run(context);
  } finally {
    await context.close();
  }
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    return fail(error instanceof Error ? error.message : 'unreadable arguments');
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 1 : 0;
  }
  switch (command) {
    case 'create-admin': {
      if (rest.length !== 1) fail('create-admin needs exactly one EMAIL');
      const email = valueOf(Email, rest[0], 'EMAIL');
      const reason = valueOf(Reason, values.reason ?? 'command line: create-admin', '--reason');
      const { createAdmin } = await import('./create-admin.ts');
      return withContext((context) =>
        createAdmin(context.deps, {
          email,
          name: values.name,
          passwordFromStdin: values['password-stdin'] === true,
          reason,
        }),
      );
    }
    case 'export': {
      if (rest.length > 0) fail(`export takes no positional arguments (got ${rest.join(' ')})`);
      const format = valueOf(ExportFormat, values.format, '--format');
      const filter = valueOf(UserFilter, { q: values.q, status: values.status, role: values.role }, 'filter');
      const resumeFrom =
        values['resume-from'] === undefined
          ? undefined
          : valueOf(z.uuid(), values['resume-from'], '--resume-from');
      const limit =
        values.limit === undefined
          ? undefined
          : valueOf(z.coerce.number().int().positive(), values.limit, '--limit');
      const reason = valueOf(Reason, values.reason ?? 'command line: export', '--reason');
      const { runExport } = await import('./export-command.ts');
      return withContext((context) =>
        runExport(context.deps, { format, filter, resumeFrom, limit, reason, out: values.out }),
      );
    }
    case 'import': {
      if (rest.length !== 1 || rest[0] === undefined) fail('import needs exactly one FILE');
      const file = rest[0];
      const reason = valueOf(
        Reason,
        values.reason ?? `command line: import ${file}`.slice(0, 500),
        '--reason',
      );
      const { runImport } = await import('./import-command.ts');
      return withContext((context) =>
        runImport(context.deps, { file, dryRun: values['dry-run'] === true, report: values.report, reason }),
      );
    }
    default:
      return fail(`unknown command ${command}; run "npm run admin -- help"`);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof UsageError || error instanceof AccordError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(`error: ${messageOf(error)}`);
    if (error instanceof UsageError) console.error('run "npm run admin -- help" for usage');
    process.exitCode = 1;
  });
