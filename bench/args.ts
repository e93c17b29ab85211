/** Command-line options of `npm run bench`. */
import { cpus } from 'node:os';

export interface BenchArgs {
  json: boolean;
  quick: boolean;
  workers: number;
  connections: number;
  warmupMs: number;
  measureMs: number;
  startupRuns: number;
  suiteRuns: number;
  memoryRequests: number;
  only: Set<string>;
  /** snapshot: build a private copy of the working tree (default); the others use the repository's dist/. */
  build: 'snapshot' | 'auto' | 'always' | 'never';
  cpuProf: boolean;
}

export const PHASES = ['startup', 'suite', 'gateway', 'pg', 'workers', 'memory', 'inspector'] as const;

export const USAGE = `usage: npm run bench -- [options]
  --json             print exactly one JSON object on stdout (progress goes to stderr)
  --quick            fewer runs, shorter windows, 10k requests for memory (for development)
  --workers N        also measure the sandbox's --workers N against 1, when it has that option (default: cores)
  --connections N    concurrent keep-alive clients (default 16)
  --duration S       measured window in seconds (default 10; quick 3)
  --warmup S         warm-up in seconds (default 2; quick 1)
  --requests N       requests before reading RSS (default 100000; quick 10000)
  --only LIST        some of ${PHASES.join(',')} (default all)
  (default)          copy the working tree to a temp folder, npm run build there, run that build
                     (the shared dist/ is rebuilt by others at any time; the bench never touches it)
  --in-place         use the repository's bin/ and dist/, running npm run build when dist/ is older than src/
  --build            same, always building;  --no-build: same, never building
  --cpu-prof         also profile the sandbox under load (node --cpu-prof) and print its top frames`;

function int(v: string | undefined, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function parseArgs(argv: string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const a: BenchArgs = {
    json: false,
    quick,
    workers: cpus().length,
    connections: 16,
    warmupMs: quick ? 1000 : 2000,
    measureMs: quick ? 3000 : 10_000,
    startupRuns: quick ? 5 : 7,
    suiteRuns: quick ? 1 : 3,
    memoryRequests: quick ? 10_000 : 100_000,
    only: new Set(PHASES),
    build: 'snapshot',
    cpuProf: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const val = () => argv[++i];
    switch (f) {
      case '--json': a.json = true; break;
      case '--quick': break;
      case '--workers': a.workers = int(val(), f, 1, 64); break;
      case '--connections': a.connections = int(val(), f, 1, 256); break;
      case '--duration': a.measureMs = int(val(), f, 1, 120) * 1000; break;
      case '--warmup': a.warmupMs = int(val(), f, 1, 30) * 1000; break;
      case '--requests': a.memoryRequests = int(val(), f, 1, 1_000_000); break;
      case '--in-place': a.build = 'auto'; break;
      case '--build': a.build = 'always'; break;
      case '--no-build': a.build = 'never'; break;
      case '--cpu-prof': a.cpuProf = true; break;
      case '--only': {
        const list = (val() ?? '').split(',').filter(Boolean);
        const bad = list.filter((p) => !(PHASES as readonly string[]).includes(p));
        if (bad.length || !list.length) throw new Error(`--only takes some of ${PHASES.join(',')}`);
        a.only = new Set(list);
        break;
      }
      case '-h':
      case '--help':
        process.stderr.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${f}\n${USAGE}`);
    }
  }
  return a;
}
