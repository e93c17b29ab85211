/**
 * The one interface the runtime keeps durable state through, and the engines behind it: none
 * (memory, the default), SQLite (`--data DIR`, src/store/sqlite-store.ts) and PostgreSQL
 * (`--store postgres://…`, src/store/pg-store.ts). The protocol layer never sees past the ledger:
 * the runtime follows its changes (put…) and writes them (flush) before each answer and after each
 * timer.
 */
import type { JournalEntry } from '../journal/journal.js';
import type { LedgerBacking, LedgerSnapshot } from '../protocol/ledger.js';
import type { ReplayEntry } from '../protocol/replay-cache.js';

export type Table = 'orders' | 'contracts' | 'issuer' | 'notices';
export const TABLES: readonly Table[] = ['orders', 'contracts', 'issuer', 'notices'];

export interface StoredState {
  ledger: LedgerSnapshot;
  replay: [string, ReplayEntry][];
  journal: JournalEntry[];
  kv: Record<string, unknown>;
}

/** Tables read page by page from the store itself (SQLite: orders past orderLimit live only there). */
export interface PagedTables {
  page(table: Table, afterRow: number, limit: number): { row: number; value: string }[];
  count(table: Table): number;
}

export interface StateStore {
  readonly engine: 'sqlite' | 'postgres';
  /** What was stored when the sandbox started. */
  load(): StoredState;
  /** Where the ledger finds what memory no longer holds (undefined: memory holds everything). */
  backing(): LedgerBacking | undefined;
  /** Tables the control API pages through in the store (undefined: memory has them all). */
  readonly paged: PagedTables | undefined;
  put(table: Table, key: string, value: unknown): void;
  putReplay(msgID: string, e: ReplayEntry | undefined): void;
  addJournal(e: JournalEntry): void;
  setKv(key: string, value: unknown): void;
  readonly dirty: boolean;
  /**
   * Writes everything changed since the last flush in one transaction (SQLite: synchronously).
   * When it cannot: UcspError `unavailable`, and the changes are kept for the next flush.
   */
  flush(): void | Promise<void>;
  /** Forgets everything (control API reset). */
  clear(): void | Promise<void>;
  close(): void | Promise<void>;
  /** Why the store cannot take requests now (readyz), or undefined when it can. */
  notReady(): Promise<string | undefined>;
}
