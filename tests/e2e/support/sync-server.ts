// A real sync server for the end-to-end suite, as its own process: a temp DATA_DIR (SQLite, mail
// outbox, avatars) and APP_DIR pointing at the freshly built renderer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseMail, type Mail } from '../../helpers/outbox.ts';

export interface E2eServer {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the sync server exited (${child.exitCode}):\n${log()}`);
    const ready = await fetch(`${url}/readyz`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the sync server did not become ready:\n${log()}`);
}

export interface ServerOptions {
  /** The operator setting WEBHOOK_ALLOW_PRIVATE_NETWORKS, so webhooks reach a receiver on loopback. */
  readonly allowPrivateWebhooks?: boolean;
}

export async function startServer(options: ServerOptions = {}): Promise<E2eServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'accord-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      // E2E_APP_DIR: a renderer built elsewhere (several builds side by side while developing).
      APP_DIR: process.env.E2E_APP_DIR ?? path.resolve('renderer/dist'),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000',
      PUBLIC_URL: url,
      ...(options.allowPrivateWebhooks === true ? { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitReady(url, child, () => output);
  return {
    url,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits for the newest mail of `kind` to `to` in DATA_DIR/outbox (mail is sent in the background). */
export async function waitForMail(server: E2eServer, to: string, kind: string, after = 0): Promise<Mail> {
  const dir = path.join(server.dataDir, 'outbox');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.eml')).sort();
    const mails = await Promise.all(
      names.map(async (name) => parseMail(name, await readFile(path.join(dir, name), 'utf8'))),
    );
    const match = mails.filter((mail) => mail.to === to.toLowerCase() && mail.kind === kind);
    if (match.length > after) {
      const newest = match.at(-1);
      if (newest !== undefined) return newest;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`no ${kind} mail to ${to}`);
}

export function codeOf(mail: Mail): string {
  const match = /\b(\d{6})\b/.exec(mail.text);
  if (match?.[1] === undefined) throw new Error(`no code in the ${mail.kind} mail`);
  return match[1];
}
