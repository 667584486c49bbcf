// The sync panel's "not yet sent" count compares the device's fields with the newest known server
// state; an answer that arrives late must not roll that state back.
import { describe, expect, it } from 'vitest';
import { countPending, laterMasterState } from '../../renderer/sync/pending.ts';

const t = (n: number) => `00179582532377${n}-00000-dev_a`;

describe('laterMasterState', () => {
  it('keeps the newer field when an older server state arrives after a push was answered', () => {
    const pushed = {
      id: 'u1',
      displayName: 'Grace (laptop)',
      headline: 'Rear admiral',
      clocks: { displayName: t(5), headline: t(6) },
    };
    const stalePull = {
      id: 'u1',
      displayName: 'Grace',
      headline: '',
      clocks: { displayName: t(1), headline: t(1) },
    };
    const known = laterMasterState(laterMasterState(undefined, pushed), stalePull);
    expect(known).toEqual(pushed);
    expect(countPending([pushed], { docs: { u1: known } })).toBe(0);
  });

  it('takes every field the server moved forward, and fields it did not know before', () => {
    const known = { id: 'u1', displayName: 'A', clocks: { displayName: t(2) } };
    const incoming = { id: 'u1', displayName: 'B', bio: 'hi', clocks: { displayName: t(3), bio: t(1) } };
    expect(laterMasterState(known, incoming)).toEqual(incoming);
  });
});
