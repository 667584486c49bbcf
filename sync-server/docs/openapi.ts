// Builds the OpenAPI 3.1 document from the route contracts the server registered (never by hand).
import { z } from 'zod';
import { ErrorBody } from '#shared/errors';
import type { RouteContract } from '#shared/contract/route';
import { exampleFor } from './json-example.ts';

export interface OpenApiInfo {
  readonly version: string;
  readonly serverUrl?: string;
}

type JsonObject = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonObject;
  return rest;
}

function jsonContent(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = jsonSchema(schema, io);
  return { 'application/json': { schema: json, example: exampleFor(json) } };
}

function queryParameters(query: z.ZodType): JsonObject[] {
  const json = jsonSchema(query, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name) && !('default' in schema),
    schema,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  }));
}

function responsesOf(route: RouteContract): JsonObject {
  const responses: JsonObject = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = route.stream
      ? {
          description: 'A Server-Sent Events stream.',
          content: { 'text/event-stream': { schema: { type: 'string' }, example: 'data: "RESYNC"\n\n' } },
        }
      : { description: 'Success.', content: jsonContent(schema, 'output') };
  }
  for (const [status, description] of Object.entries(route.errors)) {
    responses[status] = { description, content: { 'application/json': { schema: ERROR_REF } } };
  }
  return responses;
}

function operationOf(route: RouteContract, name: string): JsonObject {
  const auth =
    route.auth === 'none'
      ? 'No authentication.'
      : route.auth === 'admin'
        ? 'Requires an administrator session.'
        : 'Requires a session access token (`Authorization: Bearer …`).';
  return {
    operationId: name,
    summary: route.summary,
    description: [route.description, auth].filter(Boolean).join('\n\n'),
    tags: [...route.tags],
    ...(route.auth === 'none' ? { security: [] } : { security: [{ bearer: [] }] }),
    ...(route.query ? { parameters: queryParameters(route.query) } : {}),
    ...(route.body ? { requestBody: { required: true, content: jsonContent(route.body, 'input') } } : {}),
    responses: responsesOf(route),
    'x-accord-auth': route.auth,
  };
}

/** A stable operation id from method and path, e.g. POST /api/auth/sign-in → postApiAuthSignIn. */
export function operationId(route: RouteContract): string {
  const words = `${route.method.toLowerCase()} ${route.path}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

export function buildOpenApiDocument(contracts: readonly RouteContract[], info: OpenApiInfo): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const sorted = [...contracts].sort((a, b) =>
    a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path),
  );
  for (const route of sorted) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] = {
      ...(paths[path] ?? {}),
      [route.method.toLowerCase()]: operationOf(route, operationId(route)),
    };
  }
  const tags = [...new Set(sorted.flatMap((route) => route.tags))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Accord sync server',
      version: info.version,
      description:
        'Accounts, sessions and the replication API of Accord. Every error answers `{error:{code,message,field?}}` with a 4xx status for bad input.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags,
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(ErrorBody, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token from sign-in.' },
      },
    },
  };
}
