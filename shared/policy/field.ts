// The shape of one field policy entry (DESIGN.md "field policy table") and helpers to declare one.
import { z } from 'zod';
import type { VisibilityLevel } from '../visibility.ts';

export const writers = ['owner', 'admin', 'server'] as const;
export const Writer = z.enum(writers);
export type Writer = z.infer<typeof Writer>;

export const mergeRules = ['lww', 'set', 'restrictive', 'server'] as const;
export const MergeRule = z.enum(mergeRules);
export type MergeRule = z.infer<typeof MergeRule>;

export const exportClasses = ['include', 'redact', 'never'] as const;
export const ExportClass = z.enum(exportClasses);
export type ExportClass = z.infer<typeof ExportClass>;

export const roles = ['user', 'admin'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export interface VisibilityPolicy {
  /** The level a field has until the owner chooses another. */
  readonly default: VisibilityLevel;
  /** The levels the owner may choose; a single entry means the level is fixed. */
  readonly choices: readonly VisibilityLevel[];
}

export interface FieldPolicy<S extends z.ZodType = z.ZodType> {
  readonly label: string;
  readonly description: string;
  readonly schema: S;
  /** The value of the field in a new document. */
  readonly initial: z.infer<S>;
  readonly visibility: VisibilityPolicy;
  readonly writer: Writer;
  readonly merge: MergeRule;
  readonly export: ExportClass;
  /** False for secrets that live only in server tables and never travel in a document. */
  readonly replicated: boolean;
  /** For `set` fields: keys of each element's value only the server may set (e.g. `verified`). */
  readonly serverOwnedKeys: readonly string[];
}

type FieldInput<S extends z.ZodType> = Omit<
  FieldPolicy<S>,
  'replicated' | 'serverOwnedKeys' | 'visibility'
> & {
  readonly visibility: VisibilityLevel | VisibilityPolicy;
  readonly replicated?: boolean;
  readonly serverOwnedKeys?: readonly string[];
};

/** Declares a policy entry; a bare level means "fixed at that level". */
export function field<S extends z.ZodType>(input: FieldInput<S>): FieldPolicy<S> {
  const visibility =
    typeof input.visibility === 'string'
      ? { default: input.visibility, choices: [input.visibility] }
      : input.visibility;
  if (!visibility.choices.includes(visibility.default)) {
    throw new Error(`${input.label}: default visibility must be one of its choices`);
  }
  if (input.merge === 'set' && !(input.schema instanceof z.ZodArray)) {
    throw new Error(`${input.label}: a set field needs an array of set entries`);
  }
  return {
    ...input,
    visibility,
    replicated: input.replicated ?? true,
    serverOwnedKeys: input.serverOwnedKeys ?? [],
  };
}

export function choosable(
  defaultLevel: VisibilityLevel,
  choices: readonly VisibilityLevel[],
): VisibilityPolicy {
  return { default: defaultLevel, choices };
}

export type FieldTable = Readonly<Record<string, FieldPolicy>>;

/** `{ field: schema }` for every replicated field, keeping each schema's static type. */
export type SchemasOf<T extends FieldTable> = { [K in keyof T]: T[K]['schema'] };

export function schemasOf<T extends FieldTable>(table: T): SchemasOf<T> {
  return Object.fromEntries(
    Object.entries(table).map(([name, policy]) => [name, policy.schema]),
  ) as SchemasOf<T>;
}
