/** "Did you mean …?": the known names nearest to a misspelt one. */

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known names at most `maxDistance` edits from `name` (ignoring case), nearest first and no
 * more than one edit farther than the nearest, at most `limit` of them.
 */
export function nearestNames(name: string, known: Iterable<string>, maxDistance: number, limit = 3): string[] {
  const lower = name.toLowerCase();
  const scored: [string, number][] = [];
  for (const k of new Set(known)) {
    const d = k.toLowerCase() === lower ? 0 : editDistance(k.toLowerCase(), lower);
    if (d <= maxDistance) scored.push([k, d]);
  }
  scored.sort((a, b) => a[1] - b[1]); // stable: ties keep the order of `known`
  return scored
    .filter(([, d]) => d <= scored[0]![1] + 1)
    .slice(0, limit)
    .map(([k]) => k);
}
