// The export reader hands on whole rows only, whatever the chunk boundaries, and joins a resumed
// download to what was written: the CSV header and the JSON envelope appear once, and the file is
// one valid document with every row once.
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ExportRowReader } from '../../renderer/features/admin/export-rows.ts';

const encoder = new TextEncoder();

/** Feeds `text` in pieces of `size` bytes (splitting characters and rows) and returns what was written. */
function feed(reader: ExportRowReader, text: string, size: number): string {
  const bytes = encoder.encode(text);
  let out = '';
  for (let at = 0; at < bytes.length; at += size) out += reader.push(bytes.subarray(at, at + size));
  return out;
}

const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
const [first = '', second = ''] = ids;

describe('export row reader', () => {
  it('NDJSON: holds back a cut row and resumes after the last whole one', () => {
    const reader = new ExportRowReader('ndjson');
    reader.startPart();
    const row1 = `${JSON.stringify({ id: first, account: { email: 'ä@example.test' } })}\n`;
    const row2 = JSON.stringify({ id: second, account: {} });
    let file = feed(reader, row1 + row2.slice(0, 10), 3);
    expect(file).toBe(row1);
    expect(reader).toMatchObject({ rows: 1, lastUserId: first });

    reader.startPart();
    file += feed(reader, `${row2}\n`, 7) + reader.closing();
    expect(file).toBe(`${row1}${row2}\n`);
    expect(reader).toMatchObject({ rows: 2, lastUserId: second });
  });

  it('CSV: a quoted line break is not a row end, and a resumed header is dropped', () => {
    const header = '\uFEFF"id","profile.bio"\r\n';
    const row1 = `"${first}","line one\r\nline ""two"", three"\r\n`;
    const row2 = `"${second}","=1+1"\r\n`;
    const reader = new ExportRowReader('csv');
    reader.startPart();
    let file = feed(reader, header + row1 + row2.slice(0, 20), 5);
    expect(reader).toMatchObject({ rows: 1, lastUserId: first });

    reader.startPart();
    file += feed(reader, header + row2, 4) + reader.closing();
    expect(file).toBe(header + row1 + row2);
    const records = parse<Record<string, string>>(file, { bom: true, columns: true });
    expect(records.map((record) => record.id)).toEqual(ids);
    expect(records[0]?.['profile.bio']).toBe('line one\r\nline "two", three');
  });

  it('JSON: the resumed rows continue the first document, which stays valid', () => {
    const envelope = (after: string | null) =>
      `{"format":"accord-users-export","version":1,"exportedAt":"2026-01-01T00:00:00.000Z","filter":{},"after":${JSON.stringify(after)},"users":[`;
    const row = (id: string) => JSON.stringify({ id, account: {}, profile: {}, settings: {} });
    const reader = new ExportRowReader('json');
    reader.startPart();
    let file = feed(reader, `${envelope(null)}\n${row(first)},\n${row(second).slice(0, 15)}`, 6);
    expect(reader.complete).toBe(false);
    expect(reader.lastUserId).toBe(first);

    reader.startPart();
    file += feed(reader, `${envelope(first)}\n${row(second)}\n]}\n`, 11);
    expect(reader.complete).toBe(true);
    file += reader.closing();
    const document = JSON.parse(file) as { after: string | null; users: { id: string }[] };
    expect(document.after).toBeNull();
    expect(document.users.map((user) => user.id)).toEqual(ids);
  });

  it('JSON: keeping what arrived still closes the document', () => {
    const reader = new ExportRowReader('json');
    reader.startPart();
    const text = `{"format":"accord-users-export","users":[\n${JSON.stringify({ id: first })},\n{"id":"0000`;
    const file = feed(reader, text, 8) + reader.closing();
    expect((JSON.parse(file) as { users: unknown[] }).users).toEqual([{ id: first }]);
  });
});
