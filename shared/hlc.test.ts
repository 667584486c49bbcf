// Hybrid logical clock: format, order, tick/receive rules, drift refusal, overflow, monotonicity.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccordError } from './errors.ts';
import {
  ClockDriftError,
  compareHlc,
  formatHlc,
  Hlc,
  HybridClock,
  MAX_CLOCK_DRIFT_MS,
  maxHlc,
  parseHlc,
  receive,
  tick,
  type HlcTimestamp,
} from './hlc.ts';
import { fcOptions } from './testing/fc-config.ts';

const MAX_COUNTER = 99_999;
const T = 1_750_000_000_000;
const MINUTE = 60_000;

const arbNode = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
const arbTimestamp: fc.Arbitrary<HlcTimestamp> = fc.record({
  wall: fc.oneof(fc.integer({ min: 0, max: 10 ** 15 - 1 }), fc.integer({ min: T - 5, max: T + 5 })),
  counter: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: MAX_COUNTER })),
  node: fc.oneof(arbNode, fc.constantFrom('a', 'a_', 'b', 'A', 'Z9')),
});

/** The documented order: wall, then counter, then node id. */
function compareTuples(a: HlcTimestamp, b: HlcTimestamp): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** Whether `b` sorts strictly after `a`, checked on the tuple and on the string form. */
function strictlyAfter(a: HlcTimestamp, b: HlcTimestamp): boolean {
  return compareTuples(b, a) > 0 && compareHlc(formatHlc(b), formatHlc(a)) > 0;
}

describe('formatHlc / parseHlc', () => {
  it('formats fixed-width, valid clock strings', () => {
    expect(formatHlc({ wall: 1, counter: 2, node: 'dev_1' })).toBe('000000000000001-00002-dev_1');
    expect(formatHlc({ wall: T, counter: 0, node: 'server' })).toBe('001750000000000-00000-server');
  });

  it('round-trips every timestamp', () => {
    fc.assert(
      fc.property(arbTimestamp, (ts) => {
        const text = formatHlc(ts);
        expect(Hlc.safeParse(text).success).toBe(true);
        expect(parseHlc(text)).toEqual(ts);
      }),
      fcOptions,
    );
  });

  it('formatted strings sort like the timestamps', () => {
    fc.assert(
      fc.property(arbTimestamp, arbTimestamp, (a, b) => {
        expect(Math.sign(compareHlc(formatHlc(a), formatHlc(b)))).toBe(compareTuples(a, b));
        const sorted = [formatHlc(a), formatHlc(b)].sort();
        expect(sorted).toEqual([a, b].sort(compareTuples).map(formatHlc));
      }),
      fcOptions,
    );
  });

  it.each([
    '',
    'nope',
    '1750000000000-00000-a',
    '001750000000000-0-a',
    '001750000000000-00000-',
    'x'.repeat(500),
  ])('rejects %j with an invalid_value AccordError', (text) => {
    expect(() => parseHlc(text)).toThrow(AccordError);
    try {
      parseHlc(text);
    } catch (error) {
      expect((error as AccordError).code).toBe('invalid_value');
      expect((error as AccordError).message.length).toBeLessThan(100);
    }
  });

  it('rejects node ids containing the separator', () => {
    expect(Hlc.safeParse('001750000000000-00000-a-b').success).toBe(false);
  });
});

describe('compareHlc / maxHlc', () => {
  const a = formatHlc({ wall: T, counter: 0, node: 'a' });
  const b = formatHlc({ wall: T, counter: 0, node: 'b' });
  const later = formatHlc({ wall: T, counter: 1, node: 'a' });

  it('orders by wall, counter, then node id', () => {
    expect(compareHlc(a, b)).toBe(-1);
    expect(compareHlc(b, later)).toBe(-1);
    expect(compareHlc(later, a)).toBe(1);
    expect(compareHlc(a, a)).toBe(0);
  });

  it('maxHlc picks the later clock and treats undefined as absent', () => {
    expect(maxHlc(a, later)).toBe(later);
    expect(maxHlc(later, a)).toBe(later);
    expect(maxHlc(undefined, a)).toBe(a);
    expect(maxHlc(a, undefined)).toBe(a);
    expect(maxHlc(undefined, undefined)).toBeUndefined();
  });
});

describe('tick', () => {
  const state: HlcTimestamp = { wall: T, counter: 4, node: 'dev' };

  it('takes the physical time when it moved forward, with counter 0', () => {
    expect(tick(state, T + 10)).toEqual({ wall: T + 10, counter: 0, node: 'dev' });
  });

  it('floors fractional physical time', () => {
    expect(tick(state, T + 10.9)).toEqual({ wall: T + 10, counter: 0, node: 'dev' });
  });

  it('bumps the counter when the physical time stands still or jumps back', () => {
    expect(tick(state, T)).toEqual({ wall: T, counter: 5, node: 'dev' });
    expect(tick(state, T - MINUTE)).toEqual({ wall: T, counter: 5, node: 'dev' });
  });

  it('moves the logical wall on by 1 ms when the counter would overflow', () => {
    const full: HlcTimestamp = { wall: T, counter: MAX_COUNTER, node: 'dev' };
    const next = tick(full, T);
    expect(next).toEqual({ wall: T + 1, counter: 0, node: 'dev' });
    expect(strictlyAfter(full, next)).toBe(true);
    expect(Hlc.safeParse(formatHlc(next)).success).toBe(true);
  });
});

describe('receive', () => {
  const state: HlcTimestamp = { wall: T, counter: 3, node: 'local' };

  it('takes the physical time when it is ahead of both', () => {
    expect(receive(state, { wall: T + 1, counter: 9, node: 'remote' }, T + 5)).toEqual({
      wall: T + 5,
      counter: 0,
      node: 'local',
    });
  });

  it('continues from the larger counter when both walls are equal and ahead of physical', () => {
    expect(receive(state, { wall: T, counter: 7, node: 'remote' }, T - 100)).toEqual({
      wall: T,
      counter: 8,
      node: 'local',
    });
    expect(receive(state, { wall: T, counter: 1, node: 'remote' }, T)).toEqual({
      wall: T,
      counter: 4,
      node: 'local',
    });
  });

  it('continues from the local counter when the local wall is ahead', () => {
    expect(receive(state, { wall: T - 10, counter: 50, node: 'remote' }, T - 20)).toEqual({
      wall: T,
      counter: 4,
      node: 'local',
    });
  });

  it('continues from the remote counter when the remote wall is ahead', () => {
    expect(receive(state, { wall: T + 1000, counter: 50, node: 'remote' }, T)).toEqual({
      wall: T + 1000,
      counter: 51,
      node: 'local',
    });
  });

  it('stays monotonic when the remote counter is full', () => {
    const remote: HlcTimestamp = { wall: T, counter: MAX_COUNTER, node: 'remote' };
    const next = receive(state, remote, T);
    expect(next).toEqual({ wall: T + 1, counter: 0, node: 'local' });
    expect(strictlyAfter(remote, next)).toBe(true);
    expect(strictlyAfter(state, next)).toBe(true);
  });

  it('throws ClockDriftError for a remote more than 5 minutes ahead', () => {
    const remote: HlcTimestamp = { wall: T + MAX_CLOCK_DRIFT_MS + 1, counter: 0, node: 'remote' };
    expect(MAX_CLOCK_DRIFT_MS).toBe(5 * MINUTE);
    expect(() => receive(state, remote, T)).toThrow(ClockDriftError);
    try {
      receive(state, remote, T);
    } catch (error) {
      expect(error).toBeInstanceOf(AccordError);
      expect((error as ClockDriftError).code).toBe('clock_drift');
      expect((error as ClockDriftError).aheadMs).toBe(MAX_CLOCK_DRIFT_MS + 1);
      expect((error as ClockDriftError).message).toMatch(/300 s ahead .*at most 300 s/);
    }
  });

  it('accepts a remote exactly at the drift bound, and honours a custom bound', () => {
    const atBound: HlcTimestamp = { wall: T + MAX_CLOCK_DRIFT_MS, counter: 0, node: 'remote' };
    expect(receive(state, atBound, T).wall).toBe(T + MAX_CLOCK_DRIFT_MS);
    expect(() => receive(state, { wall: T + 1001, counter: 0, node: 'r' }, T, 1000)).toThrow(ClockDriftError);
    expect(receive(state, { wall: T + 1000, counter: 0, node: 'r' }, T, 1000).wall).toBe(T + 1000);
  });

  it('throws exactly when the remote is beyond the bound (property)', () => {
    fc.assert(
      fc.property(
        arbTimestamp,
        fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }),
        fc.integer({ min: T - MINUTE, max: T + MINUTE }),
        (local, ahead, physical) => {
          const remote: HlcTimestamp = { wall: physical + ahead, counter: 0, node: 'remote' };
          if (ahead > MAX_CLOCK_DRIFT_MS) {
            expect(() => receive(local, remote, physical)).toThrow(ClockDriftError);
          } else {
            const next = receive(local, remote, physical);
            expect(strictlyAfter(remote, next)).toBe(true);
            expect(strictlyAfter(local, next)).toBe(true);
          }
        },
      ),
      fcOptions,
    );
  });
});

type ClockStep =
  | { readonly kind: 'tick'; readonly jump: number }
  | {
      readonly kind: 'receive';
      readonly jump: number;
      readonly remoteOffset: number;
      readonly counter: number;
    };

const arbJump = fc.oneof(
  fc.integer({ min: -2, max: 2 }),
  fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }),
  fc.constant(0),
);
const arbStep: fc.Arbitrary<ClockStep> = fc.oneof(
  fc.record({ kind: fc.constant('tick' as const), jump: arbJump }),
  fc.record({
    kind: fc.constant('receive' as const),
    jump: arbJump,
    remoteOffset: fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }),
    counter: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: MAX_COUNTER - 3, max: MAX_COUNTER })),
  }),
);

describe('HybridClock', () => {
  it('validates the node id', () => {
    expect(() => new HybridClock('a-b')).toThrow();
    expect(() => new HybridClock('')).toThrow();
    expect(new HybridClock('device_1').node).toBe('device_1');
  });

  it('stamps strictly increasing values while physical time stands still', () => {
    const clock = new HybridClock('dev', () => T);
    const stamps = Array.from({ length: 5 }, () => clock.now());
    expect(stamps).toEqual([...stamps].sort());
    expect(new Set(stamps).size).toBe(5);
  });

  it('refuses a far-future remote, keeps its state and reports it with isWithinDrift', () => {
    const clock = new HybridClock('dev', () => T);
    const before = clock.now();
    const future = formatHlc({ wall: T + 6 * MINUTE, counter: 0, node: 'remote' });
    expect(clock.isWithinDrift(future)).toBe(false);
    expect(() => {
      clock.observe(future);
    }).toThrow(ClockDriftError);
    const after = clock.now();
    expect(parseHlc(after)).toEqual({ ...parseHlc(before), counter: parseHlc(before).counter + 1 });
    expect(clock.isWithinDrift(formatHlc({ wall: T + 4 * MINUTE, counter: 0, node: 'remote' }))).toBe(true);
  });

  it('sorts later stamps after an observed remote clock', () => {
    const clock = new HybridClock('dev', () => T);
    const remote = formatHlc({ wall: T + MINUTE, counter: 7, node: 'remote' });
    clock.observe(remote);
    expect(compareHlc(clock.now(), remote)).toBe(1);
  });

  it('stays monotonic under random physical clock jumps across tick and receive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: T - MINUTE, max: T + MINUTE }),
        fc.integer({ min: 0, max: MAX_COUNTER }),
        fc.array(arbStep, { minLength: 1, maxLength: 60 }),
        (start, startCounter, steps) => {
          let physical = start;
          let state: HlcTimestamp = { wall: start, counter: startCounter, node: 'local' };
          for (const step of steps) {
            physical += step.jump;
            const previous = state;
            if (step.kind === 'tick') {
              state = tick(state, physical);
            } else {
              const remote: HlcTimestamp = {
                wall: Math.max(0, physical + step.remoteOffset),
                counter: step.counter,
                node: 'remote',
              };
              if (remote.wall - physical > MAX_CLOCK_DRIFT_MS) {
                expect(() => receive(state, remote, physical)).toThrow(ClockDriftError);
                continue;
              }
              state = receive(state, remote, physical);
              expect(strictlyAfter(remote, state)).toBe(true);
            }
            expect(strictlyAfter(previous, state)).toBe(true);
            expect(state.counter).toBeLessThanOrEqual(MAX_COUNTER);
            expect(Hlc.safeParse(formatHlc(state)).success).toBe(true);
          }
        },
      ),
      fcOptions,
    );
  });

  it('a stateful clock never goes back, whatever the wall clock does', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 1, maxLength: 40 }), (steps) => {
        let physical = T;
        const clock = new HybridClock('dev', () => physical);
        let last = clock.now();
        for (const step of steps) {
          physical += step.jump;
          if (step.kind === 'receive') {
            const remote = formatHlc({
              wall: physical + step.remoteOffset,
              counter: step.counter,
              node: 'r',
            });
            if (step.remoteOffset > MAX_CLOCK_DRIFT_MS) {
              expect(() => {
                clock.observe(remote);
              }).toThrow(ClockDriftError);
            } else {
              clock.observe(remote);
              const next = clock.now();
              expect(compareHlc(next, remote)).toBe(1);
              expect(compareHlc(next, last)).toBe(1);
              last = next;
            }
          } else {
            const next = clock.now();
            expect(compareHlc(next, last)).toBe(1);
            last = next;
          }
        }
      }),
      fcOptions,
    );
  });

  it('stays monotonic through repeated counter overflow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_COUNTER - 5, max: MAX_COUNTER }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: -3, max: 0 }),
        (counter, steps, drift) => {
          let state: HlcTimestamp = { wall: T, counter, node: 'dev' };
          for (let i = 0; i < steps; i++) {
            const next = tick(state, T + drift);
            expect(strictlyAfter(state, next)).toBe(true);
            expect(next.counter).toBeLessThanOrEqual(MAX_COUNTER);
            state = next;
          }
          // The logical wall ran ahead by at most one ms per overflow.
          expect(state.wall - T).toBeLessThanOrEqual(Math.ceil(steps / (MAX_COUNTER + 1)) + 1);
        },
      ),
      fcOptions,
    );
  });

  it('never runs ahead of the largest physical or remote wall it saw (without overflow)', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 1, maxLength: 40 }), (steps) => {
        let physical = T;
        let largest = T;
        let state: HlcTimestamp = { wall: T, counter: 0, node: 'local' };
        for (const step of steps) {
          physical += step.jump;
          largest = Math.max(largest, physical);
          if (step.kind === 'tick') {
            state = tick(state, physical);
          } else {
            if (step.remoteOffset > MAX_CLOCK_DRIFT_MS) continue;
            const remoteWall = physical + step.remoteOffset;
            // Small counters only: an overflow legitimately moves the wall on by 1 ms.
            state = receive(state, { wall: remoteWall, counter: step.counter % 100, node: 'r' }, physical);
            largest = Math.max(largest, remoteWall);
          }
          expect(state.wall).toBeLessThanOrEqual(largest);
        }
      }),
      fcOptions,
    );
  });
});
