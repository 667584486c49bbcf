// Visibility levels and viewer relations: who may read what, ordered from most to least exposed.
import { z } from 'zod';

/** Ordered from most exposed to least exposed; the order is what "more restrictive" means. */
export const visibilityLevels = ['public', 'contacts', 'private', 'owner'] as const;
export const VisibilityLevel = z.enum(visibilityLevels);
export type VisibilityLevel = z.infer<typeof VisibilityLevel>;

/** How a viewer relates to the owner of a document. */
export const viewerRelations = ['self', 'admin', 'contact', 'signed-in', 'blocked'] as const;
export const ViewerRelation = z.enum(viewerRelations);
export type ViewerRelation = z.infer<typeof ViewerRelation>;

export function restrictiveness(level: VisibilityLevel): number {
  return visibilityLevels.indexOf(level);
}

/** The more restrictive of two levels; used when concurrent choices conflict (never widen). */
export function moreRestrictive(a: VisibilityLevel, b: VisibilityLevel): VisibilityLevel {
  return restrictiveness(a) >= restrictiveness(b) ? a : b;
}

/** The levels a viewer with this relation may read. `owner` fields are for the owner alone. */
const readableLevels: Record<ViewerRelation, readonly VisibilityLevel[]> = {
  self: ['public', 'contacts', 'private', 'owner'],
  admin: ['public', 'contacts', 'private'],
  contact: ['public', 'contacts'],
  'signed-in': ['public'],
  blocked: [],
};

export function canRead(relation: ViewerRelation, level: VisibilityLevel): boolean {
  return readableLevels[relation].includes(level);
}

export const visibilityLabels: Record<VisibilityLevel, string> = {
  public: 'Everyone signed in',
  contacts: 'My contacts',
  private: 'Only me (and administrators)',
  owner: 'Only me',
};
