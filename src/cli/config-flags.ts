/** Flags shared by commands that load the configuration, mapped to config overrides. */
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DeepPartial, SandboxConfig } from '../config/index.js';
import { parseVariant } from './options.js';

export interface ConfigFlags {
  config?: string;
  host?: string;
  port?: number;
  timeScale?: number;
  keysDir?: string;
  data?: string;
  store?: string;
  indexUrl?: string;
  driverUrl?: string;
  signatureVariant?: SandboxConfig['partner']['signatureVariant'];
  showPii?: boolean;
  publicUrl?: string;
  maxConnections?: number;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n > 65533) throw new InvalidArgumentError('must be a port number from 0 to 65533 (0 = free ports)');
  return n;
}

function parsePublicUrl(v: string): string {
  if (!/^https?:\/\/[^/?#@\s]+\/?$/.test(v) || !URL.canParse(v)) throw new InvalidArgumentError('must be a base URL http(s)://host[:port], with no path (e.g. http://192.168.1.20 or http://sandbox.example:7300)');
  return v;
}

function parseCount(v: string): number {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n < 1 || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function parseStoreUrl(v: string): string {
  if (!/^postgres(ql)?:\/\//.test(v) || !URL.canParse(v)) throw new InvalidArgumentError('must be a PostgreSQL URL postgres://user:password@host:port/database (or postgres://user@localhost/db?host=/var/run/postgresql)');
  return v;
}

function parseScale(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0 (1 real time, 0 manual)');
  return n;
}

export function addConfigFlags(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'configuration file (default: ./ucsp-sandbox.config.json when present)')
    .addOption(new Option('--host <host>', 'address to bind (default 127.0.0.1)').env('UCSP_SANDBOX_HOST'))
    .addOption(new Option('--port <port>', 'base port: UCSP = port, channel app = port+1, issuer = port+2; 0 = free ports (default 7300)').argParser(parsePort).env('UCSP_SANDBOX_PORT'))
    .addOption(
      new Option('--public-url <url>', 'where browsers and the partner reach the sandbox (bound to 0.0.0.0, behind a forward or proxy): every printed or redirected link uses it; UCSP at its port (or the bound one), channel app +1, issuer +2')
        .argParser(parsePublicUrl)
        .env('UCSP_SANDBOX_PUBLIC_URL'),
    )
    .option('--max-connections <n>', 'most connections each server holds open at once (default 1000); past it new ones are refused', parseCount)
    .option('--time-scale <n>', 'virtual clock: 1 real time, N faster, 0 manual (advanced through the control API)', parseScale)
    .option('--keys-dir <dir>', 'folder of the keys (default .ucsp-sandbox/keys)')
    .option('--data <dir>', 'keep state in SQLite in this folder: a restart loses no order, contract, notice or journal entry (default: in memory)')
    .addOption(
      new Option('--store <url>', 'keep state in PostgreSQL (postgres://user:password@host/db): several instances on one database share it (instead of --data)')
        .argParser(parseStoreUrl)
        .env('UCSP_SANDBOX_DATABASE_URL'),
    )
    .option('--index-url <url>', "the partner's INDUSTRY_INDEX_URL (login hand-off target)")
    .option('--driver-url <url>', "the partner's test driver (PROFILE §9)")
    .option('--signature-variant <variant>', 'SHA256withRSA or sha256-raw', parseVariant)
    .option('--show-pii', "show the test users' mobiles and card numbers unmasked in the journal and control API (masked by default)");
}

export function overridesFrom(f: ConfigFlags): DeepPartial<SandboxConfig> {
  const partner: DeepPartial<SandboxConfig['partner']> = {
    ...(f.indexUrl !== undefined ? { indexUrl: f.indexUrl } : {}),
    ...(f.driverUrl !== undefined ? { driverUrl: f.driverUrl } : {}),
    ...(f.signatureVariant !== undefined ? { signatureVariant: f.signatureVariant } : {}),
  };
  return {
    ...(f.host !== undefined ? { host: f.host } : {}),
    ...(f.port !== undefined ? { port: f.port } : {}),
    ...(f.publicUrl !== undefined ? { publicUrl: f.publicUrl } : {}),
    ...(f.maxConnections !== undefined ? { maxConnections: f.maxConnections } : {}),
    ...(f.timeScale !== undefined ? { timeScale: f.timeScale } : {}),
    ...(f.keysDir !== undefined ? { keysDir: f.keysDir } : {}),
    ...(f.data !== undefined ? { dataDir: f.data } : {}),
    ...(f.store !== undefined ? { store: f.store } : {}),
    ...(f.showPii ? { showPii: true } : {}),
    ...(Object.keys(partner).length ? { partner } : {}),
  };
}
