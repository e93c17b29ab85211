/** The coverage matrix as rows (message type × via) and columns (codes), for every reporter. */
import type { Coverage } from '../scenarios/results.js';

export const CODES = ['00', '01', '05', '10', '11', '34', '36', '99'] as const;

export interface MatrixRow {
  msgType: string;
  via: string;
  /** code → count exercised; -1 when the protocol allows it but the run never produced it; undefined when not applicable. */
  cells: Record<string, number | undefined>;
}

export function coverageMatrix(c: Coverage): MatrixRow[] {
  const rows = new Map<string, MatrixRow>();
  const row = (msgType: string, via: string) => {
    const k = `${msgType}|${via}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { msgType, via, cells: {} }));
    return r;
  };
  for (const m of c.missing) row(m.msgType, m.via).cells[m.code] = -1;
  for (const e of c.exercised) row(e.msgType, e.via).cells[e.code] = e.count;
  return [...rows.values()].sort((a, b) => a.msgType.localeCompare(b.msgType) || a.via.localeCompare(b.via));
}

export function coverageCounts(c: Coverage): { exercised: number; possible: number } {
  const possible = new Set(c.missing.map((m) => `${m.msgType}|${m.code}|${m.via}`));
  for (const e of c.exercised) possible.add(`${e.msgType}|${e.code}|${e.via}`);
  return { exercised: c.exercised.length, possible: possible.size };
}

/** Plain-text matrix for terminals and JUnit system-out. */
export function coverageText(c: Coverage): string {
  const rows = coverageMatrix(c);
  const w = Math.max(...rows.map((r) => `${r.msgType} (${r.via})`.length), 10);
  const head = `${'message (via)'.padEnd(w)}  ${CODES.map((x) => x.padStart(4)).join('')}`;
  const lines = rows.map((r) => `${`${r.msgType} (${r.via})`.padEnd(w)}  ${CODES.map((code) => {
    const v = r.cells[code];
    return (v === undefined ? '·' : v === -1 ? '—' : String(v)).padStart(4);
  }).join('')}`);
  const { exercised, possible } = coverageCounts(c);
  return [head, ...lines, `exercised ${exercised} of ${possible} message type × code pairs (— = allowed but not exercised, · = not applicable)`].join('\n');
}
