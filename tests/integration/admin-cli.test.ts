// The admin command line, run as a separate process against a running server's data folder:
// create-admin (generated or piped password, promotion), export to a file with a resume that
// appends exactly the missing rows, and import with --dry-run and a report of rejected lines.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminExportRow } from '#shared/contract/admin';
import { Me, SignInResult } from '#shared/contract/auth';
import { api, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
const repoRoot = path.resolve(import.meta.dirname, '../..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run admin -- …` without npm: the same program, the server's data folder, test-cost hashing. */
function admin(args: readonly string[], input?: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: server.dataDir,
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    LOG_LEVEL: 'silent',
  };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/cli/admin.ts', ...args], {
      cwd: repoRoot,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

async function signIn(email: string, password: string) {
  const response = await api(server, 'POST', '/api/auth/sign-in', {
    body: { email, password, deviceName: 'CLI test' },
  });
  const result = SignInResult.parse(response.json);
  if (result.kind !== 'signed-in') throw new Error(`expected signed-in, got ${result.kind}`);
  return Me.parse((await api(server, 'GET', '/api/auth/me', { token: result.tokens.accessToken })).json);
}

const file = (name: string) => path.join(server.dataDir, name);

beforeAll(async () => {
  server = await startTestServer();
  for (const name of ['cli-a', 'cli-b', 'cli-c', 'cli-d', 'cli-e']) await server.createUser(name);
});
afterAll(async () => {
  await server.stop();
});

describe('npm run admin -- create-admin', () => {
  it('creates administrators with a generated or a piped password, and promotes existing accounts', async () => {
    const user = await server.createUser('promote-me');
    // Independent commands run side by side, as two operators might.
    const [generated, weak, piped, promoted] = await Promise.all([
      admin(['create-admin', 'first-admin@example.test', '--name', 'First Admin']),
      admin(['create-admin', 'weak-admin@example.test', '--password-stdin'], 'password\n'),
      admin(
        ['create-admin', 'piped-admin@example.test', '--password-stdin'],
        'a long piped admin passphrase\n',
      ),
      admin(['create-admin', user.email]),
    ]);

    expect(generated.code, generated.stderr).toBe(0);
    const password = /Password \(shown only now[^)]*\): (\S+)/.exec(generated.stdout)?.[1];
    if (password === undefined) throw new Error(`no password in ${generated.stdout}`);
    expect(await signIn('first-admin@example.test', password)).toMatchObject({
      role: 'admin',
      emailVerified: true,
    });

    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/password: .*common/);
    expect(await server.server.store.findUserByEmail('weak-admin@example.test')).toBeUndefined();

    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).not.toMatch(/Password/);
    expect(await signIn('piped-admin@example.test', 'a long piped admin passphrase')).toMatchObject({
      role: 'admin',
    });

    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain(`Promoted ${user.email} to administrator`);
    expect(await signIn(user.email, user.password)).toMatchObject({ role: 'admin' });
    const again = await admin(['create-admin', user.email]);
    expect(again.stdout).toContain('is an administrator already');
  }, 120_000);
});

describe('npm run admin -- export', () => {
  const exportTo = (format: string, out: string, ...more: string[]) =>
    admin(['export', '--format', format, '--out', file(out), '--q', 'cli-', ...more]);
  const lastIdIn = (run: Run) => /last user id ([0-9a-f-]{36})/.exec(run.stderr)?.[1] ?? '';

  it('writes files with progress, and a resume appends exactly the missing rows', async () => {
    const [ndjson, csv] = await Promise.all([exportTo('ndjson', 'all.ndjson'), exportTo('csv', 'all.csv')]);
    expect(ndjson.code, ndjson.stderr).toBe(0);
    expect(csv.code, csv.stderr).toBe(0);
    expect(ndjson.stderr).toMatch(/Exporting users \|.*\| 100% \| 5\/5/);
    expect(ndjson.stderr).toMatch(/Exported 5 users to /);
    const all = (await readFile(file('all.ndjson'), 'utf8')).trimEnd().split('\n');
    expect(all.map((line) => AdminExportRow.parse(JSON.parse(line)).profile.displayName).sort()).toEqual([
      'cli-a',
      'cli-b',
      'cli-c',
      'cli-d',
      'cli-e',
    ]);

    // The first rows only, as an interrupted run leaves them; then the rest, appended.
    const [ndjsonPart, csvPart] = await Promise.all([
      exportTo('ndjson', 'part.ndjson', '--limit', '2'),
      exportTo('csv', 'part.csv', '--limit', '4'),
    ]);
    expect(lastIdIn(ndjsonPart)).toBe(AdminExportRow.parse(JSON.parse(all[1] ?? '')).id);
    const [ndjsonRest, csvRest] = await Promise.all([
      exportTo('ndjson', 'part.ndjson', '--resume-from', lastIdIn(ndjsonPart)),
      exportTo('csv', 'part.csv', '--resume-from', lastIdIn(csvPart)),
    ]);
    expect(ndjsonRest.code, ndjsonRest.stderr).toBe(0);
    expect(ndjsonRest.stderr).toMatch(/Exported 3 users/);
    expect(csvRest.code, csvRest.stderr).toBe(0);
    expect(await readFile(file('part.ndjson'), 'utf8')).toBe(await readFile(file('all.ndjson'), 'utf8'));
    // CSV: no second header, the same bytes as the export in one go.
    const csvText = await readFile(file('part.csv'), 'utf8');
    expect(csvText).toBe(await readFile(file('all.csv'), 'utf8'));
    expect(parseCsv(csvText, { bom: true, columns: true })).toHaveLength(5);

    // A resume that does not start where the file ends is refused, not silently merged; JSON is
    // one document and cannot be appended to.
    await writeFile(file('all.json'), '{}');
    const [wrong, json] = await Promise.all([
      exportTo('ndjson', 'part.ndjson', '--resume-from', lastIdIn(ndjsonPart)),
      exportTo('json', 'all.json', '--resume-from', lastIdIn(ndjsonPart)),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/ends with user/);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/needs a new --out file/);
  }, 180_000);
});

describe('npm run admin -- import', () => {
  const rows = [
    JSON.stringify({ email: 'cli-import-1@example.test', profile: { displayName: 'Imported One' } }),
    JSON.stringify({ email: 'cli-import-2@example.test' }),
    JSON.stringify({ email: 'broken', profile: { displayName: 'x' } }),
  ].join('\n');

  it('checks every line in a dry run, reports rejections, and writes nothing', async () => {
    await writeFile(file('users.ndjson'), rows);
    const run = await admin(['import', file('users.ndjson'), '--dry-run', '--report', file('report.ndjson')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^line 3: email: /m);
    expect(run.stdout).toContain(
      'Dry run: 3 rows read, 2 would be imported, 1 rejected (nothing was written).',
    );
    const report = (await readFile(file('report.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(report).toMatchObject([
      { line: 3, email: 'broken', reason: expect.stringMatching(/^email: /) as unknown },
    ]);
    expect(await server.server.store.findUserByEmail('cli-import-1@example.test')).toBeUndefined();

    const real = await admin(['import', file('users.ndjson')]);
    expect(real.code).toBe(2);
    expect(real.stdout).toContain('3 rows read, 2 imported, 1 rejected.');
    expect(await server.server.store.findUserByEmail('cli-import-1@example.test')).toMatchObject({
      emailVerified: true,
    });
  }, 60_000);

  it('explains its usage', async () => {
    const [help, wrong] = await Promise.all([admin(['help']), admin(['export', '--format', 'xml'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npm run admin -- create-admin EMAIL');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--format/);
  }, 60_000);
});
