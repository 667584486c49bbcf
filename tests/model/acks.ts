// I2 from the wire: which field values the server acknowledged (its answer to a push holds the
// pushed value), and the check that each survives unless a later acknowledged edit replaced it.
import { expect } from 'vitest';
import { deepEqual } from '#shared/canonical';
import { compareHlc } from '#shared/hlc';
import { fieldsOf, replicatedFieldNames } from '#shared/policy/table';
import type { ExchangeLog } from '../helpers/delivery.ts';
import type { Docs, Entity } from './model.ts';

export interface Ack {
  readonly order: number;
  readonly entity: Entity;
  readonly field: string;
  readonly value: unknown;
  readonly clock: string | undefined;
}

const entityOf: Record<string, Entity> = { profiles: 'profile', settings: 'settings' };

/**
 * A push acknowledges a field when the server's answer holds the pushed value and that value is
 * a change from the master the device assumed: no conflict in the answer means it stored the
 * document as pushed; a conflict carries what it holds now.
 */
export function acknowledged(log: ExchangeLog, ownerId: string): Ack[] {
  const acks: Ack[] = [];
  for (const exchange of log.exchanges) {
    const entity = entityOf[exchange.collection];
    if (entity === undefined || exchange.status !== 200 || exchange.reply === undefined) continue;
    for (const row of exchange.rows) {
      const pushed = row.newDocumentState;
      if (pushed.id !== ownerId) continue;
      const stored = exchange.reply.conflicts.find((doc) => doc.id === pushed.id) ?? pushed;
      const clocks = (stored.clocks ?? {}) as Record<string, string>;
      for (const field of replicatedFieldNames(entity)) {
        if (!deepEqual(stored[field], pushed[field])) continue;
        if (deepEqual(pushed[field], row.assumedMasterState?.[field])) continue;
        acks.push({ order: exchange.order, entity, field, value: pushed[field], clock: clocks[field] });
      }
    }
  }
  return acks.sort((a, b) => a.order - b.order);
}

interface Element {
  readonly id: string;
  readonly at: string;
}

/** I2: the last acknowledged value of each field is what the server holds; elements only move on. */
export function expectNoLostWrites(acks: readonly Ack[], final: Docs): void {
  const byField = new Map<string, Ack[]>();
  for (const ack of acks) {
    const key = `${ack.entity}.${ack.field}`;
    byField.set(key, [...(byField.get(key) ?? []), ack]);
  }
  for (const [key, chain] of byField) {
    const last = chain.at(-1);
    if (last === undefined) continue;
    const now = final[last.entity][last.field];
    expect(now, `I2: ${key} no longer holds its last acknowledged value`).toEqual(last.value);
    const policy = fieldsOf(last.entity)[last.field];
    if (policy?.merge === 'set') {
      const finalById = new Map((now as Element[]).map((element) => [element.id, element]));
      for (const ack of chain) {
        for (const element of ack.value as Element[]) {
          const kept = finalById.get(element.id);
          expect(kept, `I2: ${key} lost the acknowledged element ${element.id}`).toBeDefined();
          if (kept !== undefined) {
            expect(
              compareHlc(kept.at, element.at),
              `I2: ${key} element ${element.id} went back to an older state`,
            ).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
    if (policy?.merge === 'lww') {
      for (let i = 1; i < chain.length; i += 1) {
        const before = chain[i - 1];
        const after = chain[i];
        if (before?.clock === undefined || after?.clock === undefined) continue;
        if (deepEqual(before.value, after.value)) continue;
        expect(
          compareHlc(after.clock, before.clock),
          `I2: ${key} was replaced by an edit with an older clock`,
        ).toBe(1);
      }
    }
  }
}
