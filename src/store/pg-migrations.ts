/**
 * The PostgreSQL schema, as numbered migrations the sandbox runs itself on start (pg-store.ts):
 * each runs once, in its own transaction, recorded in ucsp_migrations; instances starting at once
 * take turns under an advisory lock, so each migration runs exactly once whoever starts first.
 *
 * Every row carries ins_id (the partner it belongs to) and `rev`, a number from one sequence
 * written with each change: an instance catches up with what others wrote by reading the rows past
 * the last rev it saw. A deleted row stays as a tombstone (value NULL) so that others see it go.
 */
export interface Migration {
  version: number;
  what: string;
  sql: string;
}

const keyed = (table: string, extra = '') => `
CREATE TABLE ${table} (
  ins_id text NOT NULL,
  id text NOT NULL,
  value jsonb,
  rev bigint NOT NULL,
  ${extra}
  PRIMARY KEY (ins_id, id)
);
CREATE INDEX ${table}_rev ON ${table} (ins_id, rev);`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'orders, contracts, issuer transactions, notices, msgIDs, journal, settings',
    sql: `
CREATE SEQUENCE ucsp_rev;
CREATE SEQUENCE ucsp_id_blocks;
${keyed('ucsp_orders')}
CREATE INDEX ucsp_orders_tn ON ucsp_orders (ins_id, (value->>'tn'));
${keyed('ucsp_contracts')}
${keyed('ucsp_issuer')}
${keyed('ucsp_notices')}
CREATE INDEX ucsp_notices_order ON ucsp_notices (ins_id, (value->>'orderId'));
CREATE TABLE ucsp_replay (
  ins_id text NOT NULL,
  msg_id text NOT NULL,
  digest text,
  answer text,
  at bigint,
  rev bigint NOT NULL,
  PRIMARY KEY (ins_id, msg_id)
);
CREATE INDEX ucsp_replay_rev ON ucsp_replay (ins_id, rev);
CREATE TABLE ucsp_kv (
  ins_id text NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  rev bigint NOT NULL,
  PRIMARY KEY (ins_id, key)
);
CREATE TABLE ucsp_journal (
  id bigserial PRIMARY KEY,
  ins_id text NOT NULL,
  instance text NOT NULL,
  seq bigint NOT NULL,
  value jsonb NOT NULL
);
CREATE INDEX ucsp_journal_ins ON ucsp_journal (ins_id, id);`,
  },
  {
    version: 2,
    what: 'notice attempts as jobs: a lease per notice, and the repeats leases caused',
    sql: `
ALTER TABLE ucsp_notices ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz, ADD COLUMN lease_repeats integer NOT NULL DEFAULT 0;
CREATE INDEX ucsp_notices_leased ON ucsp_notices (lease_owner) WHERE lease_owner IS NOT NULL;`,
  },
];
