/** `--reporter json`: the whole run as one JSON document. */
import type { RunSummary } from '../scenarios/results.js';
import { coverageCounts } from './coverage-table.js';

export function jsonReport(s: RunSummary): string {
  return `${JSON.stringify({ schemaVersion: 1, tool: 'ucsp-sandbox', ...s, coverageCounts: coverageCounts(s.coverage) }, null, 2)}\n`;
}
