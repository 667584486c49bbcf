// Projection: the part of a document one viewer may read, derived from the policy and the
// owner's visibility choices. The server runs it for every directory response (I3).
import { z } from 'zod';
import type { VisibilityChoices } from '../entities/settings.ts';
import { canRead, VisibilityLevel, type ViewerRelation } from '../visibility.ts';
import type { FieldPolicy } from './field.ts';
import { fieldsOf, replicatedFieldNames, type AnyDoc, type EntityName } from './table.ts';

/** The level that applies to a field: the owner's choice when the policy allows it, else the default. */
export function effectiveVisibility(
  policy: FieldPolicy,
  fieldName: string,
  choices: VisibilityChoices | undefined,
): VisibilityLevel {
  const chosen = choices === undefined ? undefined : VisibilityLevel.safeParse(choices[fieldName]);
  if (chosen?.success && policy.visibility.choices.includes(chosen.data)) return chosen.data;
  return policy.visibility.default;
}

/** A projected document: the id plus only the readable fields and their clocks. */
export type Projected = { readonly id: string; readonly clocks: Record<string, string> } & Record<
  string,
  unknown
>;

/**
 * Returns only the fields `relation` may read, or `null` when the viewer may see nothing
 * (blocked). Unknown keys in `doc` are dropped: projection is an allow-list.
 */
export function project(
  entity: EntityName,
  doc: AnyDoc,
  relation: ViewerRelation,
  choices?: VisibilityChoices,
): Projected | null {
  if (relation === 'blocked') return null;
  const policies = fieldsOf(entity);
  const out: Record<string, unknown> = { id: doc.id };
  const clocks: Record<string, string> = {};
  for (const name of replicatedFieldNames(entity)) {
    const policy = policies[name];
    if (policy === undefined || !Object.hasOwn(doc, name)) continue;
    if (!canRead(relation, effectiveVisibility(policy, name, choices))) continue;
    out[name] = policy.merge === 'set' ? liveOnly(doc[name]) : doc[name];
    const clock = doc.clocks[name];
    if (clock !== undefined) clocks[name] = clock;
  }
  out.clocks = clocks;
  return out as Projected;
}

/** Other viewers get set elements without tombstones: a removed entry's id is not theirs to see. */
function liveOnly(value: unknown): unknown {
  return Array.isArray(value)
    ? value.filter((entry: { removed?: boolean }) => entry.removed !== true)
    : value;
}

/** Fields a relation can read at their current level; used by "preview as" and by tests. */
export function readableFields(
  entity: EntityName,
  relation: ViewerRelation,
  choices?: VisibilityChoices,
): string[] {
  const policies = fieldsOf(entity);
  return replicatedFieldNames(entity).filter((name) => {
    const policy = policies[name];
    return policy !== undefined && canRead(relation, effectiveVisibility(policy, name, choices));
  });
}

export const ProjectedDoc = z.looseObject({ id: z.string(), clocks: z.record(z.string(), z.string()) });
