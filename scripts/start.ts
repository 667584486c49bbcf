// `npm start`: the sync server on its embedded SQLite store (or SYNC_URL when set), in the foreground,
// then the desktop app against it — or, without an Electron binary, the URL of the same UI in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startDesktop, waitForServer } from '../electron/scripts/launch.ts';

const reportDesktopFailure = (error: unknown) => {
  console.error(
    `The desktop app could not be started: ${error instanceof Error ? error.message : String(error)}`,
  );
};

/** The server (and the desktop app) serve the built UI from renderer/dist: build it when it is missing. */
function ensureRendererBuilt(): void {
  if (process.env.APP_DIR !== undefined || existsSync('renderer/dist/index.html')) return;
  console.log('Building the app into renderer/dist (first start)…');
  const build = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) console.error('The app build failed; the server starts without the UI.');
}

ensureRendererBuilt();
const syncUrl = process.env.SYNC_URL;
if (syncUrl !== undefined) {
  console.log(`Using the sync server at ${syncUrl} (SYNC_URL); not starting a local one.`);
  startDesktop({ syncUrl: syncUrl.replace(/\/+$/, '') }).catch(reportDesktopFailure);
} else {
  const server = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => server.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  server.on('exit', (code) => process.exit(code ?? 0));
  // The server's own address (PORT=0 picks a random one; then the desktop app is not started).
  const port = process.env.PORT ?? '8787';
  if (port !== '0') {
    const localUrl = `http://${process.env.HOST ?? '127.0.0.1'}:${port}`;
    waitForServer(localUrl)
      .then(() => startDesktop({ syncUrl: localUrl, onExit: () => server.kill('SIGTERM') }))
      .catch(reportDesktopFailure);
  }
}
