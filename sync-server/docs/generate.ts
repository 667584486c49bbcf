// Renders every generated document from a server's registered contracts (used by `npm run docs`
// and by the staleness test, so both see exactly the same text).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openStore } from '../storage/open-store.ts';
import { renderArchitecture } from './architecture.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { packageVersion } from './serve.ts';
import { renderSyncGuide } from './sync-guide.ts';
import { renderUserManagement } from './user-management.ts';

export interface GeneratedDocs {
  readonly 'openapi.json': string;
  readonly 'USER_MANAGEMENT.md': string;
  readonly 'SYNC.md': string;
  readonly 'ARCHITECTURE.md': string;
}

/** Builds a throwaway server (temp SQLite, never listening) to read the routes it registers. */
export async function generateDocs(): Promise<GeneratedDocs> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'accord-docs-'));
  try {
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      APP_DIR: path.join(dataDir, 'no-app'),
    });
    const store = await openStore({ dataDir });
    await store.migrate();
    const server = await buildServer({ config, store, logger: false });
    const contracts = [...server.registry.contracts];
    await server.shutdown();
    const openapi = buildOpenApiDocument(contracts, { version: packageVersion() });
    return {
      'openapi.json': `${JSON.stringify(openapi, null, 2)}\n`,
      'USER_MANAGEMENT.md': renderUserManagement(contracts),
      'SYNC.md': renderSyncGuide(),
      'ARCHITECTURE.md': renderArchitecture(),
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
