// A stable clock node id for this device (HLC tie-break), kept across restarts.
import { NodeId } from '#shared/hlc';

const KEY = 'accord.device-node';

export function deviceNodeId(): string {
  const stored = localStorage.getItem(KEY);
  if (stored !== null && NodeId.safeParse(stored).success) return stored;
  const random = new Uint8Array(8);
  crypto.getRandomValues(random);
  const id = `dev_${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  localStorage.setItem(KEY, id);
  return id;
}
