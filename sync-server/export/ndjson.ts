// NDJSON (newline-delimited JSON, one JSON text per line): a streaming encoder for exports and a
// bounded line reader for imports. A building block for every NDJSON producer and consumer.
import type { Readable } from 'node:stream';

/** One record as one line. JSON.stringify escapes newlines inside strings, so a record never spans lines. */
export function ndjsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export type NdjsonLine =
  { readonly line: number; readonly text: string } | { readonly line: number; readonly problem: string };

export interface ReadLinesOptions {
  /** A longer line is reported as a problem and skipped without being held in memory. */
  readonly maxLineBytes: number;
}

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Splits a byte stream into lines (LF or CRLF), numbered from 1, in constant memory: at most
 * one line (up to `maxLineBytes`) is held at a time. Blank lines are skipped (their numbers count).
 * Bytes that are not UTF-8 and over-long lines come back as problems instead of text.
 */
export async function* readNdjsonLines(
  input: Readable,
  options: ReadLinesOptions,
): AsyncGenerator<NdjsonLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let line = 0;

  const finish = (): NdjsonLine | undefined => {
    line += 1;
    const bytes = Buffer.concat(parts, length);
    parts = [];
    length = 0;
    if (tooLong) {
      tooLong = false;
      return { line, problem: `the line is longer than ${options.maxLineBytes} bytes` };
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { line, problem: 'the line is not valid UTF-8' };
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.trim().length === 0 ? undefined : { line, text };
  };

  const append = (piece: Buffer) => {
    if (tooLong) return;
    if (length + piece.length > options.maxLineBytes) {
      tooLong = true;
      parts = [];
      length = 0;
      return;
    }
    parts.push(piece);
    length += piece.length;
  };

  for await (const chunk of input) {
    const buffer: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    let start = 0;
    for (let at = buffer.indexOf(NEWLINE, start); at !== -1; at = buffer.indexOf(NEWLINE, start)) {
      append(buffer.subarray(start, at));
      const out = finish();
      if (out !== undefined) yield out;
      start = at + 1;
    }
    if (start < buffer.length) append(buffer.subarray(start));
  }
  if (length > 0 || tooLong) {
    const out = finish();
    if (out !== undefined) yield out;
  }
}
