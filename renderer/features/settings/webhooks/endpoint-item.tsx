// One registered webhook: its address, events and status (active, or disabled and why; failing
// since when), and its actions — send a test event, change, disable or enable, delete, the delivery log.
import { useState } from 'react';
import type { WebhookEndpoint } from '#shared/contract/webhooks';
import { messageOf } from '../../../api/call-route.ts';
import type { Formatter } from '../../../app/format.ts';
import { Button } from '../../../ui/button.tsx';
import { Dialog } from '../../../ui/dialog.tsx';
import { Badge, Banner } from '../../../ui/feedback.tsx';
import { DeliveryLog } from './delivery-log.tsx';
import { EditWebhookForm } from './edit-webhook-form.tsx';
import { eventLabels, useWebhookActions } from './queries.ts';

type Busy = 'test' | 'toggle' | 'delete' | undefined;

export function EndpointItem({
  endpoint,
  format,
  onChanged,
}: {
  readonly endpoint: WebhookEndpoint;
  readonly format: Formatter;
  /** The endpoint changed on the server (status, or deleted): reload the list. */
  readonly onChanged: () => void;
}) {
  const actions = useWebhookActions();
  const [busy, setBusy] = useState<Busy>(undefined);
  const [notice, setNotice] = useState<{ tone: 'success' | 'danger'; text: string } | undefined>(undefined);
  const [logOpen, setLogOpen] = useState(false);
  const [logToken, setLogToken] = useState(0);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [editing, setEditing] = useState(false);
  const active = endpoint.status === 'active';
  const name = endpoint.description !== '' ? endpoint.description : endpoint.url;
  const logId = `webhook-log-${endpoint.id}`;

  const run = (kind: Exclude<Busy, undefined>, action: () => Promise<unknown>, done: () => void) => {
    setBusy(kind);
    setNotice(undefined);
    action()
      .then(done)
      .catch((failure: unknown) => {
        setNotice({ tone: 'danger', text: messageOf(failure) });
      })
      .finally(() => {
        setBusy(undefined);
      });
  };
  const sendTest = () => {
    run(
      'test',
      () => actions.sendTest(endpoint.id),
      () => {
        setNotice({ tone: 'success', text: 'Test event queued; its delivery shows in the log.' });
        setLogOpen(true);
        setLogToken((token) => token + 1);
      },
    );
  };
  const toggle = () => {
    run('toggle', () => actions.setEnabled(endpoint.id, !active), onChanged);
  };
  const remove = () => {
    setConfirmingDelete(false);
    run('delete', () => actions.remove(endpoint.id), onChanged);
  };

  return (
    <li className="webhook" data-testid="webhook-endpoint" aria-label={`Webhook ${name}`}>
      <div className="row-between">
        <div className="stack-sm webhook__summary">
          <span className="mono webhook__url">{endpoint.url}</span>
          {endpoint.description !== '' ? <span>{endpoint.description}</span> : null}
        </div>
        <span className="row">
          {endpoint.scope === 'all' ? <Badge tone="accent">Every account</Badge> : null}
          {active ? <Badge tone="success">Active</Badge> : <Badge tone="danger">Disabled</Badge>}
        </span>
      </div>
      <div className="row">
        {endpoint.events.map((event) => (
          <Badge key={event}>{eventLabels[event]}</Badge>
        ))}
      </div>
      <p className="muted">
        Created {format.date(endpoint.createdAt)}
        {!active && endpoint.disabledReason !== null ? ` · Disabled: ${endpoint.disabledReason}` : ''}
      </p>
      {endpoint.failingSince !== null ? (
        <Banner tone="warning">
          Failing since {format.dateTime(endpoint.failingSince)}. Accord keeps retrying; an endpoint that
          fails for days is disabled.
        </Banner>
      ) : null}
      {notice !== undefined ? (
        <Banner tone={notice.tone} live>
          {notice.text}
        </Banner>
      ) : null}
      <div className="row">
        <Button size="small" busy={busy === 'test'} disabled={!active} onClick={sendTest}>
          Send test event
        </Button>
        <Button
          size="small"
          aria-expanded={editing}
          onClick={() => {
            setNotice(undefined);
            setEditing((open) => !open);
          }}
        >
          Change
        </Button>
        <Button size="small" busy={busy === 'toggle'} onClick={toggle}>
          {active ? 'Disable' : 'Enable'}
        </Button>
        <Button
          size="small"
          variant="ghost"
          aria-expanded={logOpen}
          aria-controls={logOpen ? logId : undefined}
          onClick={() => {
            setLogOpen((open) => !open);
          }}
        >
          {logOpen ? 'Hide delivery log' : 'Delivery log'}
        </Button>
        <Button
          size="small"
          variant="danger"
          icon="trash"
          busy={busy === 'delete'}
          onClick={() => {
            setConfirmingDelete(true);
          }}
        >
          Delete
        </Button>
      </div>
      {editing ? (
        <EditWebhookForm
          endpoint={endpoint}
          onSaved={() => {
            setEditing(false);
            setNotice({ tone: 'success', text: 'Changes saved.' });
            onChanged();
          }}
          onCancel={() => {
            setEditing(false);
          }}
        />
      ) : null}
      {logOpen ? (
        <div id={logId}>
          <DeliveryLog
            endpointId={endpoint.id}
            endpointActive={active}
            refreshToken={logToken}
            onProgress={onChanged}
          />
        </div>
      ) : null}
      <Dialog
        open={confirmingDelete}
        title="Delete this webhook?"
        onClose={() => {
          setConfirmingDelete(false);
        }}
      >
        <div className="stack">
          <p>
            <span className="mono">{endpoint.url}</span> stops receiving events, and its delivery log is
            deleted. Deliveries still waiting are dropped.
          </p>
          <div className="row">
            <Button variant="danger" onClick={remove}>
              Delete webhook
            </Button>
            <Button
              variant="ghost"
              onClick={() => {
                setConfirmingDelete(false);
              }}
            >
              Keep it
            </Button>
          </div>
        </div>
      </Dialog>
    </li>
  );
}
