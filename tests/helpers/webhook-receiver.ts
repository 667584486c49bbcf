// A webhook receiver on 127.0.0.1 for tests: answers with scripted statuses (then `fallback`) and
// records every request, so a test can check headers, bodies and signatures as a receiver would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly status: number;
}

export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  /** Statuses for the next requests, in order; once used up, every request gets `fallback`. */
  script: number[] = [];
  fallback = 200;
  url = '';
  #server: http.Server | undefined;

  async start(): Promise<this> {
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const status = this.script.shift() ?? this.fallback;
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        );
        this.received.push({ headers, body: Buffer.concat(chunks).toString('utf8'), status });
        response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/accord`;
    return this;
  }

  /** Requests answered with a 2xx. */
  get successes(): ReceivedRequest[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }
}
