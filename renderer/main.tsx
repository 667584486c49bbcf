// Entry point: styles, the account manager (boots the last account, offline too) and the React root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AccountManager } from './app/account-manager.ts';
import { App } from './app/app.tsx';
import './ui/tokens.css';
import './ui/base.css';
import './ui/components.css';
import './app/app.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');
const manager = new AccountManager();
createRoot(container).render(
  <StrictMode>
    <App manager={manager} />
  </StrictMode>,
);
void manager.boot();

// The browser build keeps its files in a service worker so it opens offline; Electron loads from disk.
if (import.meta.env.PROD && 'serviceWorker' in navigator && /^https?:$/.test(window.location.protocol)) {
  navigator.serviceWorker
    .register('./sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      document.documentElement.dataset.offlineReady = 'true';
    })
    .catch(() => undefined);
}
