/**
 * What a durable store has been told and not yet written — rows by table and key (the latest value
 * of each), replay entries, journal entries, settings, and a reset — kept the same way by both
 * engines (SQLite, PostgreSQL): each change replaces the one before of the same item, the unwritten
 * journal stays as bounded as the journal itself while writes fail, and a batch that could not be
 * written goes back under what changed since.
 */
import type { JournalEntry } from '../journal/journal.js';
import type { ReplayEntry } from '../protocol/replay-cache.js';
import type { Table } from './state-store.js';

export type PendingRow = { table: Table; key: string; value: unknown };

/** One write's worth of changes, taken out of the buffer. */
export interface ChangeBatch {
  pending: Map<string, PendingRow>;
  replay: Map<string, ReplayEntry | undefined>;
  journal: JournalEntry[];
  kv: Map<string, unknown>;
}

export const rowKey = (table: Table, key: string): string => `${table}\u0000${key}`;

export abstract class PendingChanges {
  protected pending = new Map<string, PendingRow>();
  protected replay = new Map<string, ReplayEntry | undefined>();
  protected journal: JournalEntry[] = [];
  protected kv = new Map<string, unknown>();
  /** A reset not yet written: done first by the next write. */
  protected clearPending = false;

  /** `journalLimit`: the journal's own bound (0: none). */
  constructor(protected readonly journalLimit: number) {}

  put(table: Table, key: string, value: unknown): void {
    this.pending.set(rowKey(table, key), { table, key, value });
  }

  putReplay(msgID: string, e: ReplayEntry | undefined): void {
    this.replay.set(msgID, e);
  }

  addJournal(e: JournalEntry): void {
    this.journal.push(e);
    // while writes fail, the unwritten journal stays as bounded as the journal itself
    if (this.journalLimit > 0 && this.journal.length > this.journalLimit * 2) this.journal.splice(0, this.journal.length - this.journalLimit);
  }

  setKv(key: string, value: unknown): void {
    this.kv.set(key, value);
  }

  get dirty(): boolean {
    return this.clearPending || this.pending.size > 0 || this.replay.size > 0 || this.journal.length > 0 || this.kv.size > 0;
  }

  /** Takes every change out, for one write. */
  protected takeChanges(): ChangeBatch {
    const b: ChangeBatch = { pending: this.pending, replay: this.replay, journal: this.journal, kv: this.kv };
    this.pending = new Map();
    this.replay = new Map();
    this.journal = [];
    this.kv = new Map();
    return b;
  }

  /** A batch that could not be written: kept for the next write, under what changed since. */
  protected giveBack(b: ChangeBatch): void {
    for (const [k, v] of b.pending) if (!this.pending.has(k)) this.pending.set(k, v);
    for (const [k, v] of b.replay) if (!this.replay.has(k)) this.replay.set(k, v);
    for (const [k, v] of b.kv) if (!this.kv.has(k)) this.kv.set(k, v);
    this.journal = [...b.journal, ...this.journal];
  }

  /** Forgets every unwritten change and asks for a reset of what is written. */
  protected forgetChanges(): void {
    this.takeChanges();
    this.clearPending = true;
  }
}
