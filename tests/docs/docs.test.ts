// The generated docs are complete, valid and never stale.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyDocRows } from '#shared/policy/doc-rows';
import { invariantTestFiles } from '../../sync-server/docs/sync-guide.ts';
import { DOCS_DIR, renderFormattedDocs } from '../../scripts/render-docs.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let generated: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  generated = await renderFormattedDocs();
});
afterAll(async () => {
  await server.stop();
});

/** Infrastructure routes that are not part of the API: CORS preflight, HEAD, the docs UI. */
function isApiRoute(route: { method: string; url: string }): boolean {
  return (
    route.method !== 'HEAD' &&
    route.method !== 'OPTIONS' &&
    !route.url.startsWith('/docs') &&
    route.url !== '/*'
  );
}

describe('OpenAPI', () => {
  it('lists every route the server registers, with request and response schemas', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; responses: Record<string, { content?: unknown }> }>
      >;
    };
    const apiRoutes = server.server.routes.filter(isApiRoute);
    expect(apiRoutes.length).toBeGreaterThan(10);
    for (const route of apiRoutes) {
      const operation =
        document.paths[route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url} is missing from the OpenAPI document`).toBeDefined();
      const success = Object.entries(operation?.responses ?? {}).filter(([status]) => status.startsWith('2'));
      expect(success.length, `${route.method} ${route.url} has no success response`).toBeGreaterThan(0);
      for (const [, response] of success) expect(response.content).toBeDefined();
      if (
        route.method === 'POST' &&
        server.server.registry.contracts.some((c) => c.path === route.url && c.body)
      ) {
        expect(operation?.requestBody).toBeDefined();
      }
    }
  });

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      JSON.parse(generated['openapi.json'] ?? '{}') as Parameters<Validator['validate']>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});

describe('USER_MANAGEMENT.md', () => {
  const text = () => generated['USER_MANAGEMENT.md'] ?? '';

  it('documents every field of the policy table under its entity', () => {
    for (const row of policyDocRows()) {
      const section =
        text().split(`## ${row.entity.charAt(0).toUpperCase()}${row.entity.slice(1)} data`)[1] ?? '';
      expect(section, `${row.entity}.${row.field}`).toContain(`\`${row.field}\``);
    }
  });

  it('has every heading of the checklist, each with content', () => {
    const headings = [
      'Account management',
      'Registration endpoints',
      'Profile endpoints',
      'Settings endpoints',
      'Deletion and recovery endpoints',
      'Profile management',
      'Preferences endpoints',
      'Avatar endpoints',
      'Contact endpoints',
      'Privacy endpoints',
      'Account settings',
      'Notification endpoints',
      'Security endpoints',
      'Privacy settings endpoints',
      'Preference endpoints',
      'Integration endpoints',
      'Profile data',
      'Account data',
      'Settings data',
      'Data structure',
      'Update endpoints',
      'Validation rules',
      'Privacy rules',
      'Access control',
      'Operations',
      'Account operations',
      'Creation',
      'Update',
      'Deletion',
      'Recovery',
      'Verification',
      'Profile and settings operations',
      'Retrieval',
      'Validation',
      'Privacy',
      'Access',
    ];
    const lines = text().split('\n');
    for (const heading of headings) {
      const index = lines.findIndex((line) => /^#{2,4} /.test(line) && line.replace(/^#+ /, '') === heading);
      expect(index, `heading "${heading}"`).toBeGreaterThanOrEqual(0);
      const next = lines.slice(index + 1).find((line) => line.trim() !== '');
      expect(next, `content under "${heading}"`).toBeDefined();
    }
  });
});

describe('committed docs', () => {
  it('equal what the code generates (run `npm run docs` after changing contracts or the policy table)', () => {
    for (const [name, text] of Object.entries(generated)) {
      const file = path.join(DOCS_DIR, name);
      expect(existsSync(file), `${file} is missing`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${file} is stale`).toBe(text);
    }
  });

  it('name only test files that exist', () => {
    for (const file of invariantTestFiles) expect(existsSync(file), file).toBe(true);
  });
});
