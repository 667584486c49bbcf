// Example values for JSON Schemas, so every documented request and response shows a concrete body.
// Hand-written: the generators we could use (json-schema-faker) produce random data, and the
// reference must be stable so the committed docs do not change from run to run.

type Schema = Readonly<Record<string, unknown>>;

const MAX_DEPTH = 6;

export function exampleFor(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > MAX_DEPTH) return null;
  const s = schema as Schema;
  if ('examples' in s && Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const options = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(options) && options.length > 0) {
    const nonNull = options.find((o) => (o as Schema).type !== 'null');
    return exampleFor(nonNull ?? options[0], depth + 1);
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return exampleFor(s.allOf[0], depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return objectExample(s, depth);
    case 'array':
      return 'items' in s && (typeof s.minItems !== 'number' || s.minItems <= 1)
        ? [exampleFor(s.items, depth + 1)]
        : Array.from({ length: typeof s.minItems === 'number' ? s.minItems : 1 }, () =>
            exampleFor(s.items, depth + 1),
          );
    case 'string':
      return stringExample(s);
    case 'integer':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return null;
  }
}

function objectExample(s: Schema, depth: number): Record<string, unknown> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    // Optional clocks and similar maps would bloat examples; required fields are always shown.
    if (!required.has(name) && depth > 1) continue;
    out[name] = exampleFor(property, depth + 1);
  }
  return out;
}

const byFormat: Record<string, string> = {
  email: 'ann@example.com',
  uuid: '3f2b7c1e-8d4a-4e6b-9c0d-1a2b3c4d5e6f',
  'date-time': '2026-11-27T12:00:00.000Z',
  date: '1990-04-01',
  uri: 'https://example.com/',
  url: 'https://example.com/',
};

const byPattern: readonly [RegExp, string][] = [
  [/\\d\{15\}/, '001795812870743-00000-dev_laptop'],
  [/\^\\d\{6\}\$/, '123456'],
  [/\[a-z\]\{3\}_/, 'acc_9Xk2mP4qR7sT1uV3wY5zA8bC0dE6fG'],
  [/\^\\\+\[1-9\]/, '+14155550123'],
  [/\[A-Z\]\{2\}/, 'DE'],
  [/\[a-f0-9\]\{64\}/, 'a'.repeat(64)],
  [/\[a-z0-9\]\{5\}-/, 'abcde-12345'],
  [/\(\[01\]\\d\|2\[0-3\]\)/, '22:00'],
];

function stringExample(s: Schema): string {
  if (typeof s.format === 'string' && byFormat[s.format]) return byFormat[s.format] ?? 'text';
  if (typeof s.pattern === 'string') {
    for (const [test, value] of byPattern) if (test.test(s.pattern)) return value;
  }
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  return 'text'.padEnd(Math.max(min, 4), 'x');
}
