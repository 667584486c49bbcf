// The field policy table: every field of every entity, and the document schemas derived from it.
import { z } from 'zod';
import { accountFields, accountSecretFields } from '../entities/account.ts';
import { profileFields } from '../entities/profile.ts';
import { settingsFields } from '../entities/settings.ts';
import { UserId } from '../entities/values.ts';
import { Hlc } from '../hlc.ts';
import { schemasOf, type FieldPolicy, type FieldTable } from './field.ts';

export const policyTable = {
  profile: profileFields,
  settings: settingsFields,
  account: { ...accountFields, ...accountSecretFields },
} as const satisfies Record<string, FieldTable>;

export const entityNames = ['profile', 'settings', 'account'] as const;
export const EntityName = z.enum(entityNames);
export type EntityName = z.infer<typeof EntityName>;

/** Fields that travel in synced documents, per entity (secrets excluded). */
const replicatedTables = { profile: profileFields, settings: settingsFields, account: accountFields };

export function fieldsOf(entity: EntityName): Readonly<Record<string, FieldPolicy>> {
  return policyTable[entity];
}

export function replicatedFieldNames(entity: EntityName): string[] {
  return Object.keys(replicatedTables[entity]);
}

export function policyOf(entity: EntityName, fieldName: string): FieldPolicy | undefined {
  const table: Readonly<Record<string, FieldPolicy>> = policyTable[entity];
  return Object.hasOwn(table, fieldName) ? table[fieldName] : undefined;
}

function clocksFor(table: FieldTable) {
  return z.strictObject(Object.fromEntries(Object.keys(table).map((name) => [name, Hlc.optional()])));
}

function documentSchema<T extends FieldTable>(table: T) {
  return z.strictObject({
    id: UserId,
    /** The HLC of each field's last change; a field never edited has none. */
    clocks: clocksFor(table),
    ...schemasOf(table),
  });
}

export const ProfileDoc = documentSchema(profileFields);
export const SettingsDoc = documentSchema(settingsFields);
export const AccountDoc = documentSchema(accountFields);
export type ProfileDoc = z.infer<typeof ProfileDoc>;
export type SettingsDoc = z.infer<typeof SettingsDoc>;
export type AccountDoc = z.infer<typeof AccountDoc>;
export type Clocks = Partial<Record<string, Hlc>>;

export const documentSchemas = { profile: ProfileDoc, settings: SettingsDoc, account: AccountDoc } as const;
export interface DocumentOf {
  profile: ProfileDoc;
  settings: SettingsDoc;
  account: AccountDoc;
}

/** Any entity's document, seen generically (merge, projection, validation work on this). */
export interface AnyDoc {
  readonly id: string;
  readonly clocks: Clocks;
  readonly [field: string]: unknown;
}

/** A new document with every field at its initial value and no clocks. */
export function newDocument<E extends EntityName>(entity: E, id: string): DocumentOf[E] {
  const initial = Object.fromEntries(
    Object.entries(replicatedTables[entity] as FieldTable).map(([name, policy]) => [
      name,
      JSON.parse(JSON.stringify(policy.initial)) as unknown,
    ]),
  );
  return documentSchemas[entity].parse({ id, clocks: {}, ...initial }) as DocumentOf[E];
}
