// The sync server under test, started as its own process (`sync-server/main.ts`, as `npm start` does)
// so its CPU and memory are its own: the load generator and clients run in the benchmark process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchDatabase } from './seed.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  /** Resident and peak resident memory of the server process, from /proc (Linux). */
  memory(): Promise<{ rssBytes: number; peakRssBytes: number }>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly database: BenchDatabase;
  /** A folder with an index.html the server serves at / (the browser benchmark page). */
  readonly appDir?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
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

export async function spawnServer(options: SpawnOptions): Promise<BenchServer> {
  const port = await freePort();
  const { database } = options;
  // BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of the server (open it in Chrome DevTools).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'sync-server/main.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: database.dataDir,
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
      LOG_LEVEL: 'warn',
      // One benchmark process opens thousands of requests from 127.0.0.1; the default limit is per IP.
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...(options.appDir === undefined ? {} : { APP_DIR: options.appDir }),
      ...options.env,
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server process did not start');
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    pid,
    memory: () => processMemory(pid),
    stop: () => stopProcess(child),
  };
}

/** The bare node:http baseline server (bench/echo-server.ts), in its own process. */
export async function spawnEchoServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/echo-server.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the echo server did not start'));
    }, 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server at ${url} was not ready within ${timeoutMs / 1000} s`);
}

/** SIGTERM (graceful shutdown), then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
export async function processMemory(pid: number): Promise<{ rssBytes: number; peakRssBytes: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssBytes: kib('VmRSS') * 1024, peakRssBytes: kib('VmHWM') * 1024 };
}
