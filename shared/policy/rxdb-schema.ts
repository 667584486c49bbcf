// RxDB JSON schemas generated from the zod document schemas (never written by hand).
import { z } from 'zod';
import { documentSchemas, type EntityName } from './table.ts';

/** The structural subset of RxDB's `RxJsonSchema` we produce; the renderer narrows it to RxDB's type. */
export interface GeneratedRxSchema {
  readonly title: string;
  readonly version: number;
  readonly primaryKey: 'id';
  readonly type: 'object';
  readonly properties: Record<string, unknown>;
  readonly required: string[];
  readonly additionalProperties: boolean;
}

/** Bump when a stored document shape changes; RxDB then runs the migration strategies. */
export const schemaVersions: Record<EntityName | 'directory', number> = {
  profile: 0,
  settings: 0,
  account: 0,
  directory: 0,
};

const ID_MAX_LENGTH = 36;

export function rxdbSchema(entity: EntityName): GeneratedRxSchema {
  const json = z.toJSONSchema(documentSchemas[entity], { target: 'draft-2020-12', io: 'input' }) as {
    properties: Record<string, unknown>;
    required?: string[];
  };
  return {
    title: entity,
    version: schemaVersions[entity],
    primaryKey: 'id',
    type: 'object',
    properties: { ...json.properties, id: { type: 'string', maxLength: ID_MAX_LENGTH } },
    required: json.required ?? ['id'],
    additionalProperties: false,
  };
}

/** Other users' profiles as the server projected them: every field may be absent. */
export function directoryRxSchema(): GeneratedRxSchema {
  const profile = rxdbSchema('profile');
  return {
    ...profile,
    title: 'directory',
    version: schemaVersions.directory,
    required: ['id', 'clocks'],
    properties: {
      ...profile.properties,
      clocks: { type: 'object', additionalProperties: { type: 'string' } },
    },
  };
}
