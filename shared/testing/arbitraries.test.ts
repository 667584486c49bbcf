// The arbitraries themselves: every generated document and edit is valid, so properties built on
// them test the code and not the generators.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentSchemas, entityNames, replicatedFieldNames } from '../policy/table.ts';
import { SettingsDoc } from '../policy/table.ts';
import {
  arbDoc,
  arbFieldValue,
  arbIndependentScenario,
  arbRelatedScenario,
  arbVisibilityChoices,
} from './arbitraries.ts';
import { fcOptions } from './fc-config.ts';
import { VisibilityChoices } from '../entities/settings.ts';
import { policyOf } from '../policy/table.ts';

describe('test arbitraries', () => {
  it.each(entityNames)('has a value arbitrary for every replicated %s field', (entity) => {
    for (const name of replicatedFieldNames(entity)) {
      expect(() => arbFieldValue(entity, name)).not.toThrow();
    }
  });

  it.each(entityNames)('generates %s documents the document schema accepts', (entity) => {
    fc.assert(
      fc.property(arbDoc(entity), (doc) => {
        const parsed = documentSchemas[entity].safeParse(doc);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }),
      fcOptions,
    );
  });

  it.each(entityNames)('generates %s merge scenarios made of valid documents', (entity) => {
    fc.assert(
      fc.property(fc.oneof(arbRelatedScenario(entity), arbIndependentScenario(entity)), (s) => {
        for (const doc of [s.base, s.local, s.remote]) {
          if (doc === undefined) continue;
          const parsed = documentSchemas[entity].safeParse(doc);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        }
      }),
      fcOptions,
    );
  });

  it('related scenarios stamp every edit after every base clock', () => {
    fc.assert(
      fc.property(arbRelatedScenario('profile'), ({ base, local }) => {
        if (base === undefined) return;
        for (const [name, clock] of Object.entries(local.clocks)) {
          const baseClock = base.clocks[name];
          if (clock !== undefined && baseClock !== undefined && clock !== baseClock) {
            expect(clock > baseClock).toBe(true);
          }
        }
      }),
      fcOptions,
    );
  });

  it('generates visibility choices the settings schema accepts', () => {
    fc.assert(
      fc.property(arbVisibilityChoices, (choices) => {
        expect(VisibilityChoices.safeParse(choices).success).toBe(true);
        expect(policyOf('settings', 'visibility')?.schema.safeParse(choices).success).toBe(true);
        expect(SettingsDoc.shape.visibility.safeParse(choices).success).toBe(true);
      }),
      fcOptions,
    );
  });
});
