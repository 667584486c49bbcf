// The device's hybrid logical clock: stamps local edits and observes clocks that arrive by sync.
import { ClockDriftError, HybridClock, type Hlc } from '#shared/hlc';

export interface DeviceClock {
  now(): Hlc;
  /** Observes every field clock of a pulled document. */
  observeDoc(doc: Readonly<Record<string, unknown>>): void;
}

/**
 * A clock from the server far ahead of this device means this device's clock is behind; it is
 * not adopted (that would drag local time) and `onDrift` says so. Edits still sync: the server
 * re-stamps a change whose clock sorts before the master it was made on.
 */
export function createDeviceClock(
  nodeId: string,
  physicalNow: () => number = Date.now,
  onDrift: (error: ClockDriftError) => void = () => undefined,
): DeviceClock {
  const clock = new HybridClock(nodeId, physicalNow);
  return {
    now: () => clock.now(),
    observeDoc: (doc) => {
      const clocks = doc.clocks;
      if (typeof clocks !== 'object' || clocks === null) return;
      for (const value of Object.values(clocks)) {
        if (typeof value !== 'string') continue;
        try {
          clock.observe(value);
        } catch (error) {
          if (error instanceof ClockDriftError) onDrift(error);
          else throw error;
        }
      }
    },
  };
}
