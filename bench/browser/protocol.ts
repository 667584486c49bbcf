// What the benchmark page offers to the Playwright driver (window.accordBench), and what it returns.

export interface LocalEditTimes {
  /** An edit through RxDB (stamped with the device clock) until the write is committed to IndexedDB. */
  readonly rxdb: number[];
  /** A raw Dexie put of the same document into its own table. */
  readonly dexie: number[];
  /** Dexie alone doing what RxDB's Dexie storage does per write: read the stored document, then put. */
  readonly dexieReadThenPut: number[];
  /** Accord's own work in an edit, alone: applyLocalEdit and the zod check of the stored document. */
  readonly own: number[];
}

export interface DirectorySyncTimes {
  /** The replication client's first pull of the whole directory into an empty database. */
  readonly syncMs: number;
  /** A Dexie bulkPut of the same documents into an empty table. */
  readonly bulkPutMs: number;
  /** The same documents written twice (two tables, one transaction), as RxDB stores document and meta. */
  readonly twiceMs: number;
  /** The shared zod check of every document, once (the app checks each pulled document twice). */
  readonly validateMs: number;
  readonly documents: number;
  readonly pullRequests: number;
}

export interface BenchPage {
  localEdit(rounds: number, warmUp: number): Promise<LocalEditTimes>;
  directorySync(token: string, batchSize: number, timeoutMs: number): Promise<DirectorySyncTimes>;
}

export const PAGE_GLOBAL = 'accordBench';
