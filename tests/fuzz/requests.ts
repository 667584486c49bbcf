// Fuzz requests for one route contract: valid-looking samples from its zod schemas, and the same
// mutated (wrong types, missing and unknown keys, `__proto__`/`constructor` keys, huge strings and
// arrays, deep nesting, invalid UTF-8, wrong content types, oversized bodies) under good and bad tokens.
import fc from 'fast-check';
import { z } from 'zod';
import type { RouteContract } from '#shared/contract/route';
import { arbitraryFor, SYMBOLS, type Json, type JsonSchema } from './json-schema-arbitrary.ts';

export type Identity = 'viewer' | 'admin' | 'none' | 'forged' | 'malformed' | 'refresh-as-access';
export type Transport =
  | 'json'
  | 'proto-key'
  | 'constructor-key'
  | 'deep-nesting'
  | 'invalid-utf8'
  | 'truncated-json'
  | 'oversized'
  | 'empty-body'
  | 'text-plain'
  | 'form-encoded'
  | 'no-content-type'
  | 'json-latin1';

export interface FuzzRequest {
  /** Index of the contract in the registry (or -1 for a path no contract has). */
  readonly route: number;
  readonly method: string;
  readonly path: string;
  readonly identity: Identity;
  readonly transport: Transport;
  readonly body: Json | undefined;
  readonly query: Json | undefined;
  /** What was done to the sample, for the failure report. */
  readonly mutation: string;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
}

type Path = readonly (string | number)[];

function pathsOf(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  }
  return out;
}

function replaceAt(value: Json, path: Path, replace: (old: Json) => Json | undefined): Json {
  const [head, ...rest] = path;
  if (head === undefined) return replace(value) ?? null;
  if (Array.isArray(value) && typeof head === 'number') {
    const copy = [...value];
    const next =
      rest.length === 0 ? replace(copy[head] ?? null) : replaceAt(copy[head] ?? null, rest, replace);
    if (next === undefined) copy.splice(head, 1);
    else copy[head] = next;
    return copy;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof head === 'string') {
    const copy: Record<string, Json> = { ...value };
    const next =
      rest.length === 0 ? replace(copy[head] ?? null) : replaceAt(copy[head] ?? null, rest, replace);
    if (next === undefined) Reflect.deleteProperty(copy, head);
    else copy[head] = next;
    return copy;
  }
  return value;
}

const HUGE = 200_000;

type Mutation = { readonly name: string; readonly apply: (old: Json) => Json | undefined };

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .constantFrom<Json>(0, -1, 1e308, 'text', '', true, null, [], {}, [null], { a: 1 })
    .map((replacement) => ({
      name: `replace with ${JSON.stringify(replacement)}`,
      apply: () => replacement,
    })),
  fc.constant({ name: 'remove', apply: () => undefined }),
  fc.constant({ name: 'huge string', apply: () => 'x'.repeat(HUGE) }),
  fc.constant({ name: 'huge array', apply: () => Array.from({ length: 20_000 }, (_, i) => i) }),
  fc.constant({
    name: 'unknown keys',
    apply: (old: Json) =>
      old !== null && typeof old === 'object' && !Array.isArray(old)
        ? { ...old, unexpected: 'field', ['x'.repeat(300)]: 1 }
        : { unexpected: old },
  }),
  fc.constant({
    name: 'number as string',
    apply: (old: Json) => (typeof old === 'number' ? String(old) : 1),
  }),
  fc.constant({
    name: '__proto__ and constructor keys',
    // JSON.parse makes `__proto__` an own key, so it survives into the request body.
    apply: () =>
      JSON.parse(
        '{"__proto__":{"polluted":"nested"},"constructor":{"prototype":{"polluted":"nested"}}}',
      ) as Json,
  }),
  fc.constant({ name: 'control characters', apply: () => '\u0000\u0001\u001f\u2028\ud800' }),
  fc.constantFrom(...SYMBOLS).map((symbol) => ({ name: `a known value (${symbol})`, apply: () => symbol })),
);

/** Applies zero, one or two mutations at random places of a sample. */
function mutated(sample: fc.Arbitrary<Json>): fc.Arbitrary<{ value: Json; mutation: string }> {
  return fc
    .tuple(sample, fc.array(fc.tuple(fc.nat(), mutations), { maxLength: 2 }), fc.boolean())
    .map(([value, picks, keepValid]) => {
      if (keepValid || picks.length === 0) return { value, mutation: 'none' };
      let current = value;
      const names: string[] = [];
      for (const [at, mutation] of picks) {
        const paths = pathsOf(current);
        const path = paths[at % paths.length] ?? [];
        current = replaceAt(current, path, mutation.apply);
        names.push(`${mutation.name} at /${path.join('/')}`);
      }
      return { value: current, mutation: names.join(', ') };
    });
}

function identitiesFor(contract: RouteContract): fc.Arbitrary<Identity> {
  const bad = fc.constantFrom<Identity>('none', 'forged', 'malformed', 'refresh-as-access');
  switch (contract.auth) {
    case 'admin':
      return fc.oneof(
        { weight: 5, arbitrary: fc.constant<Identity>('admin') },
        { weight: 2, arbitrary: fc.constant<Identity>('viewer') },
        { weight: 2, arbitrary: bad },
      );
    case 'session':
      return fc.oneof(
        { weight: 7, arbitrary: fc.constant<Identity>('viewer') },
        { weight: 1, arbitrary: fc.constant<Identity>('admin') },
        { weight: 2, arbitrary: bad },
      );
    case 'none':
      return fc.oneof(
        { weight: 6, arbitrary: fc.constant<Identity>('none') },
        { weight: 2, arbitrary: fc.constant<Identity>('viewer') },
        { weight: 1, arbitrary: bad },
      );
  }
}

const transports: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Transport>('json') },
  {
    weight: 11,
    arbitrary: fc.constantFrom<Transport>(
      'proto-key',
      'constructor-key',
      'deep-nesting',
      'invalid-utf8',
      'truncated-json',
      'oversized',
      'empty-body',
      'text-plain',
      'form-encoded',
      'no-content-type',
      'json-latin1',
    ),
  },
);

const pathParam = fc.oneof(
  fc.stringMatching(/^[a-f0-9]{64}$/),
  fc.uuid(),
  fc.constantFrom('$ownerId', '$viewerId'),
  fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(3000), '__proto__', 'constructor'),
);

const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function arbitraryRequest(contract: RouteContract, route: number): fc.Arbitrary<FuzzRequest> {
  const body =
    contract.body === undefined ? fc.constant(undefined) : mutated(arbitraryFor(jsonSchemaOf(contract.body)));
  const query =
    contract.query === undefined
      ? fc.constant(undefined)
      : mutated(arbitraryFor(jsonSchemaOf(contract.query)));
  const method = fc.oneof(
    { weight: 19, arbitrary: fc.constant<string>(contract.method) },
    { weight: 1, arbitrary: fc.constantFrom<string>(...otherMethods) },
  );
  return fc
    .record({
      method,
      identity: identitiesFor(contract),
      transport: transports,
      body,
      query,
      params: fc.array(pathParam, { minLength: 3, maxLength: 3 }),
    })
    .map(({ method, identity, transport, body, query, params }) => {
      let index = 0;
      const path = contract.path.replace(/:[A-Za-z]+/g, () => params[index++ % params.length] ?? 'x');
      return {
        route,
        method,
        path,
        identity,
        transport,
        body: body?.value,
        query: query?.value,
        mutation: [body ? `body: ${body.mutation}` : '', query ? `query: ${query.mutation}` : '']
          .filter((part) => part.length > 0)
          .join('; '),
      };
    });
}

/** Paths no contract has, and odd spellings of real ones. */
export function arbitraryStrayRequest(knownPaths: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const path = fc.oneof(
    fc.constantFrom(
      '/api/nope',
      '/api/sync/unknown/pull',
      '/api/sync/profiles/delete',
      '/api//sync/profiles/pull',
      '/api/sync/profiles/pull/',
      '/API/SYNC/PROFILES/PULL',
      '/api/sync/%2e%2e/profiles/pull',
      `/api/${'a/'.repeat(500)}`,
      '/api/sync/profiles/pull%00',
    ),
    fc.constantFrom(...knownPaths).map((known) => `${known}/extra`),
    fc.webPath().map((p) => `/api${p}`),
  );
  return fc.record({
    route: fc.constant(-1),
    method: fc.constantFrom<string>(...otherMethods),
    path,
    identity: fc.constantFrom<Identity>('viewer', 'none'),
    transport: fc.constantFrom<Transport>('json', 'proto-key', 'text-plain'),
    body: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    query: fc.constant(undefined),
    mutation: fc.constant('stray path'),
  });
}
