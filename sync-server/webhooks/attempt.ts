// One delivery attempt from a claim to its record: guard the address, sign, post, then either
// mark it delivered, schedule the next try, or give up; and keep the endpoint's failure run, which
// disables the endpoint once it lasts too long.
import type { WebhookSettings } from '../config.ts';
import type { AttemptOutcome, ClaimedDelivery, SyncStore, WebhookEndpointRecord } from '../storage/store.ts';
import { checkTarget, type Resolver } from './address-guard.ts';
import { nextAttemptAt } from './backoff.ts';
import { postPinned, type PostResult } from './http-post.ts';
import { signedHeaders } from './signature.ts';

export interface AttemptDeps {
  readonly store: SyncStore;
  readonly settings: WebhookSettings;
  readonly now: () => number;
  readonly resolve: Resolver;
  readonly random?: () => number;
  /** Runs once when this attempt's failure disabled the endpoint (notify the owner, sync metadata). */
  readonly onDisabled: (endpoint: WebhookEndpointRecord) => Promise<void>;
}

export async function attemptDelivery(
  deps: AttemptDeps,
  claim: ClaimedDelivery,
  worker: string,
): Promise<void> {
  const { delivery, endpoint } = claim;
  const startedAt = deps.now();
  const at = new Date(startedAt).toISOString();
  if (endpoint?.status !== 'active') {
    const error =
      endpoint === undefined ? 'not sent: the endpoint was deleted' : 'not sent: the endpoint is disabled';
    await deps.store.webhooks.finishAttempt(delivery.id, worker, final('cancelled', at, null, error));
    return;
  }
  const result = await send(deps, endpoint, delivery.id, delivery.payload, startedAt);
  const endedAt = deps.now();
  const endedIso = new Date(endedAt).toISOString();
  if (result.ok) {
    await deps.store.webhooks.finishAttempt(
      delivery.id,
      worker,
      final('succeeded', endedIso, result.status, null),
    );
    await deps.store.webhooks.noteSuccess(endpoint.id);
    return;
  }
  const next = result.retryable
    ? nextAttemptAt(endedAt, delivery.attempts, Date.parse(delivery.giveUpAt), deps.settings, deps.random)
    : null;
  const outcome: AttemptOutcome =
    next === null
      ? final('failed', endedIso, result.status, result.error)
      : {
          status: 'pending',
          at: endedIso,
          nextAttemptAt: new Date(next).toISOString(),
          statusCode: result.status,
          error: result.error,
        };
  await deps.store.webhooks.finishAttempt(delivery.id, worker, outcome);
  const failingSince = await deps.store.webhooks.noteFailure(endpoint.id, endedIso);
  if (failingSince !== undefined && endedAt - Date.parse(failingSince) >= deps.settings.disableAfterMs) {
    const hours = Math.round(deps.settings.disableAfterMs / 3_600_000);
    const reason = `every delivery failed for ${hours >= 1 ? `${hours} h` : 'too long'} (last error: ${result.error})`;
    if (await deps.store.webhooks.disableEndpoint(endpoint.id, reason.slice(0, 300), endedIso)) {
      await deps.onDisabled({ ...endpoint, status: 'disabled', disabledReason: reason });
    }
  }
}

type SendResult = PostResult & { readonly retryable: boolean };

async function send(
  deps: AttemptDeps,
  endpoint: WebhookEndpointRecord,
  id: string,
  payload: string,
  now: number,
): Promise<SendResult> {
  const checked = await checkTarget(endpoint.url, deps.settings, deps.resolve);
  if (!checked.ok) {
    return { ok: false, status: null, error: `refused: ${checked.reason}`, retryable: checked.retryable };
  }
  const headers = signedHeaders(endpoint.secret, id, now, payload);
  const result = await postPinned(checked.target, headers, payload, deps.settings.timeoutMs);
  return { ...result, retryable: true };
}

function final(
  status: 'succeeded' | 'failed' | 'cancelled',
  at: string,
  code: number | null,
  error: string | null,
): AttemptOutcome {
  return { status, at, nextAttemptAt: null, statusCode: code, error };
}
