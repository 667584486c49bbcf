// One endpoint's delivery log: each event sent (or being retried) with its status, attempts, the
// receiver's last answer, times and the exact payload, and "resend" with the same webhook-id.
import { useState, type ReactNode } from 'react';
import type { DeliveryStatus, WebhookDelivery } from '#shared/contract/webhooks';
import { messageOf } from '../../../api/call-route.ts';
import { useFormatter, type Formatter } from '../../../app/format.ts';
import { Button } from '../../../ui/button.tsx';
import { Badge, Banner, EmptyState, Loading } from '../../../ui/feedback.tsx';
import { useSettings } from '../../own-docs.ts';
import { deliveryStatusLabels, eventLabels, LOG_PAGE, useDeliveryLog, useWebhookActions } from './queries.ts';

const statusTones: Record<DeliveryStatus, 'success' | 'warning' | 'danger' | 'accent' | undefined> = {
  succeeded: 'success',
  pending: 'warning',
  delivering: 'accent',
  failed: 'danger',
  cancelled: undefined,
};

function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function DeliveryLog({
  endpointId,
  endpointActive,
  refreshToken,
  onProgress,
}: {
  readonly endpointId: string;
  readonly endpointActive: boolean;
  /** Changes when something was queued from outside the log (a test event), to look again. */
  readonly refreshToken: number;
  /** An attempt was recorded: the endpoint's own status may have changed with it. */
  readonly onProgress: () => void;
}) {
  const format = useFormatter(useSettings());
  const { state, reload } = useDeliveryLog(endpointId, onProgress);
  const actions = useWebhookActions();
  const [seenToken, setSeenToken] = useState(refreshToken);
  const [error, setError] = useState<string | undefined>(undefined);
  if (seenToken !== refreshToken) {
    setSeenToken(refreshToken);
    reload();
  }
  const resend = (deliveryId: string) => {
    setError(undefined);
    actions
      .resend(deliveryId)
      .then(reload)
      .catch((failure: unknown) => {
        setError(messageOf(failure));
      });
  };

  return (
    <section className="delivery-log stack-sm" aria-label="Delivery log">
      <div className="row-between">
        <h3 className="subheading">Delivery log</h3>
        <Button size="small" variant="ghost" icon="refresh" onClick={reload}>
          Refresh
        </Button>
      </div>
      {error !== undefined ? (
        <Banner tone="danger" live>
          {error}
        </Banner>
      ) : null}
      {state.kind === 'loading' ? (
        <Loading label="Loading deliveries…" />
      ) : state.kind === 'failed' ? (
        <Banner tone="warning">{state.message}</Banner>
      ) : state.data.deliveries.length === 0 ? (
        <EmptyState icon="cloud" title="Nothing sent yet">
          Deliveries appear here once one of the chosen events happens, or when you send a test event.
        </EmptyState>
      ) : (
        <ol className="delivery-log__list">
          {state.data.deliveries.map((delivery) => (
            <DeliveryItem
              key={delivery.id}
              delivery={delivery}
              format={format}
              canResend={endpointActive && delivery.status !== 'delivering'}
              onResend={resend}
            />
          ))}
        </ol>
      )}
      {state.kind === 'ready' && state.data.deliveries.length >= LOG_PAGE ? (
        <p className="muted">Showing the newest {LOG_PAGE} deliveries.</p>
      ) : null}
    </section>
  );
}

function DeliveryItem({
  delivery,
  format,
  canResend,
  onResend,
}: {
  readonly delivery: WebhookDelivery;
  readonly format: Formatter;
  readonly canResend: boolean;
  readonly onResend: (deliveryId: string) => void;
}) {
  const when = (value: string | null) => (value === null ? '—' : format.dateTime(value));
  const event = eventLabels[delivery.eventType];
  return (
    <li className="delivery" data-testid="webhook-delivery" data-status={delivery.status}>
      <div className="row-between">
        <span className="row">
          <strong>{event}</strong>
          <Badge tone={statusTones[delivery.status]}>{deliveryStatusLabels[delivery.status]}</Badge>
          <span className="muted">{format.dateTime(delivery.createdAt)}</span>
        </span>
        <Button
          size="small"
          variant="ghost"
          icon="refresh"
          disabled={!canResend}
          aria-label={`Resend ${event} of ${format.dateTime(delivery.createdAt)}`}
          onClick={() => {
            onResend(delivery.id);
          }}
        >
          Resend
        </Button>
      </div>
      <dl className="delivery__facts">
        <Fact term="Attempts">{delivery.attempts}</Fact>
        <Fact term="Last response">
          {delivery.lastStatusCode === null ? '—' : `HTTP ${delivery.lastStatusCode}`}
        </Fact>
        <Fact term="Last attempt">{when(delivery.lastAttemptAt)}</Fact>
        {delivery.deliveredAt !== null ? (
          <Fact term="Delivered">{when(delivery.deliveredAt)}</Fact>
        ) : (
          <Fact term="Next attempt">{when(delivery.nextAttemptAt)}</Fact>
        )}
        {delivery.lastError !== null ? (
          <Fact term="Last error" wide>
            <span className="text-danger">{delivery.lastError}</span>
          </Fact>
        ) : null}
      </dl>
      <details className="delivery__payload">
        <summary>
          Payload <span className="muted mono">webhook-id {delivery.id}</span>
        </summary>
        {/* Focusable so the keyboard can scroll a long payload. */}
        <pre className="ui-code" tabIndex={0}>
          {prettyPayload(delivery.payload)}
        </pre>
      </details>
    </li>
  );
}

function Fact({
  term,
  wide = false,
  children,
}: {
  readonly term: string;
  readonly wide?: boolean;
  readonly children: ReactNode;
}) {
  return (
    <div className={wide ? 'delivery__fact delivery__fact--wide' : 'delivery__fact'}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
