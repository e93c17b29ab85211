/**
 * Durable state shared by several sandbox instances on one PostgreSQL database
 * (`--store postgres://…`, UCSP_SANDBOX_DATABASE_URL, config key `store`).
 *
 * The database is the source of truth; each instance's ledger is a cache of it. Every unit of work
 * — a wire request, a page or control request, a timer — runs in one transaction that:
 *   1. takes the sandbox's advisory transaction lock (one per partner insID), so units of all
 *      instances on the database happen one after the other, never interleaved;
 *   2. reads what other instances wrote since this one last looked (rows past its last `rev`) and
 *      hands it to the runtime, which puts it into the ledger;
 *   3. runs the work (the pure state machines, unchanged) on that fresh state;
 *   4. writes what the work changed, commits — and only then is the answer sent.
 * So msgID replay and conflict, orderId uniqueness, refund totals and contract state hold however
 * requests are spread over instances; the primary keys (ins_id, msgID) and (ins_id, orderId)
 * stand behind it.
 *
 * A database that cannot be reached makes the unit fail with UcspError `unavailable` (wire 99,
 * pages and control 503); what the work changed is kept and written by the next unit that
 * succeeds, as with SQLite and a full disk.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { UcspError } from '../errors/index.js';
import type { JournalEntry } from '../journal/journal.js';
import type { AnyOrder } from '../protocol/ledger.js';
import type { ReplayEntry } from '../protocol/replay-cache.js';
import type { NoticeRecord } from '../protocol/notice-machine.js';
import type { NoticeClaim } from '../notices/dispatcher.js';
import { MIGRATIONS } from './pg-migrations.js';
import { PendingChanges, rowKey, type ChangeBatch } from './pending-changes.js';
import { TABLES, type StateStore, type StoredState, type Table } from './state-store.js';

/** The advisory lock held while migrating (any insID). */
const MIGRATION_LOCK = 0x75637370; // 'ucsp'
/** Ids handed out per block (IdGenerator counters); a new block is taken when fewer than a fifth are left. */
export const ID_BLOCK = 10_000;

/** What other instances wrote since this one last looked. */
export interface SharedDelta {
  /** Another instance reset the sandbox: forget everything first. */
  reset: boolean;
  rows: { table: Table; id: string; value: unknown }[];
  replay: [string, ReplayEntry | undefined][];
  kv: Record<string, unknown>;
  /** Journal entries other instances added, in their order (their own seq numbers). */
  journal: { instance: string; entry: JournalEntry }[];
}

/** The runtime's side: what it does with others' changes, and its id counter. */
export interface SharedFollower {
  apply(delta: SharedDelta): void;
  /** The id counter has fewer than a fifth of its block left (or none yet). */
  idsLow(): boolean;
  /** The next block of ids: [start, start + ID_BLOCK). */
  idsFrom(start: number): void;
}

export interface PgStoreOptions {
  url: string;
  insID: string;
  poolSize: number;
  journalLimit: number;
  /** Real milliseconds to wait for a connection (default 5000). */
  connectTimeoutMs?: number;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the database URL';
  }
}

/** A 64-bit advisory lock key from a text (the insID). */
function lockKey(text: string): bigint {
  let h = 1469598103934665603n;
  for (const c of Buffer.from(`ucsp-sandbox:${text}`)) h = BigInt.asIntN(64, (h ^ BigInt(c)) * 1099511628211n);
  return h;
}

export class PgStore extends PendingChanges implements StateStore {
  readonly engine = 'postgres' as const;
  readonly paged = undefined;
  /** This process, as the journal and the job leases name it. */
  readonly instance = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly where: string;
  follower: SharedFollower | undefined;
  private lastRev = 0n;
  private lastJournalId = 0n;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly lock: string;

  private constructor(
    private readonly pool: Pool,
    private readonly o: PgStoreOptions,
    private readonly initial: StoredState,
  ) {
    super(o.journalLimit);
    this.where = redactUrl(o.url);
    this.lock = lockKey(o.insID).toString();
  }

  /**
   * Connects, migrates (under an advisory lock: several instances may start at once) and reads
   * what is stored. A database that cannot be reached is UcspError `usage` (exit 2), said plainly.
   */
  static async open(o: PgStoreOptions): Promise<PgStore> {
    let pg: { Pool: typeof Pool };
    try {
      pg = (await import('pg')).default as unknown as { Pool: typeof Pool };
    } catch (e) {
      throw new UcspError('usage', `--store needs the pg package, which could not be loaded: ${(e as Error).message}`);
    }
    const where = redactUrl(o.url);
    const pool = new pg.Pool({ connectionString: o.url, max: o.poolSize, connectionTimeoutMillis: o.connectTimeoutMs ?? 5_000, idleTimeoutMillis: 10_000, application_name: 'ucsp-sandbox' });
    // a connection the server drops while idle is reported here; the next unit says it (99/503)
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(o.insID).toString()]);
        const { state, lastRev, lastJournalId } = await loadAll(client, o.insID, o.journalLimit);
        await client.query('COMMIT');
        const store = new PgStore(pool, o, state);
        store.lastRev = lastRev;
        store.lastJournalId = lastJournalId;
        return store;
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      const code = (e as { code?: unknown }).code;
      throw new UcspError('usage', `cannot use the database ${where}: ${(e as Error).message || String(e)}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: e });
    }
  }

  load(): StoredState {
    return this.initial;
  }

  /** Memory holds everything: the cache is kept whole (orderLimit does not apply). */
  backing(): undefined {
    return undefined;
  }

  /** Catches up with other instances and writes what changed here, in one unit. */
  flush(): Promise<void> {
    return this.run(() => undefined);
  }

  /**
   * One unit of work (see the top of this file): lock, catch up, `work` (synchronous), write,
   * commit. Units of this process run one at a time, in the order asked.
   */
  run<T>(work: () => T): Promise<T> {
    const next = this.queue.then(() => this.unit(work));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async unit<T>(work: () => T): Promise<T> {
    if (this.closed) throw new UcspError('unavailable', `the sandbox is shutting down`);
    let client: PoolClient | undefined;
    let result: T;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [this.lock]);
      if (this.clearPending) {
        await this.clearAll(client);
        this.clearPending = false;
      }
      const delta = await this.readDelta(client);
      if (delta) {
        // a change made here and not written yet wins over what was read (checked now: changes
        // may have been made while reading)
        delta.rows = delta.rows.filter((r) => !this.pending.has(rowKey(r.table, r.id)));
        delta.replay = delta.replay.filter(([m]) => !this.replay.has(m));
        for (const k of Object.keys(delta.kv)) if (this.kv.has(k)) delete delta.kv[k];
        this.follower?.apply(delta);
      }
      if (this.follower?.idsLow()) {
        const r = await client.query<{ b: string }>("SELECT nextval('ucsp_id_blocks')::text AS b");
        this.follower.idsFrom(Number(r.rows[0]!.b) * ID_BLOCK);
      }
    } catch (e) {
      await this.abandon(client);
      throw this.unavailable('reading', e);
    }
    // the work's own failure is not the database's: it is rethrown as it is (after rolling back)
    try {
      result = work();
    } catch (e) {
      await this.abandon(client);
      throw e;
    }
    // what is written is taken now: changes made while it is written (a partner's answer to a
    // notice, say) wait for the next unit instead of being lost
    const batch = this.takeChanges();
    try {
      await this.write(client, batch);
      await client.query('COMMIT');
    } catch (e) {
      this.giveBack(batch);
      await this.abandon(client);
      throw this.unavailable('saving state', e);
    }
    client.release();
    return result;
  }

  private async abandon(client: PoolClient | undefined): Promise<void> {
    if (!client) return;
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (e) {
      // the connection itself is broken: it leaves the pool
      client.release(e as Error);
    }
  }

  private unavailable(what: string, e: unknown): UcspError {
    if (e instanceof UcspError) return e;
    const code = (e as { code?: unknown }).code;
    return new UcspError('unavailable', `the sandbox cannot use its database ${this.where} (${what}): ${(e as Error).message || String(e)}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: e });
  }

  private async readDelta(client: PoolClient): Promise<SharedDelta | undefined> {
    const ins = this.o.insID;
    const since = this.lastRev.toString();
    const max = (rev: string) => {
      const r = BigInt(rev);
      if (r > this.lastRev) this.lastRev = r;
    };
    const delta: SharedDelta = { reset: false, rows: [], replay: [], kv: {}, journal: [] };
    const kv = await client.query<{ key: string; value: unknown; rev: string }>('SELECT key, value, rev::text FROM ucsp_kv WHERE ins_id = $1 AND rev > $2', [ins, since]);
    for (const r of kv.rows) {
      max(r.rev);
      if (r.key === 'reset') delta.reset = true;
      else delta.kv[r.key] = r.value;
    }
    for (const t of TABLES) {
      const res = await client.query<{ id: string; value: unknown; rev: string }>(`SELECT id, value, rev::text FROM ucsp_${t} WHERE ins_id = $1 AND rev > $2 ORDER BY rev`, [ins, since]);
      for (const r of res.rows) {
        max(r.rev);
        delta.rows.push({ table: t, id: r.id, value: r.value ?? undefined });
      }
    }
    const rp = await client.query<{ msg_id: string; digest: string | null; answer: string | null; at: string | null; rev: string }>(
      'SELECT msg_id, digest, answer, at::text, rev::text FROM ucsp_replay WHERE ins_id = $1 AND rev > $2 ORDER BY rev',
      [ins, since],
    );
    for (const r of rp.rows) {
      max(r.rev);
      delta.replay.push([r.msg_id, r.digest === null ? undefined : { digest: r.digest, ...(r.answer ? { answer: r.answer } : {}), at: Number(r.at) }]);
    }
    const j = await client.query<{ id: string; instance: string; value: JournalEntry }>('SELECT id::text, instance, value FROM ucsp_journal WHERE ins_id = $1 AND id > $2 ORDER BY id', [ins, this.lastJournalId.toString()]);
    for (const r of j.rows) {
      const id = BigInt(r.id);
      if (id > this.lastJournalId) this.lastJournalId = id;
      if (r.instance !== this.instance) delta.journal.push({ instance: r.instance, entry: r.value });
    }
    const any = delta.reset || delta.rows.length || delta.replay.length || delta.journal.length || Object.keys(delta.kv).length;
    return any ? delta : undefined;
  }

  private async write(client: PoolClient, b: ChangeBatch): Promise<void> {
    const ins = this.o.insID;
    const revs: bigint[] = [];
    const track = (rows: { rev: string }[]) => {
      for (const r of rows) revs.push(BigInt(r.rev));
    };
    for (const t of TABLES) {
      const rows = [...b.pending.values()].filter((p) => p.table === t);
      if (!rows.length) continue;
      // a notice's new state written by the instance that holds its lease ends the lease
      const lease = t === 'notices' ? `, lease_owner = CASE WHEN ucsp_notices.lease_owner = $4 THEN NULL ELSE ucsp_notices.lease_owner END, lease_until = CASE WHEN ucsp_notices.lease_owner = $4 THEN NULL ELSE ucsp_notices.lease_until END` : '';
      const r = await client.query<{ rev: string }>(
        `INSERT INTO ucsp_${t} (ins_id, id, value, rev)
         SELECT $1, k, v, nextval('ucsp_rev') FROM unnest($2::text[], $3::jsonb[]) AS x(k, v)
         ON CONFLICT (ins_id, id) DO UPDATE SET value = excluded.value, rev = excluded.rev${lease} RETURNING rev::text`,
        [ins, rows.map((p) => p.key), rows.map((p) => (p.value === undefined ? null : JSON.stringify(p.value))), ...(t === 'notices' ? [this.instance] : [])],
      );
      track(r.rows);
    }
    if (b.replay.size) {
      const list = [...b.replay];
      const r = await client.query<{ rev: string }>(
        `INSERT INTO ucsp_replay (ins_id, msg_id, digest, answer, at, rev)
         SELECT $1, m, d, a, t, nextval('ucsp_rev') FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS x(m, d, a, t)
         ON CONFLICT (ins_id, msg_id) DO UPDATE SET digest = excluded.digest, answer = excluded.answer, at = excluded.at, rev = excluded.rev RETURNING rev::text`,
        [ins, list.map(([m]) => m), list.map(([, e]) => e?.digest ?? null), list.map(([, e]) => e?.answer ?? null), list.map(([, e]) => (e ? Math.round(e.at) : null))],
      );
      track(r.rows);
    }
    if (b.kv.size) {
      const list = [...b.kv];
      const r = await client.query<{ rev: string }>(
        `INSERT INTO ucsp_kv (ins_id, key, value, rev)
         SELECT $1, k, v, nextval('ucsp_rev') FROM unnest($2::text[], $3::jsonb[]) AS x(k, v)
         ON CONFLICT (ins_id, key) DO UPDATE SET value = excluded.value, rev = excluded.rev RETURNING rev::text`,
        [ins, list.map(([k]) => k), list.map(([, v]) => JSON.stringify(v ?? null))],
      );
      track(r.rows);
    }
    if (b.journal.length) {
      const r = await client.query<{ id: string }>(
        'INSERT INTO ucsp_journal (ins_id, instance, seq, value) SELECT $1, $2, s, v FROM unnest($3::bigint[], $4::jsonb[]) AS x(s, v) RETURNING id::text',
        [ins, this.instance, b.journal.map((e) => e.seq), b.journal.map((e) => JSON.stringify(e))],
      );
      let last = this.lastJournalId;
      for (const row of r.rows) if (BigInt(row.id) > last) last = BigInt(row.id);
      // under the lock no other instance wrote meanwhile: what this one wrote need not be read back
      this.lastJournalId = last;
      if (this.o.journalLimit > 0) await client.query('DELETE FROM ucsp_journal WHERE ins_id = $1 AND id <= $2', [ins, (last - BigInt(this.o.journalLimit)).toString()]);
    }
    for (const r of revs) if (r > this.lastRev) this.lastRev = r;
  }

  private async clearAll(client: PoolClient): Promise<void> {
    const ins = this.o.insID;
    for (const t of [...TABLES.map((x) => `ucsp_${x}`), 'ucsp_replay', 'ucsp_kv', 'ucsp_journal']) await client.query(`DELETE FROM ${t} WHERE ins_id = $1`, [ins]);
    const r = await client.query<{ rev: string }>("INSERT INTO ucsp_kv (ins_id, key, value, rev) VALUES ($1, 'reset', $2, nextval('ucsp_rev')) RETURNING rev::text", [ins, JSON.stringify(this.instance)]);
    this.lastRev = BigInt(r.rows[0]!.rev);
    const j = await client.query<{ id: string | null }>('SELECT max(id)::text AS id FROM ucsp_journal');
    if (j.rows[0]?.id) this.lastJournalId = BigInt(j.rows[0].id);
  }

  /**
   * Claims the scheduled attempt a notice is at (its nextIndex) for this instance, with a lease of
   * `leaseMs` (real time): the row is locked FOR UPDATE SKIP LOCKED (an instance claiming it at this
   * moment has it), then leased unless another instance's lease still runs or the attempt was made.
   * Queued after this instance's pending writes, so that the database has its latest state.
   */
  claimNotice(n: NoticeRecord, leaseMs: number): Promise<NoticeClaim> {
    const next = this.queue.then(() => this.claim(n, leaseMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async claim(n: NoticeRecord, leaseMs: number): Promise<NoticeClaim> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const r = await client.query<{ status: string | null; next: number | null; owner: string | null; left_ms: number | null }>(
        `SELECT value->>'status' AS status, (value->>'nextIndex')::int AS next, lease_owner AS owner,
                (extract(epoch FROM (lease_until - now())) * 1000)::int AS left_ms
         FROM ucsp_notices WHERE ins_id = $1 AND id = $2 FOR UPDATE SKIP LOCKED`,
        [this.o.insID, n.id],
      );
      const row = r.rows[0];
      let out: NoticeClaim;
      if (!row) out = { kind: 'leased', retryInMs: leaseMs };
      else if (row.status !== 'PENDING' || row.next !== n.nextIndex) out = { kind: 'done' };
      else if (row.owner && row.owner !== this.instance && (row.left_ms ?? 0) > 0) out = { kind: 'leased', retryInMs: (row.left_ms ?? 0) + 50 };
      else {
        const repeat = row.owner !== null && row.owner !== this.instance;
        await client.query(
          `UPDATE ucsp_notices SET lease_owner = $3, lease_until = now() + $4 * interval '1 millisecond', lease_repeats = lease_repeats + $5 WHERE ins_id = $1 AND id = $2`,
          [this.o.insID, n.id, this.instance, leaseMs, repeat ? 1 : 0],
        );
        out = { kind: 'mine', repeat };
      }
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (e) {
      await this.abandon(client);
      throw this.unavailable('claiming a notice attempt', e);
    }
  }

  /** Attempts repeated because a lease ran out (all instances), and leases held now. */
  async noticeJobs(): Promise<{ repeats: number; leased: number }> {
    const r = await this.pool.query<{ repeats: number; leased: number }>('SELECT coalesce(sum(lease_repeats), 0)::int AS repeats, count(lease_owner)::int AS leased FROM ucsp_notices WHERE ins_id = $1', [this.o.insID]);
    return r.rows[0] ?? { repeats: 0, leased: 0 };
  }

  /** Forgets everything, for every instance (control API reset): written by the next unit. */
  async clear(): Promise<void> {
    this.forgetChanges();
    await this.flush();
  }

  /** Why the database cannot take requests now, or undefined: a round trip with a connection of the pool. */
  async notReady(): Promise<string | undefined> {
    if (this.closed) return 'the sandbox is shutting down';
    try {
      const r = await this.pool.query<{ v: number }>('SELECT max(version) AS v FROM ucsp_migrations');
      const want = MIGRATIONS.at(-1)!.version;
      return Number(r.rows[0]?.v) >= want ? undefined : `the database schema is at version ${r.rows[0]?.v ?? 0}, not ${want}`;
    } catch (e) {
      return `the database ${this.where} cannot be reached: ${(e as Error).message}`;
    }
  }

  /** Writes what is waiting (when it can), then closes the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.dirty) await this.flush();
    } finally {
      // graceful shutdown: the leases of this instance end now, not when they run out
      await this.pool.query('UPDATE ucsp_notices SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [this.instance]).catch(() => undefined);
      this.closed = true;
      await this.queue;
      await this.pool.end().catch(() => undefined);
    }
  }
}

/** Runs the migrations not yet run, one transaction each, under an advisory lock. */
async function migrate(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS ucsp_migrations (version integer PRIMARY KEY, what text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM ucsp_migrations')).rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO ucsp_migrations (version, what) VALUES ($1, $2)', [m.version, m.what]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version} (${m.what}) failed: ${(e as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

/** Everything stored for the partner; the journal's newest `journalLimit` entries, numbered afresh. */
async function loadAll(client: PoolClient, ins: string, journalLimit: number): Promise<{ state: StoredState; lastRev: bigint; lastJournalId: bigint }> {
  const all = async <T>(t: Table) => (await client.query<{ value: T }>(`SELECT value FROM ucsp_${t} WHERE ins_id = $1 AND value IS NOT NULL ORDER BY rev`, [ins])).rows.map((r) => r.value);
  const kvRows = (await client.query<{ key: string; value: unknown }>('SELECT key, value FROM ucsp_kv WHERE ins_id = $1', [ins])).rows;
  const kv = Object.fromEntries(kvRows.map((r) => [r.key, r.value]));
  const replay = (
    await client.query<{ msg_id: string; digest: string; answer: string | null; at: string }>('SELECT msg_id, digest, answer, at::text FROM ucsp_replay WHERE ins_id = $1 AND digest IS NOT NULL ORDER BY at', [ins])
  ).rows.map((r) => [r.msg_id, { digest: r.digest, ...(r.answer ? { answer: r.answer } : {}), at: Number(r.at) }] as [string, ReplayEntry]);
  const jrows = (
    await client.query<{ id: string; instance: string; value: JournalEntry }>('SELECT id::text, instance, value FROM (SELECT * FROM ucsp_journal WHERE ins_id = $1 ORDER BY id DESC LIMIT $2) j ORDER BY id', [ins, Math.max(journalLimit, 0)])
  ).rows;
  const journal = renumber(jrows.map((r) => ({ instance: r.instance, entry: r.value })), 0);
  const rev = (await client.query<{ r: string }>("SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS r FROM ucsp_rev")).rows[0]!.r;
  const jid = (await client.query<{ id: string | null }>('SELECT max(id)::text AS id FROM ucsp_journal')).rows[0]?.id;
  return {
    state: {
      ledger: { orders: await all<AnyOrder>('orders'), contracts: await all('contracts'), issuer: await all('issuer'), notices: await all('notices'), idCounter: 0 },
      replay,
      journal,
      kv,
    },
    lastRev: BigInt(rev),
    lastJournalId: BigInt(jid ?? '0'),
  };
}

/**
 * Journal entries of several instances, numbered from `after` + 1 in their order, each answer's
 * replyTo following its request.
 */
export function renumber(list: { instance: string; entry: JournalEntry }[], after: number, known = new Map<string, number>()): JournalEntry[] {
  let seq = after;
  return list.map(({ instance, entry }) => {
    const mine = ++seq;
    known.set(`${instance}\u0000${entry.seq}`, mine);
    const replyTo = entry.replyTo === undefined ? undefined : known.get(`${instance}\u0000${entry.replyTo}`);
    const { replyTo: _r, ...rest } = entry;
    return { ...rest, seq: mine, ...(replyTo !== undefined ? { replyTo } : {}) } as JournalEntry;
  });
}
