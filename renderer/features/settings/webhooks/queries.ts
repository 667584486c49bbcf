// Data hooks for webhooks, which live on the server only: the endpoint list, one endpoint's delivery
// log (refreshed while deliveries are still in flight), and the actions on them.
import { useCallback, useEffect } from 'react';
import {
  webhookRoutes,
  type DeliveredEventType,
  type DeliveryStatus,
  type WebhookDelivery,
} from '#shared/contract/webhooks';
import { useCall, useRemote } from '../../server-data.ts';

/** How often an open delivery log looks again while some delivery has not settled yet. */
export const LOG_REFRESH_MS = 3_000;

export const eventLabels: Record<DeliveredEventType, string> = {
  'profile.updated': 'Profile changed',
  'settings.updated': 'Settings changed',
  'account.email_changed': 'Sign-in email changed',
  'account.deleted': 'Account deletion',
  'webhook.test': 'Test event',
};

export const deliveryStatusLabels: Record<DeliveryStatus, string> = {
  pending: 'Waiting to retry',
  delivering: 'Sending',
  succeeded: 'Delivered',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function isUnsettled(delivery: WebhookDelivery): boolean {
  return delivery.status === 'pending' || delivery.status === 'delivering';
}

export function useWebhookEndpoints() {
  return useRemote(webhookRoutes.list, {});
}

/** How many deliveries the log shows: the newest. */
export const LOG_PAGE = 50;

/**
 * The delivery log of one endpoint, newest first. `onProgress` runs whenever an attempt has been
 * recorded, since attempts change the endpoint too (its failure run, or disabling it).
 */
export function useDeliveryLog(endpointId: string, onProgress: () => void) {
  const { state, reload } = useRemote(webhookRoutes.deliveries, {
    query: { endpointId, limit: LOG_PAGE },
  });
  const unsettled = state.kind === 'ready' && state.data.deliveries.some(isUnsettled);
  useEffect(() => {
    if (!unsettled) return undefined;
    const timer = setInterval(reload, LOG_REFRESH_MS);
    return () => {
      clearInterval(timer);
    };
  }, [unsettled, reload]);
  const progress =
    state.kind === 'ready'
      ? state.data.deliveries.map((delivery) => `${delivery.id}:${delivery.attempts}`).join(',')
      : '';
  useEffect(() => {
    if (progress !== '') onProgress();
  }, [progress, onProgress]);
  return { state, reload };
}

/** The actions on endpoints and deliveries; each resolves when the server has accepted it. */
export function useWebhookActions() {
  const call = useCall();
  return {
    setEnabled: useCallback(
      (endpointId: string, enabled: boolean) => call(webhookRoutes.update, { body: { endpointId, enabled } }),
      [call],
    ),
    remove: useCallback((endpointId: string) => call(webhookRoutes.remove, { body: { endpointId } }), [call]),
    sendTest: useCallback((endpointId: string) => call(webhookRoutes.test, { body: { endpointId } }), [call]),
    resend: useCallback((deliveryId: string) => call(webhookRoutes.resend, { body: { deliveryId } }), [call]),
  };
}
