// Words for sync state: the status line, field labels from the policy table, values shown compactly.
import { policyOf } from '#shared/policy/table';
import type { SyncStatus } from '../../sync/engine.ts';

export type SyncPhase = 'offline' | 'syncing' | 'online' | 'signed-out' | 'connecting';

export function phaseOf(status: SyncStatus): SyncPhase {
  if (status.session === 'expired') return 'signed-out';
  if (!status.online) return 'offline';
  if (!status.connected) return status.session === 'pending' ? 'connecting' : 'offline';
  return status.syncing ? 'syncing' : 'online';
}

export const phaseLabel: Record<SyncPhase, string> = {
  offline: 'Offline',
  syncing: 'Syncing',
  online: 'Synced',
  // Short enough for the fixed-width indicator; the notice and the sync panel say what to do.
  'signed-out': 'Signed out',
  connecting: 'Connecting',
};

export function fieldLabel(collection: 'profiles' | 'settings', field: string): string {
  return policyOf(collection === 'profiles' ? 'profile' : 'settings', field)?.label ?? field;
}

/** A short, readable rendering of any field value (sets show their live entries). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 79)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const live = value.filter((entry: { removed?: boolean }) => entry.removed !== true);
    const shown = live.map((entry: { value?: unknown; id?: string }) => summarize(entry.value ?? entry.id));
    return shown.length === 0 ? '(none)' : shown.join(', ');
  }
  return summarize(value);
}

function summarize(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const record = value as Record<string, unknown>;
  const main = record.address ?? record.number ?? record.url ?? record.street ?? record.hash;
  if (typeof main === 'string') return main.length > 40 ? `${main.slice(0, 39)}…` : main;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The screen where a field is edited, for "edit again". */
export function screenOf(collection: 'profiles' | 'settings', field: string) {
  if (collection === 'profiles') {
    if (field === 'avatar') return { name: 'avatar' } as const;
    if (field === 'contacts' || field === 'blocked') return { name: 'directory' } as const;
    return { name: 'profile', field } as const;
  }
  if (field === 'visibility' || field === 'discoverable') return { name: 'privacy', field } as const;
  if (field === 'notifications' || field === 'quietHours')
    return { name: 'settings', section: 'notifications', field } as const;
  if (field === 'accessTokens' || field === 'webhooks')
    return { name: 'settings', section: 'integrations' } as const;
  return { name: 'settings', section: 'preferences', field } as const;
}
