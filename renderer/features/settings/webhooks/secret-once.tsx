// The signing secret of a new webhook, shown this one time: the server keeps no way to show it
// again, so the person copies it (or starts over with a new endpoint) before dismissing it.
import { useState } from 'react';
import type { WebhookEndpoint } from '#shared/contract/webhooks';
import { Button } from '../../../ui/button.tsx';
import { Banner } from '../../../ui/feedback.tsx';

type CopyState = 'idle' | 'copied' | 'failed';

const copyMessages: Record<CopyState, string> = {
  idle: '',
  copied: 'Copied to the clipboard.',
  failed: 'Copying did not work here: select the secret and copy it yourself.',
};

export function SecretOnce({
  endpoint,
  secret,
  onDone,
}: {
  readonly endpoint: WebhookEndpoint;
  readonly secret: string;
  readonly onDone: () => void;
}) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const copyToClipboard = () => {
    navigator.clipboard.writeText(secret).then(
      () => {
        setCopy('copied');
      },
      () => {
        setCopy('failed');
      },
    );
  };
  return (
    <Banner
      tone="warning"
      live
      title="Copy the signing secret now — you won’t see it again"
      actions={
        <Button size="small" variant="primary" onClick={onDone}>
          I’ve saved it
        </Button>
      }
    >
      <div className="stack-sm">
        <p>
          Webhook for <span className="mono">{endpoint.url}</span> created. Your receiver checks the{' '}
          <span className="mono">webhook-signature</span> header of each delivery with this secret. Accord
          does not show it again; if you lose it, delete the webhook and create a new one.
        </p>
        <code className="ui-code" data-testid="webhook-secret" aria-label="Signing secret">
          {secret}
        </code>
        <div className="row">
          {/* The secret appears after a submit: focus moves here so keyboard users find it. */}
          <Button autoFocus size="small" icon="key" onClick={copyToClipboard}>
            Copy secret
          </Button>
          <span role="status" className="muted">
            {copyMessages[copy]}
          </span>
        </div>
      </div>
    </Banner>
  );
}
