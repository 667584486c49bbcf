// "Download my data": the server builds a zip archive of everything it keeps about you; it is
// streamed into a file the user picks, through the platform bridge (a dialog in the desktop app,
// the browser's save picker or a download otherwise). When the server cannot be reached, the app
// offers the same archive built from this device's copy, marked as such.
import { useState } from 'react';
import { portabilityRoutes } from '#shared/contract/portability';
import { toError } from '../../sync/http-client.ts';
import { messageOf, OfflineError } from '../../api/call-route.ts';
import { useRuntime } from '../../app/app-context.tsx';
import { useFormatter } from '../../app/format.ts';
import { invoke } from '../../platform/bridge.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { useSettings } from '../own-docs.ts';
import { isReauthRequired } from '../server-data.ts';
import { useSyncStatus } from '../sync/queries.ts';
import { buildDeviceArchive } from './device-archive.ts';
import { ReauthForm } from './reauth-form.tsx';

const MAX_CHUNK = 1024 * 1024;

async function streamInto(handle: string, body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<number> {
  const reader = body.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    for (let offset = 0; offset < value.byteLength; offset += MAX_CHUNK) {
      const chunk = value.subarray(offset, offset + MAX_CHUNK);
      await invoke('file:write', { handle, chunk });
      total += chunk.byteLength;
    }
  }
}

function archiveName(suffix = ''): string {
  return `accord-data-${new Date().toISOString().slice(0, 10)}${suffix}.zip`;
}

async function pickZip(suggestedName: string): Promise<string | null> {
  const picked = await invoke('file:save-dialog', {
    suggestedName,
    filters: [{ name: 'Zip archive', extensions: ['zip'] }],
  }).catch(() => ({ handle: null }));
  return picked.handle;
}

function kilobytes(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The offer shown when the server is out of reach: this device's copy, and how old it is. */
function FromThisDevice({ onMessage }: { readonly onMessage: (message: Message) => void }) {
  const runtime = useRuntime();
  const status = useSyncStatus();
  const format = useFormatter(useSettings() ?? undefined);
  const [busy, setBusy] = useState(false);
  const synced =
    status.lastSyncAt === null ? 'has never synced' : `last synced at ${format.dateTime(status.lastSyncAt)}`;
  const save = async () => {
    setBusy(true);
    // Ask for the file first, while the click still counts as a user gesture for the save picker.
    const handle = await pickZip(archiveName('-from-this-device'));
    if (handle === null) {
      setBusy(false);
      return;
    }
    try {
      const archive = await buildDeviceArchive(runtime);
      await invoke('file:write', { handle, chunk: archive.bytes });
      const closed = await invoke('file:close', { handle, abort: false });
      onMessage({
        tone: 'success',
        text: `Saved ${kilobytes(archive.bytes.byteLength)} from this device${closed.path !== null ? ` to ${closed.path}` : ''}. Signed-in devices, security events and access tokens are not in it: only the server has them.`,
      });
    } catch (error) {
      await invoke('file:close', { handle, abort: true }).catch(() => undefined);
      onMessage({ tone: 'danger', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Banner
      tone="warning"
      title="The server can’t be reached"
      actions={
        <Button busy={busy} onClick={() => void save()}>
          Download from this device
        </Button>
      }
    >
      You can save what this device holds instead. This device {synced}; changes made elsewhere since then,
      your signed-in devices, security events and access tokens are not included.
    </Banner>
  );
}

type Message = { tone: 'success' | 'danger'; text: string };

export function DownloadDataCard({ twoFactor }: { readonly twoFactor: boolean }) {
  const runtime = useRuntime();
  const status = useSyncStatus();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | undefined>(undefined);
  const [reauth, setReauth] = useState(false);
  const [unreachable, setUnreachable] = useState(false);
  const offline = unreachable || !status.online;

  const download = async () => {
    setMessage(undefined);
    setBusy(true);
    // Ask for the file first, while the click still counts as a user gesture for the save picker.
    const handle = await pickZip(archiveName());
    if (handle === null) {
      setBusy(false);
      return;
    }
    try {
      const { session } = runtime;
      const response = await session
        .fetch(`${session.baseUrl}${portabilityRoutes.downloadMyData.path}`, {
          method: portabilityRoutes.downloadMyData.method,
          headers: { accept: 'application/zip' },
        })
        .catch(() => {
          throw new OfflineError();
        });
      if (!response.ok || response.body === null) {
        throw toError(response.status, await response.json().catch(() => undefined));
      }
      const bytes = await streamInto(handle, response.body);
      const closed = await invoke('file:close', { handle, abort: false });
      setUnreachable(false);
      setMessage({
        tone: 'success',
        text: `Saved ${kilobytes(bytes)}${closed.path !== null ? ` to ${closed.path}` : ''}.`,
      });
    } catch (error) {
      await invoke('file:close', { handle, abort: true }).catch(() => undefined);
      if (isReauthRequired(error)) setReauth(true);
      else if (error instanceof OfflineError) setUnreachable(true);
      else setMessage({ tone: 'danger', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title="Download my data"
      description="A zip archive of everything the server keeps about you, with a readable summary. Secrets such as your password are never included."
    >
      <div className="stack">
        {message !== undefined ? (
          <Banner tone={message.tone} live>
            {message.text}
          </Banner>
        ) : null}
        {offline ? <FromThisDevice onMessage={setMessage} /> : null}
        {reauth ? (
          <ReauthForm
            twoFactor={twoFactor}
            onConfirmed={() => {
              setReauth(false);
              void download();
            }}
            onCancel={() => {
              setReauth(false);
            }}
          />
        ) : (
          <div>
            <Button icon="upload" busy={busy} onClick={() => void download()}>
              Download my data
            </Button>
          </div>
        )}
      </div>
    </Card>
  );
}
