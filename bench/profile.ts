/**
 * Top frames of a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive share of the busy
 * samples, by function, counting only the samples of the last `windowMs` (the measured window,
 * not start-up and warm-up).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  frame: string;
  self_pct: number;
  total_pct: number;
}

const isProject = (url: string) => !url.includes('/node_modules/') && /\/(dist\/(src|examples)|bench)\//.test(url);

export function topFrames(file: string, windowMs: number, n = 15): { self: Frame[]; total: Frame[]; samples: number } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const hits = new Map<number, number>();
  const from = p.endTime - windowMs * 1000;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t >= from) hits.set(p.samples[i]!, (hits.get(p.samples[i]!) ?? 0) + 1);
  }
  const name = (x: Node) => {
    const f = x.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(dist|node_modules|bench)\//, '$1/')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const project = new Set<string>();
  // Inclusive: walk the tree; a function counts once per stack even when it recurses.
  const walk = (id: number, onStack: Set<string>): number => {
    const x = byId.get(id)!;
    const k = name(x);
    if (isProject(x.callFrame.url)) project.add(k);
    let h = hits.get(id) ?? 0;
    self.set(k, (self.get(k) ?? 0) + h);
    const fresh = !onStack.has(k);
    if (fresh) onStack.add(k);
    for (const c of x.children ?? []) h += walk(c, onStack);
    if (fresh) {
      onStack.delete(k);
      total.set(k, (total.get(k) ?? 0) + h);
    }
    return h;
  };
  walk(p.nodes[0]!.id, new Set());
  const idle = self.get('(idle)') ?? 0;
  const all = [...hits.values()].reduce((a, b) => a + b, 0);
  const busy = Math.max(1, all - idle);
  const pct = (h: number) => Math.round((h / busy) * 1000) / 10;
  const top = (keys: string[], m: Map<string, number>) =>
    keys
      .sort((a, b) => (m.get(b) ?? 0) - (m.get(a) ?? 0))
      .slice(0, n)
      .map((k) => ({ frame: k, self_pct: pct(self.get(k) ?? 0), total_pct: pct(total.get(k) ?? 0) }));
  return {
    self: top([...self.keys()].filter((k) => !/^\((idle|root)\)/.test(k)), self),
    // Inclusive only for the project's own code: framework wrappers would fill the list.
    total: top([...project], total),
    samples: busy,
  };
}
