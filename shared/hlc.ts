// Hybrid logical clock: per-field timestamps that stay monotonic when the wall clock jumps back
// and serialise to strings whose lexicographic order is their causal/time order.
import { z } from 'zod';
import { AccordError } from './errors.ts';

export const MAX_CLOCK_DRIFT_MS = 5 * 60 * 1000;
const WALL_DIGITS = 15;
const COUNTER_DIGITS = 5;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;

export const NodeId = z.string().regex(/^[A-Za-z0-9_]{1,40}$/, 'node id: 1–40 letters, digits or _');
/** The text form of a clock: wall time, counter, node id (see formatHlc). */
export const HLC_PATTERN = /^\d{15}-\d{5}-[A-Za-z0-9_]{1,40}$/;
export const Hlc = z.string().regex(HLC_PATTERN, 'expected a hybrid logical clock string');
export type Hlc = z.infer<typeof Hlc>;

export interface HlcTimestamp {
  readonly wall: number;
  readonly counter: number;
  readonly node: string;
}

export function formatHlc(ts: HlcTimestamp): Hlc {
  const wall = String(ts.wall).padStart(WALL_DIGITS, '0');
  const counter = String(ts.counter).padStart(COUNTER_DIGITS, '0');
  return `${wall}-${counter}-${ts.node}`;
}

export function parseHlc(value: string): HlcTimestamp {
  const parsed = Hlc.safeParse(value);
  if (!parsed.success) throw new AccordError('invalid_value', `Not a clock value: ${value.slice(0, 64)}`);
  const [wall, counter, node] = parsed.data.split('-') as [string, string, string];
  return { wall: Number(wall), counter: Number(counter), node };
}

/** Total order: wall time, then counter, then node id (the deterministic tie-break). */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxHlc(a: Hlc | undefined, b: Hlc | undefined): Hlc | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareHlc(a, b) >= 0 ? a : b;
}

/** The timestamp after `state` for a local event at physical time `physical`. */
export function tick(state: HlcTimestamp, physical: number): HlcTimestamp {
  const wall = Math.max(state.wall, Math.floor(physical));
  if (wall > state.wall) return { wall, counter: 0, node: state.node };
  return bump(state.wall, state.counter, state.node);
}

/**
 * The state after observing `remote` at physical time `physical`. A remote clock more than
 * `maxDriftMs` ahead of our wall clock is refused: accepting it would drag every later
 * timestamp into the future and let one bad device win every conflict.
 */
export function receive(
  state: HlcTimestamp,
  remote: HlcTimestamp,
  physical: number,
  maxDriftMs = MAX_CLOCK_DRIFT_MS,
): HlcTimestamp {
  const now = Math.floor(physical);
  if (remote.wall - now > maxDriftMs) throw new ClockDriftError(remote.wall - now, maxDriftMs);
  const wall = Math.max(state.wall, remote.wall, now);
  if (wall === state.wall && wall === remote.wall) {
    return bump(wall, Math.max(state.counter, remote.counter), state.node);
  }
  if (wall === state.wall) return bump(wall, state.counter, state.node);
  if (wall === remote.wall) return bump(wall, remote.counter, state.node);
  return { wall, counter: 0, node: state.node };
}

function bump(wall: number, counter: number, node: string): HlcTimestamp {
  // On counter overflow move the logical wall on by 1 ms: still monotonic, format unchanged.
  if (counter >= MAX_COUNTER) return { wall: wall + 1, counter: 0, node };
  return { wall, counter: counter + 1, node };
}

export class ClockDriftError extends AccordError {
  constructor(
    readonly aheadMs: number,
    readonly maxDriftMs: number,
  ) {
    super(
      'clock_drift',
      `A clock is ${Math.round(aheadMs / 1000)} s ahead of this one (at most ${Math.round(maxDriftMs / 1000)} s allowed); check the device's date and time.`,
    );
  }
}

/** A stateful clock for one node (device or server). `physicalNow` is injectable for tests. */
export class HybridClock {
  private state: HlcTimestamp;

  constructor(
    node: string,
    private readonly physicalNow: () => number = Date.now,
    private readonly maxDriftMs = MAX_CLOCK_DRIFT_MS,
  ) {
    this.state = { wall: 0, counter: 0, node: NodeId.parse(node) };
  }

  get node(): string {
    return this.state.node;
  }

  /** A fresh timestamp for a local change. */
  now(): Hlc {
    this.state = tick(this.state, this.physicalNow());
    return formatHlc(this.state);
  }

  /** Observe a clock from elsewhere so later local stamps sort after it. */
  observe(remote: Hlc): void {
    this.state = receive(this.state, parseHlc(remote), this.physicalNow(), this.maxDriftMs);
  }

  /** Whether a remote clock is within the drift bound, without observing it. */
  isWithinDrift(remote: Hlc): boolean {
    return parseHlc(remote).wall - this.physicalNow() <= this.maxDriftMs;
  }
}
