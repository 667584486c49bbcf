// When a failed delivery is tried again: exponential back-off (base, 2×base, 4×base … up to a
// maximum) with "equal jitter" (half fixed, half random) so retries of many deliveries spread out,
// and never after the delivery's give-up time (one last attempt lands exactly on it).
import type { WebhookSettings } from '../config.ts';

export type RetrySchedule = Pick<WebhookSettings, 'retryBaseMs' | 'retryMaxDelayMs'>;

/** The delay after the `attempts`-th failed attempt (1 for the first). */
export function retryDelay(
  attempts: number,
  schedule: RetrySchedule,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(schedule.retryMaxDelayMs, schedule.retryBaseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The next attempt's time, or null when the delivery is past its give-up time. */
export function nextAttemptAt(
  now: number,
  attempts: number,
  giveUpAt: number,
  schedule: RetrySchedule,
  random?: () => number,
): number | null {
  if (now >= giveUpAt) return null;
  return Math.min(now + retryDelay(attempts, schedule, random), giveUpAt);
}
