// A small generator of values from JSON Schema (what z.toJSONSchema makes of a route's body and
// query schemas): valid-looking samples the fuzzer then sends as they are or mutates.
// Strings that name things the server knows (ids, tokens, emails) come from a symbolic pool that
// the fuzzer resolves per request, so "valid" samples reach past the first lookups.
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly prefixItems?: readonly JsonSchema[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly enum?: readonly Json[];
  readonly const?: Json;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
}

/** Placeholders resolved at send time (a real user id, a real token, ...). */
export const SYMBOLS = [
  '$ownerId',
  '$viewerId',
  '$viewerEmail',
  '$viewerPassword',
  '$viewerRefresh',
  '$viewerSession',
  '$ownerEmail',
] as const;
export type SymbolName = (typeof SYMBOLS)[number];

const symbol = fc.constantFrom<string>(...SYMBOLS);

/**
 * Loopback and private addresses only: a generated URL (webhooks) must never make the server
 * resolve a name or reach past this machine.
 */
const safeUrl = fc
  .tuple(
    fc.constantFrom('https://127.0.0.1', 'https://10.0.0.1', 'http://127.0.0.1:9', 'https://[::1]'),
    fc.webPath(),
  )
  .map(([origin, path]) => `${origin}${path}`);

const FORMAT: Record<string, fc.Arbitrary<string>> = {
  email: fc.oneof(
    fc.nat({ max: 1_000_000 }).map((n) => `fuzz${n}@example.test`),
    fc.constantFrom('$viewerEmail', '$ownerEmail'),
  ),
  uuid: fc.oneof(fc.uuid(), fc.constantFrom('$ownerId', '$viewerId')),
  uri: safeUrl,
  url: safeUrl,
  date: fc
    .date({ min: new Date('1901-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  'date-time': fc
    .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  time: fc.constantFrom('00:00', '12:30', '23:59'),
};

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  const name = ref.replace(/^#\/\$defs\//, '');
  if (ref === '#') return root;
  const found = root.$defs?.[name];
  if (found === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return found;
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const format = schema.format === undefined ? undefined : FORMAT[schema.format];
  if (format !== undefined) return format;
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 24, min + 24));
  if (schema.pattern !== undefined) {
    try {
      const matching = fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((s) => s.length <= (schema.maxLength ?? 10_000));
      return fc.oneof({ weight: 4, arbitrary: matching }, { weight: 1, arbitrary: symbol });
    } catch {
      // A pattern the generator cannot read: plain strings will do (they test the refusal).
    }
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: max }) },
    { weight: 1, arbitrary: symbol },
  );
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.minimum ?? (schema.exclusiveMinimum === undefined ? -1000 : schema.exclusiveMinimum + 1);
  const high = schema.maximum ?? (schema.exclusiveMaximum === undefined ? 1000 : schema.exclusiveMaximum - 1);
  const min = Math.max(low, -1e9);
  const max = Math.max(min, Math.min(high, 1e9));
  return integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Values the schema accepts (as far as JSON Schema can say; zod refinements may still refuse). */
export function arbitraryFor(schema: JsonSchema, root: JsonSchema = schema, depth = 0): fc.Arbitrary<Json> {
  if (depth > 6) return fc.constant(null);
  if (schema.$ref !== undefined) return arbitraryFor(resolveRef(schema.$ref, root), root, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((alternative) => arbitraryFor(alternative, root, depth + 1)));
  }
  if (schema.allOf !== undefined && schema.allOf.length > 0) {
    const merged = schema.allOf.reduce<JsonSchema>(
      (all, part) => ({
        ...all,
        ...part,
        properties: { ...all.properties, ...part.properties },
        required: [...(all.required ?? []), ...(part.required ?? [])],
      }),
      {},
    );
    return arbitraryFor(merged, root, depth + 1);
  }
  const types =
    schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (types.length > 1) {
    return fc.oneof(...types.map((type) => arbitraryFor({ ...schema, type }, root, depth)));
  }
  switch (types[0]) {
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [name, property] of Object.entries(properties))
        model[name] = arbitraryFor(property, root, depth + 1);
      return fc.record(model, {
        requiredKeys: [...required].filter((name) => Object.hasOwn(properties, name)),
      });
    }
    case 'array': {
      if (schema.prefixItems !== undefined) {
        return fc.tuple(...schema.prefixItems.map((item) => arbitraryFor(item, root, depth + 1)));
      }
      const min = schema.minItems ?? 0;
      const max = Math.max(min, Math.min(schema.maxItems ?? 3, min + 3));
      return fc.array(arbitraryFor(schema.items ?? {}, root, depth + 1), { minLength: min, maxLength: max });
    }
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}
