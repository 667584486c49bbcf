// Opaque keyset cursors for admin listings: a position (timestamp, id) as base64url JSON, so
// clients cannot build or tamper with them meaningfully, and a bad one is a clear 400.
import { z } from 'zod';
import { Timestamp } from '#shared/entities/values';
import { AccordError } from '#shared/errors';

const Position = z.tuple([Timestamp, z.string().min(1).max(64)]);

export interface Position {
  readonly at: string;
  readonly id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, field = 'cursor'): Position | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const position = Position.safeParse(parsed);
  if (!position.success) {
    throw new AccordError(
      'validation_failed',
      'This cursor is not valid; start again from the first page.',
      field,
    );
  }
  return { at: position.data[0], id: position.data[1] };
}
