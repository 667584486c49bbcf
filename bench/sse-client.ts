// A minimal Server-Sent Events client on node:http for many connections from one process: it keeps
// each event's text and lets the caller look for a marker, without parsing JSON it does not need.
import http from 'node:http';

export interface SseConnection {
  /** Resolves when the first event (the server's RESYNC) has arrived. */
  readonly ready: Promise<void>;
  /** Calls `onEvent` with each complete event's text (the `data:` lines, joined). */
  onEvent(listener: (data: string, receivedAt: number) => void): void;
  close(): void;
}

/** One agent for all connections: no pooling limit, no keep-alive (each stream owns its socket). */
export const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

export function openSse(url: string, token: string, timeoutMs = 30_000): SseConnection {
  const listeners: ((data: string, receivedAt: number) => void)[] = [];
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const timer = setTimeout(() => {
    rejectReady(new Error(`no first event from ${url} within ${timeoutMs} ms`));
  }, timeoutMs);
  let buffer = '';
  let first = true;
  const request = http.get(
    url,
    { agent: sseAgent, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } },
    (response) => {
      if (response.statusCode !== 200) {
        rejectReady(new Error(`${url} answered ${response.statusCode ?? '?'}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const receivedAt = performance.now();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const data = event
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data === '') continue; // a heartbeat comment
          if (first) {
            first = false;
            clearTimeout(timer);
            resolveReady();
          }
          for (const listener of listeners) listener(data, receivedAt);
        }
      });
    },
  );
  request.on('error', (error) => {
    clearTimeout(timer);
    rejectReady(error);
  });
  return {
    ready,
    onEvent: (listener) => listeners.push(listener),
    close: () => {
      clearTimeout(timer);
      request.destroy();
    },
  };
}

/** The soft limit on open files of this process (Linux), to check before opening thousands of sockets. */
export async function openFileLimit(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  if (match?.[1] === undefined || match[1] === 'unlimited') return Number.POSITIVE_INFINITY;
  return Number(match[1]);
}
