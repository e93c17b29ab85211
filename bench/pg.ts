/**
 * The PostgreSQL the bench measures the sandbox on: this machine's server (started when it is
 * installed and not running, as .ci/run does) or UCSP_SANDBOX_TEST_DATABASE_URL; a throw-away
 * database per measurement, dropped after. No PostgreSQL: a reason, never a crash.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../test/support/pg.js';
import { log } from './proc.js';

/** Starts this machine's PostgreSQL when it is installed and not running (as .ci/run); what was done, for the log. */
function startLocalServer(): string | undefined {
  if (process.env.UCSP_SANDBOX_TEST_DATABASE_URL || !existsSync('/usr/bin/pg_ctlcluster')) return undefined;
  try {
    const clusters = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
    if (/ online /.test(clusters)) return undefined;
    const first = clusters.trim().split('\n')[0]?.split(/\s+/);
    if (!first || first.length < 2) return 'no PostgreSQL cluster on this machine (pg_lsclusters)';
    execFileSync('pg_ctlcluster', [first[0]!, first[1]!, 'start'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return `started PostgreSQL ${first[0]} ${first[1]} (pg_ctlcluster)`;
  } catch (e) {
    return `could not start PostgreSQL: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** A fresh database, or why there is none. */
export async function benchDatabase(): Promise<{ db: TestDatabase } | { reason: string }> {
  const started = startLocalServer();
  if (started) log(`pg: ${started}`);
  try {
    return { db: await createTestDatabase('ucsp_bench') };
  } catch (e) {
    return { reason: `no PostgreSQL to measure on: ${(e as Error).message.split('\n')[0]}${started ? ` (${started})` : ''}` };
  }
}
