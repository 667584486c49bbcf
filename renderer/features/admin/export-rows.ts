// Reads an admin export download as it arrives and hands on whole rows only, so the file never
// ends in half a row: when the connection is cut, the file holds exactly the rows received and
// the id of the last one is the `after` of the export that resumes it. A resumed download is a new
// file from the server; its head (the CSV header, the JSON envelope) is dropped and its rows are
// joined to the ones already written, so the result is one valid file.
import type { ExportFormat } from '#shared/contract/admin';

const LINE_END = '\n';

function idOfJson(text: string): string {
  const row: unknown = JSON.parse(text);
  const id = typeof row === 'object' && row !== null ? (row as { id?: unknown }).id : undefined;
  if (typeof id !== 'string') throw new Error('An exported row has no id.');
  return id;
}

/** CSV rows start with the id cell, quoted (every text cell is). */
function idOfCsvRecord(record: string): string {
  const match = /^"([^"]*)"/.exec(record) ?? /^([^,\r\n]*)/.exec(record);
  const id = match?.[1];
  if (id === undefined || id === '') throw new Error('An exported row has no id.');
  return id;
}

export class ExportRowReader {
  /** Rows handed on so far, over every part. */
  rows = 0;
  /** The id of the last row handed on: resume after it. */
  lastUserId: string | null = null;
  private pending = '';
  private decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private inHead = true;
  private headWritten = false;
  private sawEnd = false;
  // CSV scanning state: where scanning stopped in `pending`, and whether it is inside quotes.
  private scanned = 0;
  private quoted = false;

  constructor(readonly format: ExportFormat) {}

  /** A download begins: the first one, or one that resumes after `lastUserId`. */
  startPart(): void {
    this.pending = '';
    this.decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    this.inHead = this.format !== 'ndjson';
    this.sawEnd = false;
    this.scanned = 0;
    this.quoted = false;
  }

  /** Takes the next bytes; returns the text to append to the file (possibly empty). */
  push(bytes: Uint8Array): string {
    this.pending += this.decoder.decode(bytes, { stream: true });
    return this.format === 'csv' ? this.takeCsvRecords() : this.takeLines();
  }

  /** Whether the download's own ending arrived (JSON only; NDJSON and CSV have none). */
  get complete(): boolean {
    return this.format !== 'json' || this.sawEnd;
  }

  /**
   * The text that closes the file: the JSON document's end (also when rows are missing, so what
   * arrived stays valid JSON). A row cut off mid-way is left out.
   */
  closing(): string {
    return this.format === 'json' ? `${LINE_END}]}${LINE_END}` : '';
  }

  private takeLines(): string {
    const end = this.pending.lastIndexOf(LINE_END) + 1;
    if (end <= 0) return '';
    const lines = this.pending.slice(0, end).split(LINE_END);
    this.pending = this.pending.slice(end);
    let out = '';
    for (const line of lines) out += this.format === 'json' ? this.jsonLine(line) : this.ndjsonLine(line);
    return out;
  }

  private ndjsonLine(line: string): string {
    if (line.trim() === '') return '';
    this.lastUserId = idOfJson(line);
    this.rows += 1;
    return `${line}${LINE_END}`;
  }

  /** The server writes the envelope on the first line, then one row per line, then `]}`. */
  private jsonLine(line: string): string {
    const text = line.trim();
    if (text === '') return '';
    if (this.inHead) {
      this.inHead = false;
      if (this.headWritten) return '';
      this.headWritten = true;
      return text;
    }
    if (text === ']}') {
      this.sawEnd = true;
      return '';
    }
    const row = text.endsWith(',') ? text.slice(0, -1) : text;
    this.lastUserId = idOfJson(row);
    const separator = this.rows === 0 ? LINE_END : `,${LINE_END}`;
    this.rows += 1;
    return `${separator}${row}`;
  }

  /** CSV records end at a line break outside quotes; quotes inside cells are doubled. */
  private takeCsvRecords(): string {
    let out = '';
    let start = 0;
    for (let at = this.scanned; at < this.pending.length; at += 1) {
      const char = this.pending[at];
      if (char === '"') this.quoted = !this.quoted;
      else if (char === LINE_END && !this.quoted) {
        out += this.csvRecord(this.pending.slice(start, at + 1));
        start = at + 1;
      }
    }
    this.pending = this.pending.slice(start);
    this.scanned = this.pending.length;
    return out;
  }

  private csvRecord(record: string): string {
    if (record.trim() === '') return '';
    if (this.inHead) {
      this.inHead = false;
      if (this.headWritten) return '';
      this.headWritten = true;
      return record;
    }
    this.lastUserId = idOfCsvRecord(record);
    this.rows += 1;
    return record;
  }
}
