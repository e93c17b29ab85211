/**
 * A real PostgreSQL for tests: a throw-away database made per test file and dropped after, over a
 * real connection (never a mock).
 *
 * Where: UCSP_SANDBOX_TEST_DATABASE_URL (any PostgreSQL, a URL of a role that may CREATE DATABASE),
 * else this machine's server through its socket (/var/run/postgresql) as the OS user — a role
 * made for it (CREATEDB) when running as root and it has none, as .ci/run does.
 *
 * Skipped only when no PostgreSQL exists here at all (no server binary, no URL) AND CI is unset —
 * and said loudly. In CI, or when a server binary exists, a database that cannot be reached fails.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import pg from 'pg';

const SOCKET = '/var/run/postgresql';

function serverBinaryExists(): boolean {
  return existsSync('/usr/lib/postgresql') || existsSync('/usr/bin/pg_ctlcluster') || existsSync('/usr/bin/postgres') || existsSync('/usr/local/bin/postgres');
}

/** Why the PostgreSQL tests are skipped here, or undefined when they run. */
export function postgresSkipReason(): string | undefined {
  if (process.env.UCSP_SANDBOX_TEST_DATABASE_URL || process.env.CI || serverBinaryExists()) return undefined;
  const why = 'no PostgreSQL on this machine (no server binary, UCSP_SANDBOX_TEST_DATABASE_URL unset) and CI unset';
  process.stderr.write(`\n!!! SKIPPING the PostgreSQL tests: ${why}. Install PostgreSQL or set UCSP_SANDBOX_TEST_DATABASE_URL to run them. !!!\n\n`);
  return why;
}

function adminUrl(database = 'postgres'): string {
  const given = process.env.UCSP_SANDBOX_TEST_DATABASE_URL;
  if (given) {
    const u = new URL(given);
    u.pathname = `/${database}`;
    return u.toString();
  }
  return `postgres://${encodeURIComponent(userInfo().username)}@localhost/${database}?host=${SOCKET}`;
}

/** As root with no role of its own on the local server: one is made (as the postgres user); false when this does not apply. */
function ensureLocalRole(): boolean {
  if (process.env.UCSP_SANDBOX_TEST_DATABASE_URL || process.getuid?.() !== 0) return false;
  const name = userInfo().username;
  const sql = `DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE "${name}" LOGIN CREATEDB; END IF; END$$`;
  execFileSync('runuser', ['-u', 'postgres', '--', 'psql', '-q', '-h', SOCKET, '-d', 'postgres', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  return true;
}

async function admin<T>(f: (c: pg.Client) => Promise<T>, retried = false): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
  } catch (e) {
    const first = (e as Error).message;
    const hint = 'Start it (pg_ctlcluster 15 main start) or set UCSP_SANDBOX_TEST_DATABASE_URL';
    let made: boolean;
    try {
      made = !retried && ensureLocalRole();
    } catch (e2) {
      throw new Error(`cannot reach PostgreSQL at ${adminUrl()} (${first}); making a role for ${userInfo().username} failed too: ${(e2 as Error).message}. ${hint}`, { cause: e });
    }
    // once more, only when a role was just made: else the same failure, said
    if (!made) throw new Error(`cannot reach PostgreSQL at ${adminUrl()} (${first}). ${hint}`, { cause: e });
    return admin(f, true);
  }
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export interface TestDatabase {
  name: string;
  /** What the sandbox gets (--store). */
  url: string;
  /** Runs SQL on the test database (to look at what the sandbox wrote). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs SQL from another database of the server (ALTER DATABASE of this one, say). */
  admin(sql: string, params?: unknown[]): Promise<void>;
  drop(): Promise<void>;
}

/** A fresh, empty database; drop() removes it (and ends any connection left to it). */
export async function createTestDatabase(prefix = 'ucsp_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = adminUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    query: (sql, params) => pool.query(sql, params),
    admin: async (sql, params) => {
      await admin((c) => c.query(sql, params));
    },
    drop: async () => {
      await pool.end();
      await admin(async (c) => {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}
