// RxDB JSON schemas derived from the policy table: the shape RxDB needs, every replicated field
// present, secrets absent, and generated documents valid against them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbDoc, arbVisibilityChoices, DOC_ID } from '../testing/arbitraries.ts';
import { fcOptions } from '../testing/fc-config.ts';
import { viewerRelations } from '../visibility.ts';
import { project } from './project.ts';
import { directoryRxSchema, rxdbSchema, schemaVersions, type GeneratedRxSchema } from './rxdb-schema.ts';
import { entityNames, fieldsOf, newDocument, replicatedFieldNames } from './table.ts';

type JsonSchema = Record<string, unknown>;

/**
 * A minimal JSON Schema checker for exactly the keywords the generator emits (an unknown
 * keyword fails the test, so a generator change cannot slip past unchecked). Returns the
 * first problem found, or undefined.
 */
const knownKeywords = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'maxItems',
  'maxLength',
  'pattern',
  'format',
  'enum',
  'const',
  'anyOf',
  'maximum',
  'exclusiveMinimum',
  // RxDB's own top-level keys
  'title',
  'version',
  'primaryKey',
]);

function check(schema: JsonSchema, value: unknown, path = '$'): string | undefined {
  for (const key of Object.keys(schema)) {
    if (!knownKeywords.has(key)) return `${path}: unsupported keyword ${key}`;
  }
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as JsonSchema[]).some((option) => check(option, value, path) === undefined);
    if (!ok) return `${path}: matches no anyOf option`;
  }
  if ('const' in schema && value !== schema.const) return `${path}: expected ${JSON.stringify(schema.const)}`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return `${path}: not in enum`;
  switch (schema.type) {
    case undefined:
      break;
    case 'null':
      if (value !== null) return `${path}: expected null`;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return `${path}: expected boolean`;
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
        return `${path}: expected ${schema.type}`;
      }
      if (typeof schema.maximum === 'number' && value > schema.maximum) return `${path}: above maximum`;
      if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
        return `${path}: not above exclusiveMinimum`;
      }
      break;
    case 'string':
      if (typeof value !== 'string') return `${path}: expected string`;
      if (typeof schema.maxLength === 'number' && codePoints(value) > schema.maxLength)
        return `${path}: too long`;
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
        return `${path}: does not match ${schema.pattern}`;
      }
      break;
    case 'array': {
      if (!Array.isArray(value)) return `${path}: expected array`;
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
        return `${path}: too many items`;
      for (const [i, item] of value.entries()) {
        const problem = check(schema.items as JsonSchema, item, `${path}[${i}]`);
        if (problem !== undefined) return problem;
      }
      break;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `${path}: expected object`;
      const record = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      for (const name of (schema.required ?? []) as string[]) {
        if (!Object.hasOwn(record, name)) return `${path}: missing ${name}`;
      }
      for (const [name, item] of Object.entries(record)) {
        const sub = Object.hasOwn(properties, name) ? properties[name] : undefined;
        if (sub !== undefined) {
          const problem = check(sub, item, `${path}.${name}`);
          if (problem !== undefined) return problem;
        } else if (schema.additionalProperties === false) {
          return `${path}: unexpected property ${name}`;
        } else if (typeof schema.additionalProperties === 'object') {
          const problem = check(schema.additionalProperties as JsonSchema, item, `${path}.${name}`);
          if (problem !== undefined) return problem;
        }
      }
      break;
    }
    default:
      return `${path}: unsupported type ${String(schema.type)}`;
  }
  return undefined;
}

/** JSON Schema's maxLength counts code points, not UTF-16 units. */
function codePoints(text: string): number {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}

function keysDeep(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysDeep(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.add(key);
      keysDeep(item, out);
    }
  }
  return out;
}

describe('rxdbSchema', () => {
  it.each(entityNames)('gives %s the shape RxDB needs', (entity) => {
    const schema: GeneratedRxSchema = rxdbSchema(entity);
    expect(schema.title).toBe(entity);
    expect(schema.primaryKey).toBe('id');
    expect(schema.version).toBe(schemaVersions[entity]);
    expect(Number.isInteger(schema.version) && schema.version >= 0).toBe(true);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.id).toEqual({ type: 'string', maxLength: 36 });
    expect(schema.required).toContain('id');
    expect(schema.required).toContain('clocks');
    expect(schema).not.toHaveProperty('$schema');
    const deep = keysDeep(schema);
    for (const key of ['$schema', '$ref', '$defs', 'definitions']) expect(deep.has(key)).toBe(false);
  });

  it.each(entityNames)('lists every replicated %s field, required, and no secret', (entity) => {
    const schema = rxdbSchema(entity);
    const fields = replicatedFieldNames(entity);
    expect(Object.keys(schema.properties).sort()).toEqual(['clocks', 'id', ...fields].sort());
    expect([...schema.required].sort()).toEqual(['clocks', 'id', ...fields].sort());
    for (const [name, policy] of Object.entries(fieldsOf(entity))) {
      if (!policy.replicated) expect(schema.properties).not.toHaveProperty(name);
    }
    const clocks = schema.properties.clocks as JsonSchema;
    expect(Object.keys(clocks.properties as object).sort()).toEqual([...fields].sort());
    expect(clocks.additionalProperties).toBe(false);
  });

  it('keeps top-level field names RxDB accepts', () => {
    for (const entity of entityNames) {
      for (const name of Object.keys(rxdbSchema(entity).properties)) {
        expect(name).toMatch(/^[a-zA-Z](?:[a-zA-Z0-9_]*[a-zA-Z0-9])?$/);
      }
    }
  });

  it.each(entityNames)('accepts a new %s document', (entity) => {
    expect(check(rxdbSchema(entity) as unknown as JsonSchema, newDocument(entity, DOC_ID))).toBeUndefined();
  });

  it('accepts every generated document', () => {
    const arb = fc
      .constantFrom(...entityNames)
      .chain((entity) => fc.tuple(fc.constant(entity), arbDoc(entity)));
    fc.assert(
      fc.property(arb, ([entity, doc]) => {
        expect(check(rxdbSchema(entity) as unknown as JsonSchema, doc)).toBeUndefined();
      }),
      fcOptions,
    );
  });

  it('refuses unknown fields and wrong types', () => {
    const schema = rxdbSchema('profile') as unknown as JsonSchema;
    const fresh = newDocument('profile', DOC_ID);
    expect(check(schema, { ...fresh, nickname: 'x' })).toMatch(/unexpected property nickname/);
    expect(check(schema, { ...fresh, displayName: 5 })).toMatch(/displayName: expected string/);
    expect(check(schema, { ...fresh, clocks: { displayName: 'yesterday' } })).toMatch(/does not match/);
    const withoutBio: Record<string, unknown> = { ...fresh };
    delete withoutBio.bio;
    expect(check(schema, withoutBio)).toMatch(/missing bio/);
  });
});

describe('directoryRxSchema', () => {
  it('describes projected profiles: only id and clocks required', () => {
    const schema = directoryRxSchema();
    expect(schema.title).toBe('directory');
    expect(schema.primaryKey).toBe('id');
    expect(schema.version).toBe(schemaVersions.directory);
    expect(schema.required).toEqual(['id', 'clocks']);
    expect(schema.properties.clocks).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    for (const name of replicatedFieldNames('profile')) expect(schema.properties).toHaveProperty(name);
    expect(keysDeep(schema).has('$schema')).toBe(false);
  });

  it('accepts every projection of a generated profile', () => {
    const schema = directoryRxSchema() as unknown as JsonSchema;
    fc.assert(
      fc.property(
        arbDoc('profile'),
        fc.constantFrom(...viewerRelations),
        fc.option(arbVisibilityChoices, { nil: undefined }),
        (doc, relation, choices) => {
          const projected = project('profile', doc, relation, choices);
          if (projected !== null) expect(check(schema, projected)).toBeUndefined();
        },
      ),
      fcOptions,
    );
  });
});
