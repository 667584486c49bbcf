// Export redaction: what admin bulk exports and "download my data" contain, per field export class.
import { fieldsOf, type EntityName } from './table.ts';
import { canRead } from '../visibility.ts';
import { liveEntries, type AnySetEntry } from './set-entry.ts';

export type ExportAudience = 'owner' | 'admin';
export const REDACTED = '[redacted]';

/**
 * `include`: the value, for both audiences. `redact`: the value for the owner, a marker for
 * admins (they learn the field is set, not what it holds). `never`: in no export. Fields whose
 * level admins may not read (`owner`) never reach an admin export, whatever their class.
 * Set fields export their live elements' values; clocks and tombstones stay behind.
 */
export function redactForExport(
  entity: EntityName,
  doc: Readonly<Record<string, unknown>>,
  audience: ExportAudience,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, policy] of Object.entries(fieldsOf(entity))) {
    if (!Object.hasOwn(doc, name) || policy.export === 'never') continue;
    if (audience === 'admin' && !canRead('admin', policy.visibility.default)) continue;
    if (audience === 'admin' && policy.visibility.choices.some((level) => !canRead('admin', level))) continue;
    const value = policy.merge === 'set' ? exportSet(doc[name]) : doc[name];
    out[name] = audience === 'admin' && policy.export === 'redact' && isSet(value) ? REDACTED : value;
  }
  return out;
}

function exportSet(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return liveEntries(value as AnySetEntry[]).map((entry) => entry.value ?? entry.id);
}

function isSet(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}
