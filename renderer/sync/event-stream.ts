// Consumes the server's replication stream (SSE over fetch, so the bearer token stays in a header)
// and turns it into RxDB's stream$ items, reconnecting by itself with RESYNC after every gap.
import { Subject, type Observable } from 'rxjs';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { SyncEndpoint } from './http-client.ts';

export type StreamItem<D, C> = { documents: D[]; checkpoint: C } | 'RESYNC';

export interface EventStreamHandle<D, C> {
  readonly items$: Observable<StreamItem<D, C>>;
  readonly connected$: Observable<boolean>;
  /** Drops the current connection (or ends the wait after a failure) and connects again at once. */
  reconnect(): void;
  stop(): void;
}

export function openEventStream<D, C>(
  endpoint: SyncEndpoint,
  path: string,
  parse: (message: unknown) => StreamItem<D, C>,
  retryMs = 1000,
): EventStreamHandle<D, C> {
  const items$ = new Subject<StreamItem<D, C>>();
  const connected$ = new Subject<boolean>();
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let immediate = false;

  const connectLoop = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        await consume(
          endpoint,
          path,
          controller.signal,
          (data) => {
            items$.next(parse(JSON.parse(data)));
          },
          () => {
            connected$.next(true);
          },
        );
      } catch {
        // Network errors, aborts and bad frames all end this connection; the loop reconnects.
      }
      connected$.next(false);
      if (stopped) break;
      // A reconnect asked for (e.g. the network is back) goes at once; a failure waits retryMs.
      if (immediate) {
        immediate = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, retryMs);
      });
      wake = undefined;
      immediate = false;
    }
  };
  void connectLoop();

  return {
    items$: items$.asObservable(),
    connected$: connected$.asObservable(),
    reconnect: () => {
      immediate = true;
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
      controller?.abort();
    },
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      controller?.abort();
      items$.complete();
      connected$.complete();
    },
  };
}

async function consume(
  endpoint: SyncEndpoint,
  path: string,
  signal: AbortSignal,
  onData: (data: string) => void,
  onOpen: () => void,
): Promise<void> {
  const token = endpoint.accessToken();
  if (token === undefined) throw new Error('signed out');
  const response = await (endpoint.fetch ?? fetch)(`${endpoint.baseUrl}${path}`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    signal,
  });
  if (!response.ok || response.body === null) throw new Error(`stream answered ${response.status}`);
  onOpen();
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onData(value.data);
  }
}
