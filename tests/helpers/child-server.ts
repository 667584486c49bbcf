// The real server entry point as a child process (`node --import tsx sync-server/main.ts`), so a
// test can SIGKILL it mid-write and start it again on the same port and storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

export interface ChildServerOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
  readonly env?: Readonly<Record<string, string>>;
  /** How long a start may take before it counts as failed (tsx compiles on start). */
  readonly startTimeoutMs?: number;
}

export class ChildServer {
  readonly url: string;
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> = Promise.resolve(null);
  /** The end of the child's stderr, for failure messages. */
  stderr = '';
  /** How long each start took until /readyz answered, in ms. */
  readonly startTimes: number[] = [];

  constructor(private readonly options: ChildServerOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('the child server is running already');
    const started = Date.now();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      // The test runner's own settings (loaders, workers) are not the server's.
      if (key === 'NODE_OPTIONS' || key.startsWith('VITEST') || key.startsWith('TINYPOOL')) continue;
      env[key] = value;
    }
    Object.assign(env, {
      HOST: '127.0.0.1',
      PORT: String(this.options.port),
      DATA_DIR: this.options.dataDir,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      ...(this.options.databaseUrl === undefined ? {} : { DATABASE_URL: this.options.databaseUrl }),
      ...this.options.env,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#child = child;
    this.stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        resolve(code);
      });
    });
    const deadline = started + (this.options.startTimeoutMs ?? 60_000);
    for (;;) {
      if (!this.running) throw new Error(`the server exited while starting:\n${this.stderr}`);
      try {
        const response = await fetch(`${this.url}/readyz`);
        if (response.status === 200) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`the server did not get ready in time:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.startTimes.push(Date.now() - started);
  }

  /** Kills the process (SIGKILL: no shutdown hooks, no flush) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.running) return;
    child.kill(signal);
    await this.#exited;
  }
}
