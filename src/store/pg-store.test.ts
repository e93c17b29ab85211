/** The PostgreSQL store on a real, throw-away database (test/support/pg.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUcspError } from '../errors/index.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../../test/support/pg.js';
import { ID_BLOCK, PgStore, redactUrl, type SharedDelta } from './pg-store.js';
import { MIGRATIONS } from './pg-migrations.js';

const skip = postgresSkipReason();
let db: TestDatabase;
const open: PgStore[] = [];
const openStore = async (insID = '12345678') => {
  const s = await PgStore.open({ url: db.url, insID, poolSize: 3, journalLimit: 100 });
  open.push(s);
  return s;
};

describe.skipIf(skip !== undefined)('PgStore', () => {
  beforeAll(async () => {
    db = await createTestDatabase('ucsp_store');
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    await db?.drop();
  });

  it('migrates once when several instances start at the same moment', async () => {
    const [a, b, c] = await Promise.all([openStore(), openStore(), openStore()]);
    expect([a, b, c].every((s) => s.engine === 'postgres')).toBe(true);
    const rows = (await db.query<{ version: number }>('SELECT version FROM ucsp_migrations ORDER BY version')).rows;
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await a.notReady()).toBeUndefined();
  });

  it('writes in one unit what changed, and another instance reads it (and only it) in its next unit', async () => {
    const a = await openStore('11111111');
    const b = await openStore('11111111');
    const seen: SharedDelta[] = [];
    b.follower = { apply: (d) => seen.push(d), idsLow: () => false, idsFrom: () => undefined };
    a.put('orders', 'O1', { kind: 'PAY', orderId: 'O1', tn: 'T1' });
    a.putReplay('M1', { digest: 'd1', answer: 'ans', at: 5 });
    a.addJournal({ seq: 1, at: 1, wallAt: 1, direction: 'in', channel: 'api', raw: 'req' });
    a.addJournal({ seq: 2, at: 1, wallAt: 1, direction: 'out', channel: 'api', raw: 'ans', replyTo: 1 });
    a.setKv('clock', 42);
    expect(a.dirty).toBe(true);
    await a.flush();
    expect(a.dirty).toBe(false);
    await b.flush();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.rows).toEqual([{ table: 'orders', id: 'O1', value: { kind: 'PAY', orderId: 'O1', tn: 'T1' } }]);
    expect(seen[0]!.replay).toEqual([['M1', { digest: 'd1', answer: 'ans', at: 5 }]]);
    expect(seen[0]!.kv).toEqual({ clock: 42 });
    expect(seen[0]!.journal.map((j) => j.entry.raw)).toEqual(['req', 'ans']);
    // nothing new: nothing to apply
    await b.flush();
    expect(seen).toHaveLength(1);
    // another partner's rows are not seen
    const other = await openStore('22222222');
    expect(other.load().ledger.orders).toEqual([]);
    // a restarted instance loads what is stored
    const c = await openStore('11111111');
    expect(c.load().ledger.orders).toEqual([{ kind: 'PAY', orderId: 'O1', tn: 'T1' }]);
    expect(c.load().replay).toEqual([['M1', { digest: 'd1', answer: 'ans', at: 5 }]]);
    expect(c.load().journal.map((e) => [e.seq, e.raw, e.replyTo])).toEqual([
      [1, 'req', undefined],
      [2, 'ans', 1],
    ]);
  });

  it('hands out disjoint blocks of ids to instances', async () => {
    const starts: number[] = [];
    const stores = [await openStore('33333333'), await openStore('33333333')];
    for (const s of stores) s.follower = { apply: () => undefined, idsLow: () => true, idsFrom: (n) => starts.push(n) };
    await Promise.all(stores.map((s) => s.flush()));
    expect(starts).toHaveLength(2);
    expect(Math.abs(starts[0]! - starts[1]!)).toBeGreaterThanOrEqual(ID_BLOCK);
  });

  it('a reset is seen by the other instances', async () => {
    const a = await openStore('44444444');
    const b = await openStore('44444444');
    const seen: SharedDelta[] = [];
    b.follower = { apply: (d) => seen.push(d), idsLow: () => false, idsFrom: () => undefined };
    a.put('contracts', 'C1', { contractId: 'C1' });
    await a.flush();
    await a.clear();
    await b.flush();
    expect(seen.at(-1)!.reset).toBe(true);
    expect((await db.query("SELECT count(*)::int AS n FROM ucsp_contracts WHERE ins_id = '44444444'")).rows[0]!.n).toBe(0);
  });

  it('a database that cannot be reached at start is a usage error (exit 2) naming it, without its password', async () => {
    const url = 'postgres://someone:secret@127.0.0.1:1/nothing';
    const e = await PgStore.open({ url, insID: '1', poolSize: 1, journalLimit: 10, connectTimeoutMs: 2_000 }).catch((x: unknown) => x);
    expect(isUcspError(e) && e.kind === 'usage' && e.exitCode === 2).toBe(true);
    expect((e as Error).message).toContain('cannot use the database postgres://someone:***@127.0.0.1:1/nothing');
    expect((e as Error).message).not.toContain('secret');
    expect(redactUrl(url)).not.toContain('secret');
  });
});
