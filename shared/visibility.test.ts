// Visibility levels and viewer relations; the shared error type.
import { describe, expect, it } from 'vitest';
import { AccordError, ErrorBody, missingCase } from './errors.ts';
import {
  canRead,
  moreRestrictive,
  restrictiveness,
  viewerRelations,
  visibilityLabels,
  visibilityLevels,
  type ViewerRelation,
  type VisibilityLevel,
} from './visibility.ts';

describe('visibility', () => {
  it('orders levels from most to least exposed', () => {
    expect(visibilityLevels).toEqual(['public', 'contacts', 'private', 'owner']);
    expect(visibilityLevels.map(restrictiveness)).toEqual([0, 1, 2, 3]);
  });

  it('moreRestrictive picks the less exposing level, either way round', () => {
    for (const a of visibilityLevels) {
      for (const b of visibilityLevels) {
        const expected = visibilityLevels.indexOf(a) >= visibilityLevels.indexOf(b) ? a : b;
        expect(moreRestrictive(a, b)).toBe(expected);
        expect(moreRestrictive(b, a)).toBe(expected);
      }
    }
  });

  it('canRead matches the readable-levels table of DESIGN.md', () => {
    const expected: Record<ViewerRelation, VisibilityLevel[]> = {
      self: ['public', 'contacts', 'private', 'owner'],
      admin: ['public', 'contacts', 'private'],
      contact: ['public', 'contacts'],
      'signed-in': ['public'],
      blocked: [],
    };
    for (const relation of viewerRelations) {
      expect(visibilityLevels.filter((level) => canRead(relation, level))).toEqual(expected[relation]);
    }
  });

  it('labels every level', () => {
    for (const level of visibilityLevels) expect(visibilityLabels[level]).not.toBe('');
  });
});

describe('AccordError', () => {
  it('serialises to the one error body shape', () => {
    const withField = new AccordError('invalid_value', 'Bad phone', 'phones');
    expect(withField.toBody()).toEqual({
      error: { code: 'invalid_value', message: 'Bad phone', field: 'phones' },
    });
    expect(ErrorBody.safeParse(withField.toBody()).success).toBe(true);
    const without = new AccordError('not_found', 'Nothing here');
    expect(without.toBody()).toEqual({ error: { code: 'not_found', message: 'Nothing here' } });
    expect(without).toBeInstanceOf(Error);
    expect(without.name).toBe('AccordError');
  });

  it('missingCase throws for values the compiler thought impossible', () => {
    expect(() => missingCase('surprise' as never)).toThrow('Unhandled case: "surprise"');
  });
});
