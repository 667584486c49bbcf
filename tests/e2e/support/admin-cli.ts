// The admin command line against the suite's server: same DATA_DIR, so an administrator made here
// signs in to the running server at once (the README's `npm run admin -- create-admin EMAIL`).
import { spawn } from 'node:child_process';
import { newUser, type E2eUser } from './accounts.ts';
import type { E2eServer } from './sync-server.ts';

function runAdminCli(server: E2eServer, args: readonly string[], input: string): Promise<string> {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/cli/admin.ts', ...args], {
    env: { ...env, DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`admin ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** A new administrator account, created by `create-admin EMAIL --password-stdin --name NAME`. */
export async function createAdminWithCli(server: E2eServer, displayName: string): Promise<E2eUser> {
  const admin = newUser(displayName);
  await runAdminCli(
    server,
    [
      'create-admin',
      admin.email,
      '--password-stdin',
      '--name',
      displayName,
      '--reason',
      'e2e: first administrator',
    ],
    `${admin.password}\n`,
  );
  return admin;
}
