// Rows describing every policy field, for the generated reference documentation.
import { z } from 'zod';
import type { VisibilityLevel } from '../visibility.ts';
import type { ExportClass, MergeRule, Writer } from './field.ts';
import { entityNames, fieldsOf, type EntityName } from './table.ts';

export interface PolicyDocRow {
  readonly entity: EntityName;
  readonly field: string;
  readonly label: string;
  readonly description: string;
  readonly jsonSchema: unknown;
  readonly visibilityDefault: VisibilityLevel;
  readonly visibilityChoices: readonly VisibilityLevel[];
  readonly writer: Writer;
  readonly merge: MergeRule;
  readonly export: ExportClass;
  readonly replicated: boolean;
}

export function policyDocRows(): PolicyDocRow[] {
  return entityNames.flatMap((entity) =>
    Object.entries(fieldsOf(entity)).map(([name, policy]) => ({
      entity,
      field: name,
      label: policy.label,
      description: policy.description,
      jsonSchema: z.toJSONSchema(policy.schema, { io: 'input', unrepresentable: 'any' }),
      visibilityDefault: policy.visibility.default,
      visibilityChoices: policy.visibility.choices,
      writer: policy.writer,
      merge: policy.merge,
      export: policy.export,
      replicated: policy.replicated,
    })),
  );
}
