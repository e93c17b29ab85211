/**
 * Durable state (`--data DIR`): orders, refunds and cancellations, contracts, issuer transactions,
 * notices with their retry position, the msgID replay cache, the journal, the clock and counters,
 * in embedded SQLite (better-sqlite3, loaded only when used).
 *
 * Changes are collected as they happen and written in one transaction at the end of each unit of
 * work — before an answer is sent, after each timer — so whatever the partner was told survives a
 * SIGKILL. WAL with synchronous=NORMAL: a process crash loses nothing; a power cut may lose the
 * last transactions (the sandbox is a test tool; no fsync per request).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { UcspError } from '../errors/index.js';
import type { JournalEntry } from '../journal/journal.js';
import type { LedgerSnapshot } from '../protocol/ledger.js';
import type { ReplayEntry } from '../protocol/replay-cache.js';

const require = createRequire(import.meta.url);

type Table = 'orders' | 'contracts' | 'issuer' | 'notices';
const TABLES: readonly Table[] = ['orders', 'contracts', 'issuer', 'notices'];

export interface StoredState {
  ledger: LedgerSnapshot;
  replay: [string, ReplayEntry][];
  journal: JournalEntry[];
  kv: Record<string, unknown>;
}

export class SqliteStore {
  private readonly db: BetterSqlite3.Database;
  private readonly pending = new Map<string, { table: Table; key: string; value: unknown }>();
  private readonly replay = new Map<string, ReplayEntry | undefined>();
  private journal: JournalEntry[] = [];
  private kv = new Map<string, unknown>();
  private readonly flushTx: () => void;
  readonly file: string;

  constructor(dir: string, private readonly journalLimit: number) {
    let Database: typeof BetterSqlite3;
    try {
      Database = require('better-sqlite3') as typeof BetterSqlite3;
    } catch (e) {
      throw new UcspError('usage', `--data needs better-sqlite3, which could not be loaded: ${(e as Error).message}`);
    }
    try {
      mkdirSync(dir, { recursive: true });
      this.file = join(dir, 'ucsp-sandbox.sqlite');
      this.db = new Database(this.file);
    } catch (e) {
      throw new UcspError('usage', `cannot open the data folder ${dir}: ${(e as Error).message}`);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    for (const t of TABLES) this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    this.db.exec('CREATE TABLE IF NOT EXISTS replay (msg_id TEXT PRIMARY KEY, digest TEXT NOT NULL, answer TEXT NOT NULL, at INTEGER NOT NULL)');
    this.db.exec('CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, value TEXT NOT NULL)');
    this.db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
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
  }

  put(table: Table, key: string, value: unknown): void {
    this.pending.set(`${table}\u0000${key}`, { table, key, value });
  }

  putReplay(msgID: string, e: ReplayEntry | undefined): void {
    this.replay.set(msgID, e);
  }

  addJournal(e: JournalEntry): void {
    this.journal.push(e);
  }

  setKv(key: string, value: unknown): void {
    this.kv.set(key, value);
  }

  get dirty(): boolean {
    return this.pending.size > 0 || this.replay.size > 0 || this.journal.length > 0 || this.kv.size > 0;
  }

  /** Writes everything changed since the last flush, in one transaction. */
  flush(): void {
    if (!this.dirty) return;
    this.flushTx();
    this.pending.clear();
    this.replay.clear();
    this.journal = [];
    this.kv.clear();
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

  /** Forgets everything (control API reset). */
  clear(): void {
    this.pending.clear();
    this.replay.clear();
    this.journal = [];
    this.kv.clear();
    this.db.exec(`DELETE FROM ${TABLES.join('; DELETE FROM ')}; DELETE FROM replay; DELETE FROM journal; DELETE FROM kv;`);
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
