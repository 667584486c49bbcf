// CSV for exports: RFC 4180 (CRLF records, cells with commas, quotes or line breaks quoted, quotes
// doubled) and neutralised against spreadsheet formula injection: a cell starting with = + - @,
// a tab or a carriage return (or their full-width forms) gets a leading apostrophe, as OWASP's
// "CSV Injection" advises. csv-stringify (from the maintained `csv` project) does both; it is
// used rather than a hand-written encoder because its quoting and formula rules are tested by
// many users, which is what a security-relevant encoder needs.
import { stringify } from 'csv-stringify/sync';

/** Spreadsheet programs read a UTF-8 file correctly only when it starts with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

export type CsvCell = string | number | boolean | null | undefined;

/** Encodes rows (each a list of cells) as CSV records, every string cell quoted and neutralised. */
export function csvRecords(rows: readonly (readonly CsvCell[])[]): string {
  if (rows.length === 0) return '';
  return stringify(
    rows.map((row) => [...row]),
    {
      record_delimiter: '\r\n',
      escape_formulas: true,
      quoted_string: true,
      cast: { boolean: (value) => (value ? 'true' : 'false') },
    },
  );
}

/** A value as one CSV cell: text as it is, lists and objects as JSON text, nothing as empty. */
export function csvCell(value: unknown): CsvCell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
