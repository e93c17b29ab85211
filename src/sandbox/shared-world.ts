/**
 * What the control API set for what comes next — issuer outcomes, forced answers, answer and
 * notice faults — as one map of items (key → value), shared by the instances on PostgreSQL (kv
 * `world`). Each instance merges: what another wrote, with what this one changed since it last
 * looked (item by item, its own change wins), so that a fault added on one instance while another
 * takes an outcome loses neither.
 */
export type WorldMap = Record<string, unknown>;

const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

/** `remote` with every item `local` changed since `base` (added, changed or removed) applied to it. */
export function mergeWorld(remote: WorldMap, local: WorldMap, base: WorldMap): WorldMap {
  const out: WorldMap = { ...remote };
  for (const k of new Set([...Object.keys(local), ...Object.keys(base)])) {
    if (same(local[k], base[k])) continue;
    if (k in local) out[k] = local[k];
    else delete out[k];
  }
  return out;
}

export function sameWorld(x: WorldMap, y: WorldMap): boolean {
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => k in y && same(x[k], y[k]));
}

/** The items of one kind (`prefix:`), in the order of their keys' numbers. */
export function itemsOf<T>(m: WorldMap, prefix: string): { id: number; value: T }[] {
  return Object.keys(m)
    .filter((k) => k.startsWith(`${prefix}:`))
    .map((k) => ({ id: Number(k.slice(prefix.length + 1)), value: m[k] as T }))
    .filter((x) => Number.isSafeInteger(x.id))
    .sort((a, b) => a.id - b.id);
}
