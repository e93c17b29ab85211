/** Top frames of a V8 .cpuprofile (from `node --cpu-prof`): self time and inclusive time, by function. */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface Frame {
  frame: string;
  self_pct: number;
  total_pct: number;
}

export function topFrames(file: string, n = 15): { self: Frame[]; total: Frame[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[] };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const name = (x: Node) => {
    const f = x.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^node:/, 'node:')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (const x of p.nodes) all += x.hitCount ?? 0;
  const idle = p.nodes.filter((x) => x.callFrame.functionName === '(idle)').reduce((a, x) => a + (x.hitCount ?? 0), 0);
  // Inclusive: walk the tree; a function counts once per stack even when it recurses.
  const walk = (id: number, onStack: Set<string>): number => {
    const x = byId.get(id)!;
    const k = name(x);
    let hits = x.hitCount ?? 0;
    self.set(k, (self.get(k) ?? 0) + hits);
    const fresh = !onStack.has(k);
    if (fresh) onStack.add(k);
    for (const c of x.children ?? []) hits += walk(c, onStack);
    if (fresh) {
      onStack.delete(k);
      total.set(k, (total.get(k) ?? 0) + hits);
    }
    return hits;
  };
  walk(p.nodes[0]!.id, new Set());
  const busy = Math.max(1, all - idle);
  const pct = (h: number) => Math.round((h / busy) * 1000) / 10;
  const top = (m: Map<string, number>, skip: RegExp) =>
    [...m]
      .filter(([k]) => !skip.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k]) => ({ frame: k, self_pct: pct(self.get(k) ?? 0), total_pct: pct(total.get(k) ?? 0) }));
  return { self: top(self, /^\((idle|root)\)/), total: top(total, /^\((idle|program|root)\)|^\(anonymous\) node:|^(processTicksAndRejections|emit|listOnTimeout) /) };
}
