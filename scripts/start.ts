// `npm start`: the sync server on its embedded SQLite store (or SYNC_URL when set), in the foreground.
// The desktop app joins this script when the renderer and Electron shell land (see README).
import { spawn } from 'node:child_process';

const syncUrl = process.env.SYNC_URL;
if (syncUrl !== undefined) {
  console.log(`Using the sync server at ${syncUrl} (SYNC_URL); not starting a local one.`);
} else {
  const server = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => server.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  server.on('exit', (code) => process.exit(code ?? 0));
}
