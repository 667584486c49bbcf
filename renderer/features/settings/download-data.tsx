// "Download my data": the server builds a zip archive of everything it keeps about you; it is
// streamed into a file the user picks, through the platform bridge (a dialog in the desktop app,
// the browser's save picker or a download otherwise).
import { useState } from 'react';
import { portabilityRoutes } from '#shared/contract/portability';
import { toError } from '../../sync/http-client.ts';
import { messageOf, OfflineError } from '../../api/call-route.ts';
import { useRuntime } from '../../app/app-context.tsx';
import { invoke } from '../../platform/bridge.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { isReauthRequired } from '../server-data.ts';
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

export function DownloadDataCard({ twoFactor }: { readonly twoFactor: boolean }) {
  const runtime = useRuntime();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'danger'; text: string } | undefined>(undefined);
  const [reauth, setReauth] = useState(false);

  const download = async () => {
    setMessage(undefined);
    setBusy(true);
    // Ask for the file first, while the click still counts as a user gesture for the save picker.
    const picked = await invoke('file:save-dialog', {
      suggestedName: `accord-data-${new Date().toISOString().slice(0, 10)}.zip`,
      filters: [{ name: 'Zip archive', extensions: ['zip'] }],
    }).catch(() => ({ handle: null }));
    if (picked.handle === null) {
      setBusy(false);
      return;
    }
    const handle = picked.handle;
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
      setMessage({
        tone: 'success',
        text: `Saved ${Math.max(1, Math.round(bytes / 1024))} KB${closed.path !== null ? ` to ${closed.path}` : ''}.`,
      });
    } catch (error) {
      await invoke('file:close', { handle, abort: true }).catch(() => undefined);
      if (isReauthRequired(error)) setReauth(true);
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
