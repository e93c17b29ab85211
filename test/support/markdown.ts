/** The headings of a Markdown text (outside fenced code blocks), with their level and GitHub anchor. */
import { githubSlug } from '../../src/scenarios/refs.js';

export interface Heading {
  level: number;
  text: string;
  anchor: string;
  line: number;
}

export function markdownHeadings(markdown: string): Heading[] {
  const out: Heading[] = [];
  const seen = new Map<string, number>();
  let fence: string | undefined;
  markdown.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) return;
    const text = h[2]!;
    // GitHub numbers repeated anchors: x, x-1, x-2, …
    const base = githubSlug(text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.push({ level: h[1]!.length, text, anchor: n ? `${base}-${n}` : base, line: i + 1 });
  });
  return out;
}
