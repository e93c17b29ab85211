/**
 * Durable state (`--data DIR`): orders, refunds and cancellations, contracts, issuer transactions,
 * notices with their retry position, the msgID replay cache, the journal, the clock and counters,
 * in embedded SQLite (better-sqlite3, loaded only when used).
 *
 * Changes are collected as they happen and written in one transaction at the end of each unit of
 * work — before an answer is sent, after each timer — so whatever the partner was told survives a
 * SIGKILL. WAL with synchronous=NORMAL: a process crash loses nothing; a power cut may lose the
 * last transactions (the sandbox is a test tool; no fsync per request).
 *
 * A write that fails (the disk is full, the folder went away) is said here and only here, as a
 * UcspError of kind `unavailable`: what was to be written is kept and written by the next flush
 * that succeeds, so the sandbox goes on where it was once the disk has room again.
 *
 * The data holds the partner's orders and the test users' mobiles: a folder the store makes is
 * 0700, and its files (the database, its WAL and shared memory, which SQLite gives the
 * database's own mode) are 0600.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { UcspError } from '../errors/index.js';
import type { JournalEntry } from '../journal/journal.js';
import type { AnyOrder, LedgerBacking } from '../protocol/ledger.js';
import type { IssuerTxn } from '../protocol/issuer-rules.js';
import type { NoticeRecord } from '../protocol/notice-machine.js';
import type { ReplayEntry } from '../protocol/replay-cache.js';
import { PendingChanges, rowKey } from './pending-changes.js';
import { TABLES, type PagedTables, type StateStore, type StoredState, type Table } from './state-store.js';

export type { StoredState, Table } from './state-store.js';

const require = createRequire(import.meta.url);

export class SqliteStore extends PendingChanges implements StateStore, PagedTables {
  readonly engine = 'sqlite' as const;
  private readonly db: BetterSqlite3.Database;
  private readonly flushTx: () => void;
  private readonly clearAll: () => void;
  readonly file: string;

  constructor(
    private readonly dir: string,
    journalLimit: number,
  ) {
    super(journalLimit);
    let Database: typeof BetterSqlite3;
    try {
      Database = require('better-sqlite3') as typeof BetterSqlite3;
    } catch (e) {
      throw new UcspError('usage', `--data needs better-sqlite3, which could not be loaded: ${(e as Error).message}`);
    }
    try {
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.file = join(dir, 'ucsp-sandbox.sqlite');
      // made 0600 before SQLite opens it; an older file is narrowed to 0600 too
      closeSync(openSync(this.file, 'a', 0o600));
      for (const f of [this.file, `${this.file}-wal`, `${this.file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
      this.db = new Database(this.file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      for (const t of TABLES) this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      this.db.exec('CREATE TABLE IF NOT EXISTS replay (msg_id TEXT PRIMARY KEY, digest TEXT NOT NULL, answer TEXT NOT NULL, at INTEGER NOT NULL)');
      this.db.exec('CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, value TEXT NOT NULL)');
      this.db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      // orders that left memory (orderLimit) are found by these, as the ledger's own indexes find the rest
      for (const f of ['tn', 'queryId', 'signId']) this.db.exec(`CREATE INDEX IF NOT EXISTS orders_${f} ON orders (json_extract(value, '$.${f}'))`);
      this.db.exec("CREATE INDEX IF NOT EXISTS notices_order ON notices (json_extract(value, '$.orderId'))");
    } catch (e) {
      throw new UcspError('usage', `cannot open the data folder ${dir}: ${(e as Error).message}`);
    }
    const upsert = Object.fromEntries(TABLES.map((t) => [t, this.db.prepare(`INSERT INTO ${t} (id, value) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value`)]));
    const remove = Object.fromEntries(TABLES.map((t) => [t, this.db.prepare(`DELETE FROM ${t} WHERE id = ?`)]));
    const replayPut = this.db.prepare('INSERT INTO replay (msg_id, digest, answer, at) VALUES (?, ?, ?, ?) ON CONFLICT(msg_id) DO UPDATE SET digest = excluded.digest, answer = excluded.answer, at = excluded.at');
    const replayDel = this.db.prepare('DELETE FROM replay WHERE msg_id = ?');
    const journalPut = this.db.prepare('INSERT OR REPLACE INTO journal (seq, value) VALUES (?, ?)');
    const journalTrim = this.db.prepare('DELETE FROM journal WHERE seq <= ?');
    const kvPut = this.db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.flushTx = this.db.transaction(() => {
      for (const { table, key, value } of this.pending.values()) {
        if (value === undefined) remove[table]!.run(key);
        else upsert[table]!.run(key, JSON.stringify(value));
      }
      for (const [id, e] of this.replay) {
        if (e) replayPut.run(id, e.digest, e.answer ?? '', Math.round(e.at));
        else replayDel.run(id);
      }
      let last = 0;
      for (const e of this.journal) {
        journalPut.run(e.seq, JSON.stringify(e));
        last = e.seq;
      }
      if (last && this.journalLimit > 0) journalTrim.run(last - this.journalLimit);
      for (const [k, v] of this.kv) kvPut.run(k, JSON.stringify(v));
    });
    this.clearAll = () => this.db.exec(`DELETE FROM ${TABLES.join('; DELETE FROM ')}; DELETE FROM replay; DELETE FROM journal; DELETE FROM kv;`);
  }

  /** What memory no longer holds, for the ledger: the changes not yet written first, then the file. */
  backing(): LedgerBacking {
    const byId = Object.fromEntries(TABLES.map((t) => [t, this.db.prepare(`SELECT value FROM ${t} WHERE id = ?`)]));
    const byField = Object.fromEntries(['tn', 'queryId', 'signId'].map((f) => [f, this.db.prepare(`SELECT id FROM orders WHERE json_extract(value, '$.${f}') = ? LIMIT 1`)]));
    const noticesOf = this.db.prepare("SELECT id, value FROM notices WHERE json_extract(value, '$.orderId') = ? ORDER BY rowid");
    const read = <T>(table: Table, id: string): T | undefined => {
      const p = this.pending.get(rowKey(table, id));
      if (p) return p.value as T | undefined;
      const row = byId[table]!.get(id) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    };
    return {
      order: (id) => read<AnyOrder>('orders', id),
      notice: (id) => read<NoticeRecord>('notices', id),
      issuer: (ref) => read<IssuerTxn>('issuer', ref),
      orderIdBy: (field, value) => {
        for (const p of this.pending.values()) if (p.table === 'orders' && (p.value as Record<string, unknown> | undefined)?.[field] === value) return p.key;
        const row = byField[field]!.get(value) as { id: string } | undefined;
        return row && read<AnyOrder>('orders', row.id) ? row.id : undefined;
      },
      noticesOf: (orderId) => {
        const found = new Map((noticesOf.all(orderId) as { id: string; value: string }[]).map((r) => [r.id, JSON.parse(r.value) as NoticeRecord | undefined]));
        for (const p of this.pending.values()) if (p.table === 'notices' && (found.has(p.key) || (p.value as NoticeRecord | undefined)?.orderId === orderId)) found.set(p.key, p.value as NoticeRecord | undefined);
        return [...found.values()].filter((n): n is NoticeRecord => n !== undefined);
      },
    };
  }

  /**
   * A page of a table in the order its rows were first written: rows after `afterRow` (0: from
   * the start), at most `limit`. Call after a flush, so that every change is on the file.
   */
  page(table: Table, afterRow: number, limit: number): { row: number; value: string }[] {
    return this.db.prepare(`SELECT rowid AS row, value FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`).all(afterRow, limit) as { row: number; value: string }[];
  }

  get paged(): PagedTables {
    return this;
  }

  /** Ready once open: the file is local. */
  notReady(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  /** Rows in a table. */
  count(table: Table): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  /** The one place a failed write of the store becomes an error the servers answer (99 / 503). */
  private writing(what: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw new UcspError('unavailable', `the sandbox cannot write its data folder ${this.dir} (${what}): ${(e as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: e });
    }
  }

  /**
   * Writes everything changed since the last flush, in one transaction. When it cannot (a full
   * disk): throws UcspError `unavailable` and keeps the changes for the next flush.
   */
  flush(): void {
    if (!this.dirty) return;
    if (this.clearPending) {
      this.writing('reset', this.clearAll);
      this.clearPending = false;
    }
    this.writing('saving state', this.flushTx);
    this.takeChanges(); // written
  }

  load(): StoredState {
    const all = <T>(t: Table) => (this.db.prepare(`SELECT value FROM ${t}`).all() as { value: string }[]).map((r) => JSON.parse(r.value) as T);
    const kv = Object.fromEntries((this.db.prepare('SELECT key, value FROM kv').all() as { key: string; value: string }[]).map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const replay = (this.db.prepare('SELECT msg_id, digest, answer, at FROM replay ORDER BY at').all() as { msg_id: string; digest: string; answer: string; at: number }[]).map(
      (r) => [r.msg_id, { digest: r.digest, ...(r.answer ? { answer: r.answer } : {}), at: r.at }] as [string, ReplayEntry],
    );
    const journal = (this.db.prepare('SELECT value FROM journal ORDER BY seq').all() as { value: string }[]).map((r) => JSON.parse(r.value) as JournalEntry);
    return {
      ledger: { orders: all('orders'), contracts: all('contracts'), issuer: all('issuer'), notices: all('notices'), idCounter: Number(kv.idCounter ?? 0) },
      replay,
      journal,
      kv,
    };
  }

  /** Forgets everything (control API reset); when that cannot be written, the next flush does it first. */
  clear(): void {
    this.forgetChanges();
    this.writing('reset', this.clearAll);
    this.clearPending = false;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }
}
