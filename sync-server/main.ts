// Entry point: load configuration, open storage, listen, and shut down gracefully on signals.
import { mkdirSync } from 'node:fs';
import { loadConfig, OWASP_ARGON2 } from './config.ts';
import { buildServer } from './app.ts';
import { openStore } from './storage/open-store.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  await store.migrate();
  const server = await buildServer({ config, store });
  const address = await server.app.listen({ port: config.port, host: config.host });
  server.app.log.info(
    { address, storage: store.dialect, dataDir: config.dataDir },
    'Accord sync server ready',
  );
  const { argon2 } = config;
  if (argon2.memoryKib < OWASP_ARGON2.memoryKib || argon2.timeCost < OWASP_ARGON2.timeCost) {
    server.app.log.warn(
      { argon2 },
      'password hashing is weaker than the OWASP parameters; use this only for tests',
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      server.app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server
      .shutdown()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
