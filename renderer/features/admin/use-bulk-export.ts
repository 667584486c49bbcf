// A bulk export from the console: the file is chosen through the platform's save dialog, the job
// is created, its download streamed into the file while the job's progress (done / total) is
// polled, and a cut connection leaves the file open so a new export can resume after the last
// row received. Cancel stops the download (the server marks the job aborted) and drops the file.
import { useCallback, useEffect, useRef, useState } from 'react';
import { adminRoutes, type ExportFormat, type ExportJob, type UserFilter } from '#shared/contract/admin';
import { callRoute, messageOf, OfflineError } from '../../api/call-route.ts';
import { useRuntime } from '../../app/app-context.tsx';
import { invoke } from '../../platform/bridge.ts';
import { toError } from '../../sync/http-client.ts';
import { useAdminCall, useAdminGuard } from './admin-gate.tsx';
import { ExportRowReader } from './export-rows.ts';

const POLL_MS = 500;
const encoder = new TextEncoder();

export interface ExportRequest {
  readonly format: ExportFormat;
  readonly filter: UserFilter;
  readonly reason: string;
}

/** Progress counts cover every part of a resumed export. */
export type ExportRun =
  | { readonly phase: 'idle' }
  | { readonly phase: 'starting' }
  | { readonly phase: 'running'; readonly done: number; readonly total: number; readonly received: number }
  | {
      readonly phase: 'interrupted';
      readonly received: number;
      readonly total: number;
      readonly message: string;
    }
  | {
      readonly phase: 'completed';
      readonly received: number;
      readonly total: number;
      readonly path: string | null;
    }
  | { readonly phase: 'cancelled' }
  | { readonly phase: 'failed'; readonly message: string };

interface OpenExport {
  readonly request: ExportRequest;
  readonly handle: string;
  readonly reader: ExportRowReader;
  /** Rows the whole export holds: received before this part plus this part's total. */
  total: number;
  controller: AbortController;
}

export const fileExtensions: Record<ExportFormat, string> = { ndjson: 'ndjson', csv: 'csv', json: 'json' };

export function useBulkExport() {
  const runtime = useRuntime();
  const call = useAdminCall();
  const guard = useAdminGuard();
  const [run, setRun] = useState<ExportRun>({ phase: 'idle' });
  const current = useRef<OpenExport | undefined>(undefined);

  const write = useCallback(async (handle: string, text: string) => {
    if (text !== '') await invoke('file:write', { handle, chunk: encoder.encode(text) });
  }, []);

  const download = useCallback(
    async (open: OpenExport, job: ExportJob, signal: AbortSignal): Promise<void> => {
      const { session } = runtime;
      const url = `${session.baseUrl}${adminRoutes.downloadExport.path}?exportId=${encodeURIComponent(job.id)}`;
      const response = await guard(async () => {
        const answer = await session.fetch(url, { signal }).catch((error: unknown) => {
          throw signal.aborted ? error : new OfflineError();
        });
        if (!answer.ok || answer.body === null)
          throw toError(answer.status, await answer.json().catch(() => undefined));
        return answer;
      });
      const body = response.body;
      if (body === null) return;
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        await write(open.handle, open.reader.push(value));
        setRun((state) => (state.phase === 'running' ? { ...state, received: open.reader.rows } : state));
      }
    },
    [runtime, guard, write],
  );

  /** Polls the job's progress while its download runs. */
  const poll = useCallback(
    (open: OpenExport, job: ExportJob, offset: number) => {
      const timer = setInterval(() => {
        callRoute(runtime.session.client, adminRoutes.exportStatus, { query: { exportId: job.id } })
          .then((status) => {
            if (current.current !== open) return;
            setRun((state) =>
              state.phase === 'running' ? { ...state, done: offset + status.done, total: open.total } : state,
            );
          })
          .catch(() => undefined);
      }, POLL_MS);
      return () => {
        clearInterval(timer);
      };
    },
    [runtime],
  );

  /** Creates a job (after the last row received, when resuming) and streams it into the file. */
  const runPart = useCallback(
    async (open: OpenExport) => {
      const offset = open.reader.rows;
      const after = open.reader.lastUserId;
      let stopPolling: () => void = () => undefined;
      try {
        const job = await call(adminRoutes.createExport, {
          body: {
            format: open.request.format,
            filter: open.request.filter,
            reason: open.request.reason,
            ...(after !== null ? { after } : {}),
          },
        });
        open.total = offset + job.total;
        open.controller = new AbortController();
        setRun({ phase: 'running', done: offset, total: open.total, received: offset });
        stopPolling = poll(open, job, offset);
        open.reader.startPart();
        await download(open, job, open.controller.signal);
        stopPolling();
        const partRows = open.reader.rows - offset;
        if (!open.reader.complete || partRows < job.total) {
          setRun({
            phase: 'interrupted',
            received: open.reader.rows,
            total: open.total,
            message: 'The download ended early.',
          });
          return;
        }
        await write(open.handle, open.reader.closing());
        const closed = await invoke('file:close', { handle: open.handle, abort: false });
        current.current = undefined;
        setRun({ phase: 'completed', received: open.reader.rows, total: open.total, path: closed.path });
      } catch (error) {
        stopPolling();
        if (open.controller.signal.aborted) return;
        if (open.reader.rows > 0 || error instanceof OfflineError || error instanceof TypeError) {
          // The file stays open: what arrived is kept and a resume continues it.
          setRun({
            phase: 'interrupted',
            received: open.reader.rows,
            total: open.total,
            message: messageOf(error),
          });
          return;
        }
        await invoke('file:close', { handle: open.handle, abort: true }).catch(() => undefined);
        current.current = undefined;
        setRun({ phase: 'failed', message: messageOf(error) });
      }
    },
    [call, download, poll, write],
  );

  const start = useCallback(
    async (request: ExportRequest) => {
      setRun({ phase: 'starting' });
      // The dialog first, while the click still counts as a user gesture for the browser's picker.
      const day = new Date().toISOString().slice(0, 10);
      const extension = fileExtensions[request.format];
      const picked = await invoke('file:save-dialog', {
        suggestedName: `accord-users-${day}.${extension}`,
        filters: [{ name: `${request.format.toUpperCase()} file`, extensions: [extension] }],
      }).catch(() => ({ handle: null }));
      if (picked.handle === null) {
        setRun({ phase: 'idle' });
        return;
      }
      const open: OpenExport = {
        request,
        handle: picked.handle,
        reader: new ExportRowReader(request.format),
        total: 0,
        controller: new AbortController(),
      };
      current.current = open;
      await runPart(open);
    },
    [runPart],
  );

  const resume = useCallback(async () => {
    const open = current.current;
    if (open !== undefined) await runPart(open);
  }, [runPart]);

  /** Ends an interrupted export with the rows that arrived (a JSON file gets its closing). */
  const keepPartial = useCallback(async () => {
    const open = current.current;
    if (open === undefined) return;
    current.current = undefined;
    await write(open.handle, open.reader.closing());
    const closed = await invoke('file:close', { handle: open.handle, abort: false });
    setRun({ phase: 'completed', received: open.reader.rows, total: open.total, path: closed.path });
  }, [write]);

  const cancel = useCallback(async () => {
    const open = current.current;
    if (open === undefined) return;
    current.current = undefined;
    open.controller.abort();
    await invoke('file:close', { handle: open.handle, abort: true }).catch(() => undefined);
    setRun({ phase: 'cancelled' });
  }, []);

  // Leaving the screen mid-download stops it rather than writing on in the background.
  useEffect(
    () => () => {
      void cancel();
    },
    [cancel],
  );

  return { run, start, resume, keepPartial, cancel };
}
