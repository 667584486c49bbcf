// A name for this device in the sessions list, e.g. "Chrome on Linux" or "Accord desktop on darwin".
import { invoke } from '../platform/bridge.ts';

function browserName(agent: string): string {
  if (/Edg\//.test(agent)) return 'Edge';
  if (/Firefox\//.test(agent)) return 'Firefox';
  if (/Chrom(e|ium)\//.test(agent)) return 'Chromium';
  if (/Safari\//.test(agent)) return 'Safari';
  return 'Browser';
}

function platformName(agent: string): string {
  if (/Windows/.test(agent)) return 'Windows';
  if (/Mac OS X|Macintosh/.test(agent)) return 'macOS';
  if (/Android/.test(agent)) return 'Android';
  if (/Linux/.test(agent)) return 'Linux';
  return 'an unknown system';
}

export async function deviceName(): Promise<string> {
  const agent = navigator.userAgent;
  try {
    const info = await invoke('app:info', {});
    if (info.shell === 'electron') return `Accord desktop on ${info.platform}`;
  } catch {
    // Fall through to the browser's own description.
  }
  return `${browserName(agent)} on ${platformName(agent)}`;
}
