/** The human table of `npm run bench`. */
const rows: [key: string, label: string, unit: string, target?: string][] = [
  ['startup_ms', 'startup (spawn → ready line, median)', 'ms', '≤ 300'],
  ['suite_wall_s', 'whole suite, demo wallMs (median)', 's', '≤ 10'],
  ['suite_process_s', 'whole suite, demo process wall (median)', 's'],
  ['suite_all_passed', 'every scenario passed', ''],
  ['gateway_rps', 'gateway SUBMIT_PAYMENT_ORDER', 'req/s'],
  ['p50_ms', 'gateway latency p50', 'ms'],
  ['p99_ms', 'gateway latency p99', 'ms'],
  ['limit_rps', 'bare node:http ceiling (1 core)', 'req/s'],
  ['gateway_ratio', 'gateway / ceiling', '', '≥ 0.9'],
  ['gateway_ratio_per_cpu_s', 'gateway / ceiling, per server CPU-second', ''],
  ['pg_gateway_rps', 'gateway on PostgreSQL, one instance', 'req/s'],
  ['pg_two_instances_rps', 'gateway on PostgreSQL, two instances, one database', 'req/s'],
  ['pg_skipped_reason', 'PostgreSQL figures not measured', ''],
  ['errors', 'errors (all load phases)', ''],
  ['rss_mb_after_100k', 'RSS after the memory run', 'MB', '≤ 200'],
  ['rss_requests', 'requests in the memory run', ''],
  ['rss_peak_mb', 'peak RSS (VmHWM)', 'MB'],
  ['journal_dropped', 'journal dropped', ''],
  ['orders', 'orders held', ''],
  ['control_orders_ms_at_100k', 'paged GET /control/orders, orders held (slowest of 5)', 'ms', '≤ 50'],
  ['inspector_first_paint_ms', 'inspector first contentful paint (Chromium, median)', 'ms', '≤ 300'],
  ['inspector_list_loaded_ms', 'inspector: navigation → 10,000 orders listed', 'ms'],
  ['inspector_filter_ms', 'inspector: one filter over 10,000 orders', 'ms'],
  ['inspector_skipped', 'inspector not measured', ''],
  ['workers_supported', 'start --workers supported', ''],
];

export function printTable(r: Record<string, unknown>): void {
  const pass = (r.pass ?? {}) as Record<string, boolean | null>;
  const lines: string[][] = [['metric', 'value', 'target', '']];
  for (const [k, label, unit, target] of rows) {
    if (r[k] === undefined) continue;
    const verdict = pass[k] === true ? 'ok' : pass[k] === false ? 'MISS' : '';
    lines.push([label, `${String(r[k])}${unit ? ` ${unit}` : ''}`, target ?? '', verdict]);
  }
  if (r.gateway_rps_by_workers) lines.push(['gateway by workers', JSON.stringify(r.gateway_rps_by_workers), '', '']);
  const w = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const m = r.machine as { cpu: string; cores: number; memory_gb: number; node: string };
  const out = [
    `ucsp-sandbox bench · ${r.date as string} · ${m.cpu} × ${m.cores} · ${m.memory_gb} GB · node ${m.node}${r.quick ? ' · QUICK' : ''}`,
    ...lines.map((l, i) => {
      const s = l.map((c, j) => (j === 1 ? c.padStart(w[j]!) : c.padEnd(w[j]!))).join('  ').trimEnd();
      return i === 0 ? `${s}\n${'-'.repeat(s.length)}` : s;
    }),
  ];
  if (r.error) out.push(`FAILED: ${String(r.error)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
