// `import FILE`: reads NDJSON users line by line; each rejected line is printed with its number and
// reason (and written to --report as NDJSON); a dry run checks every line and writes nothing.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { AccountDeps } from '../accounts/context.ts';
import { ndjsonLine } from '../export/ndjson.ts';
import { importUsers } from '../import/import-users.ts';

export interface ImportCommand {
  readonly file: string;
  readonly dryRun: boolean;
  readonly report: string | undefined;
  readonly reason: string;
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.end((error?: Error | null) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

export async function runImport(deps: AccountDeps, command: ImportCommand): Promise<number> {
  const input = createReadStream(command.file);
  const report = command.report === undefined ? undefined : createWriteStream(command.report, { flags: 'w' });
  try {
    const summary = await importUsers(deps, input, {
      dryRun: command.dryRun,
      reason: command.reason,
      source: path.basename(command.file),
      onRejected: (rejection) => {
        console.log(`line ${rejection.line}: ${rejection.reason}`);
        report?.write(ndjsonLine(rejection));
      },
    });
    const verb = command.dryRun ? 'would be imported' : 'imported';
    console.log(
      `${command.dryRun ? 'Dry run: ' : ''}${summary.rows} rows read, ${summary.accepted} ${verb}, ${summary.rejected} rejected` +
        `${command.dryRun ? ' (nothing was written)' : ''}.`,
    );
    return summary.rejected > 0 ? 2 : 0;
  } finally {
    input.destroy();
    if (report !== undefined) await closeStream(report);
  }
}
