// Settings › Integrations › Webhooks: register an endpoint (its secret shown once), and the list of
// endpoints with their status, actions and delivery logs. Webhooks live on the server; offline,
// the list shows what was last synced to this device (the settings' `webhooks` metadata).
import { useState } from 'react';
import { useFormatter, type Formatter } from '../../../app/format.ts';
import { Card } from '../../../ui/card.tsx';
import { Badge, EmptyState, Loading } from '../../../ui/feedback.tsx';
import { useAccount, useSettings } from '../../own-docs.ts';
import { EndpointItem } from './endpoint-item.tsx';
import { eventLabels, useWebhookEndpoints } from './queries.ts';
import { SecretOnce } from './secret-once.tsx';
import { NewWebhookForm, type CreatedWebhook } from './webhook-form.tsx';
import './webhooks.css';

export function WebhooksSection() {
  const account = useAccount();
  const settings = useSettings();
  const format = useFormatter(settings);
  const { state, reload } = useWebhookEndpoints();
  const [created, setCreated] = useState<CreatedWebhook | undefined>(undefined);

  return (
    <>
      {created !== undefined ? (
        <SecretOnce
          endpoint={created.endpoint}
          secret={created.secret}
          onDone={() => {
            setCreated(undefined);
          }}
        />
      ) : null}
      <NewWebhookForm
        isAdmin={account?.role === 'admin'}
        onCreated={(next) => {
          setCreated(next);
          reload();
        }}
      />
      <Card
        id="webhooks"
        title="Your webhooks"
        description={
          state.kind === 'failed'
            ? `Offline: showing the webhooks last synced to this device. ${state.message}`
            : undefined
        }
      >
        {state.kind === 'loading' ? (
          <Loading label="Loading webhooks…" />
        ) : state.kind === 'failed' ? (
          <SyncedWebhooks webhooks={settings?.webhooks ?? []} format={format} />
        ) : state.data.endpoints.length === 0 ? (
          <EmptyState icon="link" title="No webhooks">
            Webhooks you create appear here, with a log of what was sent to them.
          </EmptyState>
        ) : (
          <ul className="webhook-list">
            {state.data.endpoints.map((endpoint) => (
              <EndpointItem key={endpoint.id} endpoint={endpoint} format={format} onChanged={reload} />
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

type SyncedWebhook = NonNullable<ReturnType<typeof useSettings>>['webhooks'][number];

/** The read-only list from the synced settings, for when the server cannot be reached. */
function SyncedWebhooks({
  webhooks,
  format,
}: {
  readonly webhooks: readonly SyncedWebhook[];
  readonly format: Formatter;
}) {
  if (webhooks.length === 0) {
    return <EmptyState icon="link" title="No webhooks synced to this device" />;
  }
  return (
    <ul className="webhook-list">
      {webhooks.map((webhook) => (
        <li key={webhook.id} className="webhook">
          <div className="row-between">
            <span className="mono webhook__url">{webhook.url}</span>
            {webhook.status === 'active' ? (
              <Badge tone="success">Active</Badge>
            ) : (
              <Badge tone="danger">Disabled</Badge>
            )}
          </div>
          <p className="muted">
            {webhook.events.map((event) => eventLabels[event]).join(', ')} · created{' '}
            {format.date(webhook.createdAt)}
          </p>
        </li>
      ))}
    </ul>
  );
}
