// Operational routes: liveness and readiness.
import { z } from 'zod';
import { defineRoute } from './route.ts';

export const systemRoutes = {
  healthz: defineRoute({
    method: 'GET',
    path: '/healthz',
    auth: 'none',
    summary: 'Liveness: the process answers',
    tags: ['system'],
    responses: { 200: z.object({ status: z.literal('ok') }) },
    errors: {},
  }),
  readyz: defineRoute({
    method: 'GET',
    path: '/readyz',
    auth: 'none',
    summary: 'Readiness: the database answers and the server is not shutting down',
    tags: ['system'],
    responses: { 200: z.object({ status: z.literal('ready'), storage: z.enum(['sqlite', 'postgres']) }) },
    errors: { 503: 'The database does not answer or the server is shutting down.' },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document (the interactive reference is at /docs)',
    tags: ['system'],
    responses: { 200: z.looseObject({ openapi: z.literal('3.1.0') }) },
    errors: {},
  }),
} as const;
